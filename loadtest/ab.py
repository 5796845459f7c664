"""Two checkouts of Relay side by side: the same waves on each, interleaved.

``python -m loadtest.ab --base /tmp/base --streams 100 --waves 8`` starts one stack
from ``--base`` (a ``git worktree`` of the commit to compare against) and one from
this checkout, both with Relay's default settings and the same mock upstream
(``loadtest/mock_upstream.py``), and runs waves of concurrent chats on them in
turn, alternating which goes first. Both stacks so see the same machine load, which
on a shared host moves more between runs than most changes do. Printed per checkout:
CPU per delivered chunk of each relay process, time to first token and delivery.

``--chunks 0`` chats with the ``echo`` model instead (the mock upstream idles).
Both checkouts run on this interpreter's venv: the base must need no package this
one lacks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loadtest import stack as stack_module
from loadtest.peers import (
    StreamTrace,
    _cpu_seconds,
    _one,
    add_cpu_spent,
    mock_upstream,
    relay_pids,
)
from loadtest.stack import ROOT_DIR, free_ports, running_stack
from loadtest.stats import summarize


@dataclass
class Side:
    """What one checkout's waves measured."""

    root: Path
    cpu_s: dict[str, float] = field(default_factory=dict)
    traces: list[StreamTrace] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        ok = [t for t in self.traces if t.error is None and t.ttft_ms is not None]
        chunks = sum(len(t.deliveries_ms) for t in ok)
        per_chunk = {
            name.removeprefix("relay "): round(seconds / max(chunks, 1) * 1e6)
            for name, seconds in self.cpu_s.items()
            if name.startswith("relay ")
        }
        return {
            "checkout": str(self.root),
            "errors": len(self.traces) - len(ok),
            "chunks": chunks,
            "cpu_us_per_chunk": per_chunk,
            "cpu_us_per_chunk_total": sum(per_chunk.values()),
            "ttft_ms": summarize([t.ttft_ms for t in ok if t.ttft_ms is not None]),
            "delivery_ms": summarize([d for t in ok for d in t.deliveries_ms]),
        }


async def wave(path: str, url: str, streams: int, tag: str) -> list[StreamTrace]:
    """``streams`` concurrent chats on ``path`` at ``url``, each read to its end."""
    return await asyncio.gather(*(_one(path, url, i, tag) for i in range(streams)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.ab", description=__doc__)
    parser.add_argument("--base", type=Path, required=True, help="the checkout to compare with")
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--waves", type=int, default=8, help="per checkout")
    parser.add_argument("--chunks", type=int, default=20, help="0: the echo model")
    args = parser.parse_args(argv)
    path = "relay echo" if args.chunks == 0 else "relay"
    sides = [Side(args.base.resolve()), Side(ROOT_DIR)]
    (port,) = free_ports(1)
    settings = {"RELAY_OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock_upstream(port, max(args.chunks, 1)))  # echo: idle
        stacks = []
        for index, side in enumerate(sides):
            stack_module.ROOT_DIR = side.root  # the launcher runs from that checkout
            stacks.append(stack.enter_context(running_stack(f"ab-{index}", settings=settings)))
        stack_module.ROOT_DIR = ROOT_DIR
        pids = [relay_pids(s.process.pid, s.ports) for s in stacks]
        for index, running in enumerate(stacks):  # warm-up, unrecorded
            asyncio.run(wave(path, running.url, args.streams, f"warm-{index}-{time.time()}"))
        for number in range(args.waves):
            for index in (0, 1) if number % 2 == 0 else (1, 0):
                side = sides[index]
                before = _cpu_seconds(pids[index])
                tag = f"{index}-{number}-{time.time()}"
                side.traces += asyncio.run(wave(path, stacks[index].url, args.streams, tag))
                add_cpu_spent(side.cpu_s, before, _cpu_seconds(pids[index]))
                time.sleep(0.7)  # the wave's connections close
    for side in sides:
        print(side.summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
