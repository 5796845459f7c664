"""Running a process's main coroutine on the configured event loop (``RELAY_EVENT_LOOP``).

uvloop by default: its loop and transports cost less per wake-up and per write than
asyncio's, and a relay does little else per chunk (BENCHMARKS.md, "Event loop").
Granian picks the app's loop itself (``--loop``, set by the launcher); the watcher
runs on :func:`run`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T], event_loop: str) -> T:
    """``asyncio.run(main)`` on ``event_loop`` (``uvloop`` or ``asyncio``)."""
    if event_loop == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(main)
    return asyncio.run(main)
