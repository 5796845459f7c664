"""Benchmark scenarios on chats: concurrent chats, cached answers, and the soak.

Each scenario is bounded by a count and a deadline and returns a JSON-ready dict.
Every simulated user chats in a project of its own: jobs of one project run one at a
time, so sharing a project would measure the queue, not the relay.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

import psutil

from loadtest import procs
from loadtest.aioclient import HttpConnection, HttpError
from loadtest.measure import ChatTrace, chat_message, now_ms
from loadtest.stats import summarize

START_PATH = "/api/chat/start"
#: A soak user moves to a fresh project after this many chats (bounded history).
CHATS_PER_PROJECT = 50


def run_tag() -> str:
    """A short unique tag for this run's project names."""
    return f"{int(time.time()) % 100000:05d}{random.randrange(1000):03d}"


async def run_chat(
    conn: HttpConnection, project: str, message: str, *, use_cache: bool, idle_timeout_s: float
) -> ChatTrace:
    """Submit ``message`` and read its stream to the end; never raises for HTTP trouble."""
    trace = ChatTrace(started_perf=time.perf_counter())
    try:
        body = {"message": message, "project": project, "cache": use_cache}
        status, reply = await conn.post_json(START_PATH, body)
        trace.submit_ms = (time.perf_counter() - trace.started_perf) * 1000
        if status != 202 or "stream_url" not in reply:
            return trace.fail(f"submit status {status}: {str(reply)[:200]}")
        trace.stream_requested_ms = now_ms()
        ended = False
        stream = conn.events(reply["stream_url"], idle_timeout_s)
        async with contextlib.aclosing(stream):
            async for events, received_ms, received_perf in stream:
                if not ended:
                    ended = trace.observe(events, received_ms, received_perf)
        if not ended:
            return trace.fail("stream ended without a terminal event")
    except HttpError as exc:
        return trace.fail(str(exc))
    if trace.ok and trace.result != message:
        trace.fail("the answer differs from the echoed message")
    return trace


def summarize_traces(traces: list[ChatTrace], seconds: float) -> dict[str, Any]:
    """Percentiles of the successful chats, the error count and a few error messages."""
    ok = [t for t in traces if t.ok]
    failed = [t for t in traces if not t.ok]
    deliveries = [d for t in ok for d in t.deliveries_ms]
    return {
        "chats": len(traces),
        "ok": len(ok),
        "errors": len(failed),
        "error_samples": sorted({t.error or "?" for t in failed})[:5],
        "seconds": round(seconds, 2),
        "chats_per_s": round(len(ok) / seconds, 1) if seconds else None,
        "chunks_per_s": round(sum(t.chunks for t in ok) / seconds, 1) if seconds else None,
        "ttft_ms": summarize([t.ttft_ms for t in ok if t.ttft_ms is not None]),
        "delivery_ms": summarize(deliveries),
        "full_ms": summarize([t.full_ms for t in ok if t.full_ms is not None]),
        "submit_ms": summarize([t.submit_ms for t in ok]),
        # The watcher's view (the done event's timings): created -> claimed, -> first token.
        "server_queue_wait_ms": summarize(_timing(ok, "queue_wait_ms")),
        "server_ttft_ms": summarize(_timing(ok, "time_to_first_token_ms")),
    }


def _timing(traces: list[ChatTrace], name: str) -> list[float]:
    values = (t.server_timings.get(name) for t in traces)
    return [float(v) for v in values if isinstance(v, int | float)]


@dataclass
class CpuWatch:
    """CPU seconds used by the stack's roles and by this process during a scenario."""

    processes: list[procs.StackProcess]

    def __post_init__(self) -> None:
        self._stack = procs.cpu_times(self.processes)
        self._self = _own_cpu()
        self._wall = time.monotonic()

    def result(self) -> dict[str, Any]:
        """Cores used on average per role (1.0 = one core busy all the time)."""
        wall = max(time.monotonic() - self._wall, 1e-9)
        now = procs.cpu_times(self.processes)
        used = {role: round((now[role] - self._stack[role]) / wall, 2) for role in now}
        used["bench"] = round((_own_cpu() - self._self) / wall, 2)
        return {"cores_used": used, "loadavg_1m": round(os.getloadavg()[0], 2)}


def _own_cpu() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


