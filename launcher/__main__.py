"""``python -m launcher``: start Relay (Redis, watcher, Granian, nginx) until Ctrl-C.

``python -m launcher --cluster`` (``make run-cluster``) runs a local six-node Redis
Cluster in place of the one private Redis.

Exit codes: 0 stopped by SIGINT/SIGTERM; 1 a part failed; 2 refused to start
(port taken, listening beyond loopback without a token, missing program, bad setting).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from launcher.launch import launch
from launcher.preflight import LaunchRefused
from launcher.stack import MissingBinaryError
from relay.settings import Settings

EXIT_REFUSED = 2


def main(argv: list[str] | None = None) -> int:
    """Read the settings from the environment and run the stack."""
    parser = argparse.ArgumentParser(prog="python -m launcher", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="run a local Redis Cluster (6 nodes on RELAY_LOCAL_CLUSTER_PORT..+5, default "
        "7001-7006, data in $RELAY_STATE_DIR/cluster) instead of the private Redis",
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return asyncio.run(launch(settings, local_cluster=args.cluster))
    except (LaunchRefused, MissingBinaryError, ValueError) as exc:
        print(f"relay: {exc}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
