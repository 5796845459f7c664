"""The benchmark tool: what Locust cannot do on a two-core box, with asyncio.

Modes (each bounded in time and count, each stops by itself; loopback targets only):

- ``chats``: N concurrent chats (one project each) through nginx: TTFT, chunk delivery;
- ``compare``: the same chats through nginx, then direct to Granian, and the ratio;
- ``hold``: N SSE streams held (idle on waiting jobs, some live on long jobs), chunk
  delivery on the live ones, RSS of the stack;
- ``cached``: the full cached answer (submit + stream to ``done``);
- ``soak`` (``--soak SECONDS``): moderate load while the RSS of every process is sampled;
- ``all``: everything ``make bench`` records in BENCHMARKS.md.

Without ``--url`` the tool starts its own stack (loadtest/stack.py) and stops it after.
Results print as JSON (``--json FILE`` also writes them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import resource
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import psutil

from loadtest import procs
from loadtest.hold import hold_scenario
from loadtest.profile import Profiler
from loadtest.scenarios import cached_scenario, chats_scenario, soak_scenario
from loadtest.stack import LOAD_SETTINGS, REPORTS_DIR, running_stack
from loadtest.stats import ratio

MODES = ("chats", "compare", "hold", "cached", "soak", "all")


def raise_open_files_limit() -> int:
    """Raise our descriptor limit to the hard limit (10,000 streams need 10,000 sockets)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = 1 << 20 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; ``--soak SECONDS`` selects the soak mode."""
    parser = argparse.ArgumentParser(
        prog="python -m loadtest.bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--mode", choices=MODES, default="chats")
    parser.add_argument("--soak", type=float, metavar="SECONDS", help="soak for SECONDS")
    parser.add_argument("--url", help="nginx base URL (default: start a stack)")
    parser.add_argument("--app-url", help="Granian base URL for compare (default: the stack's)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--chats", type=int, default=100, help="concurrent chats")
    parser.add_argument("--rounds", type=int, default=8, help="chats per user (first: warm-up)")
    parser.add_argument("--words", type=int, default=20, help="words (= chunks) per answer")
    parser.add_argument("--streams", type=int, nargs="+", default=[1000], help="streams held")
    parser.add_argument("--live-streams", type=int, default=1000, help="of which live")
    parser.add_argument("--live-jobs", type=int, default=100, help="long jobs they follow")
    parser.add_argument("--hold-seconds", type=float, default=20.0, help="delivery window")
    parser.add_argument("--cache-clients", type=int, default=1, help="concurrent askers")
    parser.add_argument("--cache-repeats", type=int, default=200, help="repeats per asker")
    parser.add_argument("--soak-chats", type=int, default=20, help="concurrent chats in soak")
    parser.add_argument("--soak-think-ms", type=float, default=500.0, help="pause between chats")
    parser.add_argument("--sample-s", type=float, default=5.0, help="RSS sampling interval")
    parser.add_argument("--profile", action="store_true", help="py-spy the app and the watcher")
    args = parser.parse_args(argv)
    if args.soak:
        args.mode = "soak"
    for url in (args.url, args.app_url):
        if url and not url.startswith(("http://127.0.0.1", "http://localhost")):
            parser.error(f"only loopback targets are allowed: {url}")
    return args


@contextlib.contextmanager
def target(args: argparse.Namespace) -> Iterator[tuple[str, str | None, list[procs.StackProcess]]]:
    """(nginx URL, Granian URL, stack processes): given ones, or a stack of our own."""
    if args.url:
        yield args.url, args.app_url or os.environ.get("RELAY_APP_URL"), procs.from_environment()
        return
    with running_stack(f"bench-{args.mode}") as stack:
        yield stack.url, stack.app_url, procs.discover(stack.process.pid, stack.ports)


def profile_targets(processes: list[procs.StackProcess]) -> dict[str, int]:
    """The processes worth profiling: Granian's (first) worker and the watcher."""
    targets: dict[str, int] = {}
    for process in processes:
        if process.role == "app" and "worker" in process.label:
            targets.setdefault("app", process.pid)
        elif process.role == "watcher":
            targets.setdefault("watcher", process.pid)
    return targets


async def _guarded(
    name: str,
    run: Callable[[], Awaitable[dict[str, Any]]],
    profiler: Profiler | None = None,
) -> dict[str, Any]:
    """Run one scenario; a failure is recorded in the results instead of ending the run.

    With a ``profiler``, the app and the watcher are sampled for the whole scenario.
    """
    print(f"bench: {name} ...", file=sys.stderr, flush=True)
    started = time.monotonic()
    try:
        if profiler:
            await profiler.start()
        result = await run()
        if profiler:
            result["profile"] = await profiler.stop()
    except Exception as exc:
        traceback.print_exc()
        result = {"failed": f"{type(exc).__name__}: {exc}"}
    result["wall_s"] = round(time.monotonic() - started, 1)
    print(f"bench: {name} done in {result['wall_s']} s", file=sys.stderr, flush=True)
    return result


