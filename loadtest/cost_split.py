"""What a chat costs each process, apart from what each of its chunks costs.

``python -m loadtest.cost_split --streams 100 --waves 3`` runs Relay with its default
settings, and beside it the bare stacks of ``loadtest/floor.py`` and the upstream
reached directly, all against the mock upstream (``loadtest/mock_upstream.py``):
first with answers of 20 chunks, then of 200, twice over, the paths' waves
interleaved. It fits each process's CPU per chat as ``start + chunks * per_chunk``.

CPU per delivered chunk, one of the issue's targets, is ``start / 20 + per_chunk`` at
20 chunks a chat: this says which of the two a change must cut. The start says what a
burst costs: when ``streams`` chats start at once, the last of them cannot see a
first token before the path's own processes have done every start, so on ``cores``
CPUs its overhead over direct is at least about ``streams * start / cores`` (the
"burst bound" printed; it leaves out the client's and upstream's share, and any
wait). A path whose bound at p95 exceeds the time-to-first-token target cannot
meet it on this machine, however its work is scheduled.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time

from loadtest import peers_report
from loadtest.ab import wave
from loadtest.floor import floor_stack
from loadtest.peers import FLOOR_PATHS, _cpu_seconds, add_cpu_spent, mock_upstream, relay_pids
from loadtest.stack import free_ports, running_stack

SHORT, LONG = 20, 200
#: Processes that are not a path's own: the load and the upstream it reads.
SHARED = ("bench client", "upstream")


def fit(short_ms: float, long_ms: float) -> tuple[float, float]:
    """(start, per chunk) in µs from the CPU per chat at SHORT and LONG chunks, in ms."""
    per_chunk = (long_ms - short_ms) / (LONG - SHORT)
    return (short_ms - SHORT * per_chunk) * 1000, per_chunk * 1000


def own_processes(path: str, names: list[str]) -> list[str]:
    """The names among ``names`` of ``path``'s own processes (``relay app``, ``floor
    redis: app``), as the peers report names them."""
    return [name for name in peers_report.own_processes(path) if name in names]


def burst_bound_ms(start_us: float, streams: int, cores: int) -> float:
    """The least time ``streams`` starts of ``start_us`` CPU each take on ``cores``, ms."""
    return streams * start_us / cores / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.cost_split", description=__doc__)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--waves", type=int, default=3, help="per round and path")
    parser.add_argument("--no-floor", action="store_true", help="Relay (and direct) only")
    args = parser.parse_args(argv)
    (port,) = free_ports(1)
    upstream = f"http://127.0.0.1:{port}/v1"
    paths = ["direct", *(() if args.no_floor else FLOOR_PATHS), "relay"]
    per_chat: dict[str, dict[int, list[dict[str, float]]]] = {
        path: {SHORT: [], LONG: []} for path in paths
    }
    with contextlib.ExitStack() as stack:
        urls = {"direct": f"http://127.0.0.1:{port}"}
        pids: dict[str, dict[str, list[int]]] = {"direct": {}}
        for path in paths:
            if path in FLOOR_PATHS:
                floor = stack.enter_context(floor_stack(path, upstream, FLOOR_PATHS[path]))
                urls[path], pids[path] = floor.url, dict(floor.pids)
        relay = stack.enter_context(
            running_stack("cost-split", settings={"RELAY_OPENAI_BASE_URL": upstream})
        )
        urls["relay"], pids["relay"] = relay.url, relay_pids(relay.process.pid, relay.ports)
        for chunks in (SHORT, LONG, SHORT, LONG):
            with mock_upstream(port, chunks) as upstream_pid:
                spent: dict[str, dict[str, float]] = {path: {} for path in paths}
                for path in paths:  # warm-up: pooled connections to the new upstream
                    asyncio.run(wave(path, urls[path], args.streams, f"warm-{time.time()}"))
                for number in range(args.waves):
                    for path in paths:
                        watched = {**pids[path], "upstream": [upstream_pid]}
                        before = _cpu_seconds(watched)
                        tag = f"{chunks}-{number}-{time.time()}"
                        traces = asyncio.run(wave(path, urls[path], args.streams, tag))
                        add_cpu_spent(spent[path], before, _cpu_seconds(watched))
                        if any(t.error for t in traces):
                            errors = [t.error for t in traces if t.error][:3]
                            raise RuntimeError(f"{path}: failed streams: {errors}")
                        time.sleep(0.7)
            chats = args.waves * args.streams
            for path in paths:
                per_chat[path][chunks].append(
                    {k: v / chats * 1000 for k, v in spent[path].items()}  # ms
                )
    cores = os.cpu_count() or 1
    for path in paths:
        runs = per_chat[path]
        names = list(runs[SHORT][0])
        own = own_processes(path, names)
        print(f"{path}:", flush=True)
        total_start = total_chunk = 0.0
        for name in [*own, *(n for n in SHARED if n in names)]:
            short = sum(run[name] for run in runs[SHORT]) / len(runs[SHORT])
            long = sum(run[name] for run in runs[LONG]) / len(runs[LONG])
            start, per_chunk = fit(short, long)
            if name in own:
                total_start += start
                total_chunk += per_chunk
            print(
                f"  {name:22s} start {start:7.0f} µs   per chunk {per_chunk:6.1f} µs   "
                f"per chunk at {SHORT} a chat {short * 1000 / SHORT:6.1f} µs",
                flush=True,
            )
        if own:
            bound = burst_bound_ms(total_start, args.streams, cores)
            print(
                f"  {'own processes':22s} start {total_start:7.0f} µs   per chunk "
                f"{total_chunk:6.1f} µs   burst bound for {args.streams} at once on {cores} "
                f"CPUs: {bound:.0f} ms (p95: {bound * 0.95:.0f} ms)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
