"""``python -m launcher``: start Relay (Redis, watcher, Granian, nginx) until Ctrl-C.

Exit codes: 0 stopped by SIGINT/SIGTERM; 1 a part failed; 2 refused to start
(port taken, listening beyond loopback without a token, missing program, bad setting).
"""

from __future__ import annotations

import asyncio
import sys

from launcher.launch import launch
from launcher.preflight import LaunchRefused
from launcher.stack import MissingBinaryError
from relay.settings import Settings

EXIT_REFUSED = 2


def main() -> int:
    """Read the settings from the environment and run the stack."""
    try:
        settings = Settings.from_env()
        return asyncio.run(launch(settings))
    except (LaunchRefused, MissingBinaryError, ValueError) as exc:
        print(f"relay: {exc}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
