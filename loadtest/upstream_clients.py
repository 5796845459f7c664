"""Which HTTP client should the watcher stream upstream completions with? Measured.

``python -m loadtest.upstream_clients --streams 100 1000 --rounds 2`` starts the mock
upstream (``loadtest.mock_upstream``: 20 chunks, one every 20 ms, each carrying its
write time) and, for each concurrency, runs each client in a fresh process, the
clients interleaved round by round. Every client opens all its streams at once over
a pool sized to the concurrency (keep-alive), feeds the body bytes to the repository's
SSE parser (``relay.sse``) and decodes each chunk's JSON, as the backend does. It
reports the client process's CPU per received chunk (user + system, the streaming
phase only), time to first token and chunk delivery (received minus written).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

from relay.sse import SSEDecoder

CLIENTS = ("httpx", "aiohttp")
_CHILD = [sys.executable, "-m", "loadtest.upstream_clients"]
_BODY = {"model": "mock", "messages": [{"role": "user", "content": "hi"}], "stream": True}


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _consume(
    pieces: AsyncIterator[bytes], started_ms: float, delivery: list[float], ttft: list[float]
) -> int:
    decoder = SSEDecoder()
    chunks = 0
    async for piece in pieces:
        received_ms = time.time() * 1000
        for event in decoder.feed(piece):
            if event.data == "[DONE]":
                continue
            delta = orjson.loads(event.data)["choices"][0]["delta"]
            text = delta.get("content")
            if not text:
                continue
            if not chunks:
                ttft.append(received_ms - started_ms)
            chunks += 1
            delivery.append(received_ms - float(text))
    return chunks


async def _run_httpx(url: str, streams: int, measure: Callable[..., Any]) -> dict[str, Any]:
    import httpx

    limits = httpx.Limits(max_connections=streams, max_keepalive_connections=streams)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0)) as client:

        async def one(delivery: list[float], ttft: list[float]) -> int:
            started_ms = time.time() * 1000
            async with client.stream("POST", url, json=_BODY) as response:
                return await _consume(response.aiter_raw(), started_ms, delivery, ttft)

        return await measure(one)


async def _run_aiohttp(url: str, streams: int, measure: Callable[..., Any]) -> dict[str, Any]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=streams, keepalive_timeout=60.0)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=60.0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(delivery: list[float], ttft: list[float]) -> int:
            started_ms = time.time() * 1000
            async with session.post(url, json=_BODY) as response:
                return await _consume(response.content.iter_any(), started_ms, delivery, ttft)

        return await measure(one)


async def run_client(client: str, url: str, streams: int) -> dict[str, Any]:
    """All ``streams`` at once, twice (the first pass warms the pool up); the second counts."""

    async def measure(one: Callable[[list[float], list[float]], Any]) -> dict[str, Any]:
        await asyncio.gather(*(one([], []) for _ in range(streams)))  # warm-up: fill the pool
        delivery: list[float] = []
        ttft: list[float] = []
        cpu_before, wall_before = _cpu_s(), time.monotonic()
        results = await asyncio.gather(
            *(one(delivery, ttft) for _ in range(streams)), return_exceptions=True
        )
        cpu, wall = _cpu_s() - cpu_before, time.monotonic() - wall_before
        chunks = sum(r for r in results if isinstance(r, int))
        return {
            "client": client,
            "streams": streams,
            "errors": sum(1 for r in results if isinstance(r, BaseException)),
            "chunks": chunks,
            "cpu_us_per_chunk": round(cpu / max(chunks, 1) * 1e6, 1),
            "wall_s": round(wall, 3),
            "ttft_p50_ms": round(_percentile(ttft, 0.50), 1),
            "ttft_p95_ms": round(_percentile(ttft, 0.95), 1),
            "delivery_p50_ms": round(_percentile(delivery, 0.50), 2),
            "delivery_p95_ms": round(_percentile(delivery, 0.95), 2),
            "delivery_p99_ms": round(_percentile(delivery, 0.99), 2),
        }

    runner = _run_httpx if client == "httpx" else _run_aiohttp
    return await runner(url, streams, measure)


def _start_mock() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "loadtest.mock_upstream", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = int(process.stdout.readline().split()[-1])
    return process, f"http://127.0.0.1:{port}/v1/chat/completions"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--client", choices=CLIENTS, help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        row = asyncio.run(run_client(args.client, args.url, args.streams[0]))
        print(json.dumps(row), flush=True)
        return
    mock, url = _start_mock()
    rows: list[dict[str, Any]] = []
    try:
        for streams in args.streams:
            for _ in range(args.rounds):
                for client in CLIENTS:  # interleaved: the same noise for both
                    out = subprocess.run(
                        [*_CHILD, "--client", client, "--url", url, "--streams", str(streams)],
                        capture_output=True,
                        text=True,
                        check=True,
                        env={**os.environ, "PYTHONHASHSEED": "0"},
                    )
                    rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
                    print(json.dumps(rows[-1]), flush=True)
    finally:
        mock.terminate()
        mock.wait(timeout=5)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
