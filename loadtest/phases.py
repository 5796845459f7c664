"""Where a burst of chats spends its time to first token, phase by phase.

``python -m loadtest.phases --streams 100 --waves 5`` runs one stack with Relay's
default settings against the mock upstream (``loadtest/mock_upstream.py``) and
starts ``--streams`` chats at once, ``--waves`` times. For every chat it notes, in
ms after its wave started: the submit's answer (the app), the watcher starting it
(its ``processing`` event's ``ts``), the upstream sending its first chunk (the time
in the chunk's text), the watcher emitting that chunk (its ``ts``) and the client
reading it. The percentiles of each say which hop a burst queues in.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time

import orjson

from loadtest.aioclient import HttpConnection
from loadtest.peers import ECHO_MESSAGE, _source, emit_time_of, mock_upstream
from loadtest.stack import free_ports, running_stack
from loadtest.stats import summarize

#: The phases, in the order a chat passes them.
PHASES = ("submitted", "started", "upstream_first", "emitted_first", "read_first")


async def _chat(url: str, index: int, tag: str, wave_start: float) -> dict[str, float]:
    """One chat's phase times, ms after ``wave_start`` (unix seconds)."""
    conn = HttpConnection(url, timeout_s=60, source_host=_source(index))
    origin_ms = wave_start * 1000
    seen: dict[str, float] = {}
    try:
        status, reply = await conn.post_json(
            "/api/chat/start",
            {"message": ECHO_MESSAGE, "model": "openai", "project": f"{tag}-{index}",
             "cache": False},
        )  # fmt: skip
        if status != 202:
            return seen
        seen["submitted"] = time.time() * 1000 - origin_ms
        async for events, received_ms, _ in conn.events(reply["stream_url"], 60):
            for event in events:
                data = orjson.loads(event.data)
                if event.type == "status" and data.get("status") == "processing":
                    seen.setdefault("started", data["ts"] - origin_ms)
                elif event.type == "chunk" and "read_first" not in seen:
                    seen["emitted_first"] = data["ts"] - origin_ms
                    seen["read_first"] = received_ms - origin_ms
                    upstream = emit_time_of(data.get("text", ""))
                    if upstream is not None:
                        seen["upstream_first"] = upstream - origin_ms
        return seen
    finally:
        await conn.close()


async def _wave(url: str, streams: int, tag: str) -> list[dict[str, float]]:
    started = time.time()
    return await asyncio.gather(*(_chat(url, i, tag, started) for i in range(streams)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.phases", description=__doc__)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--waves", type=int, default=5)
    args = parser.parse_args(argv)
    (port,) = free_ports(1)
    settings = {"RELAY_OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    chats: list[dict[str, float]] = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock_upstream(port, 20))
        running = stack.enter_context(running_stack("phases", settings=settings))
        asyncio.run(_wave(running.url, args.streams, f"phases-warm-{time.time()}"))
        for number in range(args.waves):
            chats += asyncio.run(_wave(running.url, args.streams, f"phases-{number}-{time.time()}"))
            time.sleep(0.7)  # the wave's connections close
    print(f"{args.streams} chats at once, {args.waves} waves; ms after the wave started:")
    for phase in PHASES:
        times = summarize([chat[phase] for chat in chats if phase in chat])
        p50, p95, count = times["p50"], times["p95"], times["count"]
        print(f"  {phase:15s} p50 {p50:7.1f}  p95 {p95:7.1f}  (n={count})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