async def chats_scenario(
    url: str,
    *,
    chats: int,
    rounds: int,
    words: int,
    warmup_rounds: int = 1,
    stagger_ms: float = 500.0,
    think_ms: float = 0.0,
    processes: list[procs.StackProcess] | None = None,
    timeout_s: float = 300.0,
) -> dict[str, Any]:
    """``chats`` users each run ``rounds`` chats back to back (the first ones are warm-up)."""
    tag = run_tag()
    traces: list[ChatTrace] = []
    measured_from: list[float] = []

    async def user(index: int) -> None:
        conn = HttpConnection(url)
        await asyncio.sleep(random.uniform(0, stagger_ms / 1000))
        try:
            for round_no in range(rounds):
                if round_no == warmup_rounds:
                    measured_from.append(time.monotonic())
                message = chat_message(words, f"c{index}r{round_no}")
                trace = await run_chat(
                    conn, f"bench-{tag}-{index}", message, use_cache=False, idle_timeout_s=30.0
                )
                if round_no >= warmup_rounds:
                    traces.append(trace)
                if think_ms:
                    await asyncio.sleep(think_ms / 1000)
        finally:
            await conn.close()

    cpu = CpuWatch(processes or [])
    started = time.monotonic()
    async with asyncio.timeout(timeout_s):
        await asyncio.gather(*(user(index) for index in range(chats)))
    window = time.monotonic() - (statistics.median(measured_from) if measured_from else started)
    result = summarize_traces(traces, window)
    result.update(params={"chats": chats, "rounds": rounds, "words": words, "url": url})
    result.update(cpu.result())
    return result


async def cached_scenario(
    url: str, *, clients: int, repeats: int, words: int, timeout_s: float = 120.0
) -> dict[str, Any]:
    """Each client asks once (cold), then the same question ``repeats`` times."""
    tag = run_tag()
    cold: list[ChatTrace] = []
    repeated: list[ChatTrace] = []

    async def client(index: int) -> None:
        conn = HttpConnection(url)
        project = f"cache-{tag}-{index}"
        message = chat_message(words, f"q{index}")
        try:
            cold.append(await run_chat(conn, project, message, use_cache=True, idle_timeout_s=30.0))
            for _ in range(repeats):
                repeated.append(
                    await run_chat(conn, project, message, use_cache=True, idle_timeout_s=30.0)
                )
        finally:
            await conn.close()

    started = time.monotonic()
    async with asyncio.timeout(timeout_s):
        await asyncio.gather(*(client(index) for index in range(clients)))
    seconds = time.monotonic() - started
    hits = [t for t in repeated if t.ok and t.cached]
    misses = [t for t in repeated if t.ok and not t.cached]
    failed = [t for t in [*cold, *repeated] if not t.ok]
    return {
        "params": {"clients": clients, "repeats": repeats, "words": words, "url": url},
        "requests": len(repeated),
        "hits": len(hits),
        "misses": len(misses),
        "errors": len(failed),
        "error_samples": sorted({t.error or "?" for t in failed})[:5],
        "seconds": round(seconds, 2),
        "cold_full_ms": summarize([t.full_ms for t in cold if t.ok and t.full_ms]),
        "hit_full_ms": summarize([t.full_ms for t in hits if t.full_ms is not None]),
        "hit_submit_ms": summarize([t.submit_ms for t in hits]),
        "miss_full_ms": summarize([t.full_ms for t in misses if t.full_ms is not None]),
    }


async def soak_scenario(
    url: str,
    *,
    seconds: float,
    chats: int,
    words: int,
    think_ms: float,
    processes: list[procs.StackProcess],
    sample_s: float = 5.0,
    warmup_s: float = 60.0,
) -> dict[str, Any]:
    """Moderate steady load for ``seconds``; RSS of every stack process every ``sample_s``."""
    from loadtest.soak import growth_report  # the arithmetic lives with its tests

    tag = run_tag()
    traces: list[ChatTrace] = []
    samples: list[tuple[float, dict[str, int]]] = []
    stop_at = time.monotonic() + seconds
    started = time.monotonic()

    async def user(index: int) -> None:
        conn = HttpConnection(url)
        await asyncio.sleep(random.uniform(0, 1.0))
        count = 0
        try:
            while time.monotonic() < stop_at:
                project = f"soak-{tag}-{index}-{count // CHATS_PER_PROJECT}"
                message = chat_message(words, f"s{index}n{count}")
                traces.append(
                    await run_chat(conn, project, message, use_cache=False, idle_timeout_s=30.0)
                )
                count += 1
                await asyncio.sleep(think_ms / 1000)
        finally:
            await conn.close()

    async def sampler() -> None:
        while time.monotonic() < stop_at:
            samples.append((time.monotonic() - started, procs.rss_by_process(processes)))
            await asyncio.sleep(sample_s)
        samples.append((time.monotonic() - started, procs.rss_by_process(processes)))

    cpu = CpuWatch(processes)
    async with asyncio.timeout(seconds + 120):
        await asyncio.gather(sampler(), *(user(index) for index in range(chats)))
    result = summarize_traces(traces, time.monotonic() - started)
    result["params"] = {
        "seconds": seconds,
        "chats": chats,
        "words": words,
        "think_ms": think_ms,
        "sample_s": sample_s,
        "warmup_s": warmup_s,
    }
    result["rss"] = growth_report(samples, processes, warmup_s)
    result.update(cpu.result())
    return result
