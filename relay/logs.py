"""Structured logging: one line per lifecycle event, key=value pairs, process name."""

from __future__ import annotations

import logging
import os
import sys


def configure_logging(process: str) -> None:
    """Log to stderr at ``RELAY_LOG_LEVEL`` (default INFO); idempotent."""
    root = logging.getLogger()
    if getattr(root, "_relay_configured", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(
            f"%(asctime)s level=%(levelname)s proc={process} pid=%(process)d "
            "logger=%(name)s %(message)s"
        )
    )
    root.addHandler(handler)
    root.setLevel(os.environ.get("RELAY_LOG_LEVEL", "INFO").upper())
    root._relay_configured = True  # type: ignore[attr-defined]
