"""Connection churn: many SSE clients that connect and vanish, and the app's memory after.

``python -m loadtest.churn`` starts a stack with Relay's default settings (on free
ports), leaves a few jobs waiting for answers (so their streams would stay open for
ever if nobody noticed a client leaving), then opens ``--connections`` streams
through nginx, ``--concurrency`` at a time: each reads until the job's question has
arrived, then drops the connection without a goodbye. It reports the app's RSS
before (after a warm-up round) and after all are gone, and what the app still holds:
its hub subscriptions and ``relay_sse_connections`` (both must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from typing import Any

import httpx

from loadtest import procs
from loadtest.bench import raise_open_files_limit
from loadtest.stack import RunningStack, running_stack

ASK_MESSAGE = "churning [[ASK]]\n- still there?\n[[/ASK]]"
_SSE_GAUGE = re.compile(r"^relay_sse_connections(?:\{[^}]*\})? ([0-9.e+-]+)$", re.M)


def app_rss_bytes(stack: RunningStack) -> int:
    """RSS of the app's processes (Granian main and workers), in bytes."""
    processes = procs.discover(stack.process.pid, stack.ports)
    return procs.rss_by_role(processes)["app"]


def held_by_app(stack: RunningStack) -> tuple[int, float]:
    """(hub subscriptions, relay_sse_connections) the app reports now."""
    health = httpx.get(f"{stack.app_url}/api/health", timeout=10).json()
    metrics = httpx.get(f"{stack.app_url}/metrics", timeout=10).text
    gauge = sum(float(value) for value in _SSE_GAUGE.findall(metrics))
    return int(health["process"]["sse_streams"]), gauge


def waiting_jobs(stack: RunningStack, count: int) -> list[str]:
    """``count`` echo jobs that asked a question and now wait for the answer."""
    paths = []
    with httpx.Client(base_url=stack.url, timeout=10) as client:
        for index in range(count):
            body = {"message": ASK_MESSAGE, "model": "echo", "project": f"churn-{index}"}
            job = client.post("/api/chat/start", json={**body, "cache": False}).json()
            paths.append(job["stream_url"])
        for path in paths:  # each has asked by the time its stream shows the question
            with client.stream("GET", path) as response:
                for line in response.iter_lines():
                    if line == "event: questions":
                        break
    return paths


async def connect_and_vanish(port: int, path: str) -> None:
    """One client: open the stream, read to the question, drop the socket."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
            % path.encode()
        )
        await asyncio.wait_for(reader.readuntil(b"event: questions"), 30)
    finally:
        writer.transport.abort()  # no FIN handshake, no goodbye: the client is just gone


async def churn(port: int, paths: list[str], connections: int, concurrency: int) -> int:
    """Open and drop ``connections`` streams; the number that failed."""
    gate = asyncio.Semaphore(concurrency)
    failures = 0

    async def one(index: int) -> None:
        nonlocal failures
        async with gate:
            try:
                await connect_and_vanish(port, paths[index % len(paths)])
            except (OSError, TimeoutError, asyncio.IncompleteReadError):
                failures += 1

    await asyncio.gather(*(one(i) for i in range(connections)))
    return failures


def settle(stack: RunningStack, timeout_s: float) -> tuple[tuple[int, float], float]:
    """Wait until the app holds no stream; (what it holds, seconds it took)."""
    started = time.monotonic()
    held = held_by_app(stack)
    while held != (0, 0) and time.monotonic() - started < timeout_s:
        time.sleep(0.1)  # polling the app's own report, outside any measured interval
        held = held_by_app(stack)
    return held, time.monotonic() - started


def run(connections: int, concurrency: int, warmup: int, jobs: int) -> dict[str, Any]:
    """The churn measured on a fresh stack with Relay's default settings."""
    raise_open_files_limit()
    with running_stack("churn-stack", settings={}) as stack:
        paths = waiting_jobs(stack, jobs)
        port = stack.ports["nginx"]
        asyncio.run(churn(port, paths, warmup, concurrency))
        settle(stack, 60)
        before = app_rss_bytes(stack)
        started = time.monotonic()
        failures = asyncio.run(churn(port, paths, connections, concurrency))
        elapsed_s = time.monotonic() - started
        held, settle_s = settle(stack, 60)
        after = app_rss_bytes(stack)
    return {
        "connections": connections,
        "concurrency": concurrency,
        "failed": failures,
        "churn_s": round(elapsed_s, 1),
        "held_after": {"hub_subscriptions": held[0], "relay_sse_connections": held[1]},
        "settle_s": round(settle_s, 2),
        "app_rss_before_mib": round(before / 2**20, 1),
        "app_rss_after_mib": round(after / 2**20, 1),
        "app_rss_growth_pct": round(100 * (after - before) / before, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.churn", description=__doc__)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--max-growth-pct", type=float, default=10.0)
    args = parser.parse_args(argv)
    result = run(args.connections, args.concurrency, args.warmup, args.jobs)
    print(json.dumps(result, indent=2))
    ok = (
        result["held_after"] == {"hub_subscriptions": 0, "relay_sse_connections": 0}
        and result["app_rss_growth_pct"] <= args.max_growth_pct
        and not result["failed"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
