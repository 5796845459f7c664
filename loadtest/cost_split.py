"""What a chat costs each relay process, apart from what each of its chunks costs.

``python -m loadtest.cost_split --streams 100 --waves 3`` runs one stack with Relay's
default settings against the mock upstream (``loadtest/mock_upstream.py``), first
with answers of 20 chunks, then of 200, twice over, and fits each process's CPU per
chat as ``start + chunks * per_chunk``. CPU per delivered chunk, the figure the
issue's target is about, is ``start / 20 + per_chunk`` at 20 chunks a chat: this
says which of the two a change must cut.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from loadtest.ab import wave
from loadtest.peers import _cpu_seconds, add_cpu_spent, mock_upstream, relay_pids
from loadtest.stack import free_ports, running_stack

SHORT, LONG = 20, 200


def fit(short_ms: float, long_ms: float) -> tuple[float, float]:
    """(start, per chunk) in µs from the CPU per chat at SHORT and LONG chunks, in ms."""
    per_chunk = (long_ms - short_ms) / (LONG - SHORT)
    return (short_ms - SHORT * per_chunk) * 1000, per_chunk * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.cost_split", description=__doc__)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--waves", type=int, default=3, help="per round")
    args = parser.parse_args(argv)
    (port,) = free_ports(1)
    settings = {"RELAY_OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    per_chat: dict[int, list[dict[str, float]]] = {SHORT: [], LONG: []}
    with running_stack("cost-split", settings=settings) as stack:
        pids = relay_pids(stack.process.pid, stack.ports)
        for chunks in (SHORT, LONG, SHORT, LONG):
            with mock_upstream(port, chunks):
                asyncio.run(wave("relay", stack.url, args.streams, f"warm-{time.time()}"))
                spent: dict[str, float] = {}
                for number in range(args.waves):
                    before = _cpu_seconds(pids)
                    traces = asyncio.run(
                        wave("relay", stack.url, args.streams, f"{chunks}-{number}-{time.time()}")
                    )
                    add_cpu_spent(spent, before, _cpu_seconds(pids))
                    if any(t.error for t in traces):
                        raise RuntimeError(f"failed streams: {[t.error for t in traces][:3]}")
                    time.sleep(0.7)
            chats = args.waves * args.streams
            per_chat[chunks].append({k: v / chats * 1000 for k, v in spent.items()})  # ms
    for name in per_chat[SHORT][0]:
        if not name.startswith("relay "):
            continue
        short = sum(run[name] for run in per_chat[SHORT]) / len(per_chat[SHORT])
        long = sum(run[name] for run in per_chat[LONG]) / len(per_chat[LONG])
        start, per_chunk = fit(short, long)
        print(
            f"{name:14s} start {start:7.0f} µs   per chunk {per_chunk:6.1f} µs   "
            f"per chunk at {SHORT} a chat {short * 1000 / SHORT:6.1f} µs",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