async def run_modes(
    args: argparse.Namespace, url: str, app_url: str | None, processes: list[procs.StackProcess]
) -> dict[str, Any]:
    """Run the scenarios the mode asks for; results by scenario name."""
    runs: dict[str, Any] = {}
    mode = args.mode
    targets = profile_targets(processes) if args.profile else {}

    def profiler(name: str) -> Profiler | None:
        return Profiler(targets, REPORTS_DIR, name) if targets else None

    def chats(on: str) -> Callable[[], Awaitable[dict[str, Any]]]:
        return lambda: chats_scenario(
            on, chats=args.chats, rounds=args.rounds, words=args.words, processes=processes
        )

    # The soak first: on a fresh stack, before 10,000 streams inflate the allocator's
    # arenas (memory freed after them would hide a leak's first hundreds of MiB).
    soak_s = args.soak or (float(os.environ.get("BENCH_SOAK_S", "600")) if mode == "all" else 0)
    if mode == "soak" or soak_s:
        runs["soak"] = await _guarded(
            f"soak {soak_s:g} s",
            lambda: soak_scenario(
                url,
                seconds=soak_s or 600.0,
                chats=args.soak_chats,
                words=args.words,
                think_ms=args.soak_think_ms,
                processes=processes,
                sample_s=args.sample_s,
            ),
        )
    if mode in ("chats", "compare", "all"):
        # A fresh stack's first seconds are slower (first Redis allocations, metric
        # files growing, code paths warming): a short unrecorded run takes them.
        await _guarded(
            "warm-up",
            lambda: chats_scenario(
                url, chats=args.chats, rounds=2, words=args.words, processes=processes
            ),
        )
        runs["chats_nginx"] = await _guarded("chats through nginx", chats(url))
    if mode in ("compare", "all") and app_url:
        runs["chats_direct"] = await _guarded("chats direct to Granian", chats(app_url))
        runs["proxy_ratio"] = proxy_ratio(runs["chats_nginx"], runs["chats_direct"])
    if mode in ("cached", "all"):
        runs["cached"] = await _guarded(
            "cached answers",
            lambda: cached_scenario(
                url, clients=args.cache_clients, repeats=args.cache_repeats, words=args.words
            ),
        )
    if mode in ("hold", "all"):
        # "all": 1,000 streams all live (the delivery target), then 10,000 held of
        # which 100 live (the connection target, with delivery measured meanwhile).
        plans = [(1000, 1000), (10000, 100)] if mode == "all" else None
        for count, live in plans or [(n, args.live_streams) for n in args.streams]:
            runs[f"hold_{count}"] = await _guarded(
                f"hold {count} streams ({live} live)",
                lambda count=count, live=live: hold_scenario(  # type: ignore[misc]
                    url,
                    streams=count,
                    live_streams=live,
                    live_jobs=min(args.live_jobs, live),
                    seconds=args.hold_seconds,
                    processes=processes,
                ),
            )
    if targets:
        runs.update(await profiled_runs(args, url, processes, profiler))
    return runs


async def profiled_runs(
    args: argparse.Namespace,
    url: str,
    processes: list[procs.StackProcess],
    profiler: Callable[[str], Profiler | None],
) -> dict[str, Any]:
    """Scenarios again under py-spy, after the measured ones.

    Sampling costs CPU on a two-core box, so no figure of the tables comes from these
    runs: they only say where the time goes.
    """
    runs: dict[str, Any] = {}
    runs["profiled_chats"] = await _guarded(
        "chats under py-spy",
        lambda: chats_scenario(
            url, chats=args.chats, rounds=12, words=args.words, processes=processes
        ),
        profiler("chats"),
    )
    runs["profiled_cached"] = await _guarded(
        "cached answers under py-spy",
        lambda: cached_scenario(url, clients=1, repeats=1000, words=args.words),
        profiler("cached"),
    )
    runs["profiled_hold_1000"] = await _guarded(
        "1,000 live streams under py-spy",
        lambda: hold_scenario(
            url,
            streams=1000,
            live_streams=1000,
            live_jobs=min(args.live_jobs, 1000),
            seconds=10.0,
            processes=processes,
            profiler=profiler("hold_1000"),
        ),
    )
    return runs


def proxy_ratio(nginx: dict[str, Any], direct: dict[str, Any]) -> dict[str, Any]:
    """nginx ÷ direct for each percentile of TTFT and chunk delivery."""
    out: dict[str, Any] = {}
    for measure in ("ttft_ms", "delivery_ms", "submit_ms"):
        for pct in ("p50", "p95", "p99"):
            a = nginx.get(measure, {}).get(pct)
            b = direct.get(measure, {}).get(pct)
            out[f"{measure}_{pct}"] = ratio(a, b)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when every scenario ran (targets are reported, not gated)."""
    args = parse_args(argv)
    nofile = raise_open_files_limit()
    results: dict[str, Any] = {
        "tool": "loadtest.bench",
        "mode": args.mode,
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine(),
        "client_nofile": nofile,
    }
    with target(args) as (url, app_url, processes):
        results["stack"] = {
            "url": url,
            "app_url": app_url,
            "processes": [p.label for p in processes],
            # Only the load-relevant settings: never a token from the environment.
            "settings": {k: os.environ.get(k, v) for k, v in LOAD_SETTINGS.items()},
        }
        results["runs"] = asyncio.run(run_modes(args, url, app_url, processes))
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    encoded = orjson.dumps(results, option=orjson.OPT_INDENT_2)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_bytes(encoded + b"\n")
    sys.stdout.write(encoded.decode() + "\n")
    failed = [name for name, run in results["runs"].items() if "failed" in run]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
