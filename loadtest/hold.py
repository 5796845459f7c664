"""Holding thousands of SSE streams: connections kept, memory per stream, delivery meanwhile.

Two kinds of stream, both real ``GET /api/sse/status/{id}`` connections through the
URL given:

- *idle* streams wait on jobs that are waiting for answers (the echo model asks when
  its message holds an ``[[ASK]]`` block), as a browser tab waits on an agent's
  question: they receive the replay, then only heartbeats. A waiting job gives its
  backend slot back, so waiting jobs do not keep the live ones from running;
- *live* streams follow long echo jobs (several streams per job, as tabs watching the
  same answer would), and chunk delivery is measured on them for ``seconds``.

RSS of the stack is sampled before opening, with everything held, and after closing.
At the end every job is cancelled, so idle streams also prove the terminal event fans
out to all of them; any stream still open after that is closed by the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from loadtest import procs
from loadtest.aioclient import HttpConnection, HttpError
from loadtest.measure import chat_message, now_ms
from loadtest.profile import Profiler
from loadtest.scenarios import START_PATH, CpuWatch, run_tag
from loadtest.stats import summarize

ASK_MESSAGE = "holding [[ASK]]\n- still there?\n[[/ASK]]"
CLOSE_TIMEOUT_S = 60.0


@dataclass
class HoldState:
    """Counters shared by the stream tasks."""

    target: int
    held: int = 0
    ended: int = 0
    errors: list[str] = field(default_factory=list)
    deliveries_ms: list[float] = field(default_factory=list)
    all_held: asyncio.Event = field(default_factory=asyncio.Event)
    measuring: bool = False

    def mark_held(self) -> None:
        """One more stream is open and has received its first events."""
        self.held += 1
        if self.held >= self.target:
            self.all_held.set()


async def _submit(control: HttpConnection, project: str, message: str) -> str:
    status, body = await control.post_json(
        START_PATH, {"message": message, "project": project, "cache": False}
    )
    if status != 202:
        raise HttpError(f"submit for {project}: status {status} {body}")
    return str(body["job_id"])


async def _wait_status(control: HttpConnection, job_id: str, wanted: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    body = b""
    while time.monotonic() < deadline:
        status, body = await control.request("GET", f"/api/chat/status/{job_id}")
        if status == 200 and wanted.encode() in body:
            return
        await asyncio.sleep(0.05)  # a bounded wait for set-up, not part of any measure
    raise HttpError(f"job {job_id} did not reach {wanted} in {timeout_s:g} s: {body[:300]!r}")


async def _idle_stream(url: str, job_id: str, state: HoldState, gate: asyncio.Semaphore) -> None:
    conn = HttpConnection(url, timeout_s=30.0)
    held = False
    await gate.acquire()  # only the opening is throttled, not the holding
    try:
        stream = conn.events(f"/api/sse/status/{job_id}", idle_timeout_s=CLOSE_TIMEOUT_S + 600)
        async with contextlib.aclosing(stream):
            async for events, _, _ in stream:
                if not held and any(event.type == "questions" for event in events):
                    held = True
                    state.mark_held()
                    gate.release()
        state.ended += 1  # the terminal status arrived (the job was cancelled)
        if not held:
            state.errors.append("idle stream: ended before the questions")
    except HttpError as exc:
        state.errors.append(f"idle stream: {exc}")
    finally:
        if not held:
            gate.release()
        await conn.close()


async def _live_stream(url: str, job_id: str, state: HoldState, gate: asyncio.Semaphore) -> None:
    conn = HttpConnection(url, timeout_s=30.0)
    held = False
    await gate.acquire()
    try:
        requested_ms = now_ms()
        stream = conn.events(f"/api/sse/status/{job_id}", idle_timeout_s=30.0)
        async with contextlib.aclosing(stream):
            async for events, received_ms, _ in stream:
                if not held:
                    held = True
                    state.mark_held()
                    gate.release()
                if not state.measuring:
                    continue
                for event in events:
                    if event.type == "chunk":
                        ts = event.json()["ts"]
                        if ts >= requested_ms:
                            state.deliveries_ms.append(max(received_ms - ts, 0.0))
        state.ended += 1
    except HttpError as exc:
        state.errors.append(f"live stream: {exc}")
    finally:
        if not held:
            gate.release()
        await conn.close()


async def hold_scenario(
    url: str,
    *,
    streams: int,
    live_streams: int,
    live_jobs: int,
    seconds: float,
    processes: list[procs.StackProcess],
    waiting_jobs: int = 4,
    live_words: int = 4000,
    connect_concurrency: int = 256,
    profiler: Profiler | None = None,
) -> dict[str, Any]:
    """Hold ``streams`` streams (``live_streams`` of them live) and measure for ``seconds``."""
    live_streams = min(live_streams, streams)
    idle_streams = streams - live_streams
    tag = run_tag()
    control = HttpConnection(url)
    idle = HoldState(target=idle_streams)
    live = HoldState(target=live_streams)
    tasks: list[asyncio.Task[None]] = []
    jobs: list[str] = []
    gate = asyncio.Semaphore(connect_concurrency)
    rss_before = procs.rss_by_role(processes)
    result: dict[str, Any] = {
        "params": {
            "streams": streams,
            "live_streams": live_streams,
            "live_jobs": live_jobs,
            "seconds": seconds,
            "url": url,
        }
    }
    try:
        if idle_streams:
            waiting = [
                await _submit(control, f"hold-{tag}-w{i}", ASK_MESSAGE) for i in range(waiting_jobs)
            ]
            jobs += waiting
            for job_id in waiting:
                await _wait_status(control, job_id, "waiting_for_answers", 30.0)
            for index in range(idle_streams):
                job_id = waiting[index % len(waiting)]
                tasks.append(asyncio.create_task(_idle_stream(url, job_id, idle, gate)))
            result["idle_open_s"] = await _wait_held(idle, 300.0)
        if live_streams:
            message = chat_message(live_words, "live")
            live_ids = [
                await _submit(control, f"hold-{tag}-l{i}", message) for i in range(live_jobs)
            ]
            jobs += live_ids
            for index in range(live_streams):
                job_id = live_ids[index % len(live_ids)]
                tasks.append(asyncio.create_task(_live_stream(url, job_id, live, gate)))
            result["live_open_s"] = await _wait_held(live, 120.0)
        rss_held_start = procs.rss_by_role(processes)
        cpu = CpuWatch(processes)
        live.measuring = True
        if profiler:
            await profiler.start()
        await asyncio.sleep(seconds)
        live.measuring = False
        result.update(cpu.result())
        if profiler:
            result["profile"] = await profiler.stop()
        rss_held = procs.rss_by_role(processes)
        result["held"] = {"idle": idle.held, "live": live.held, "total": idle.held + live.held}
    finally:
        for job_id in jobs:
            with contextlib.suppress(HttpError):
                await control.post_json("/api/chat/cancel", {"job_id": job_id})
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=CLOSE_TIMEOUT_S)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await control.close()
    await asyncio.sleep(2.0)  # let the app release what the streams held
    rss_after = procs.rss_by_role(processes)
    errors = idle.errors + live.errors
    result.update(
        {
            "errors": len(errors),
            "error_samples": sorted(set(errors))[:5],
            "idle_closed_by_cancel": idle.ended,
            "delivery_ms": summarize(live.deliveries_ms),
            "rss_mib": {
                stage: {role: round(size / 2**20, 1) for role, size in sizes.items()}
                for stage, sizes in (
                    ("before", rss_before),
                    ("held_start", rss_held_start),
                    ("held_end", rss_held),
                    ("after", rss_after),
                )
            },
            "rss_per_stream_kib": {
                role: round((rss_held[role] - rss_before[role]) / 1024 / max(streams, 1), 1)
                for role in rss_before
            },
        }
    )
    return result


async def _wait_held(state: HoldState, timeout_s: float) -> float:
    """Until every stream of ``state`` is held or has failed, at most ``timeout_s``.

    Returns the seconds it took. Streams that failed to open are counted in the
    errors, not raised: the delivery on the ones that opened is still worth measuring.
    """
    started = time.monotonic()
    while state.held + len(state.errors) < state.target:
        if time.monotonic() - started > timeout_s:
            state.errors.append(
                f"{state.target - state.held} streams not open after {timeout_s:g} s"
            )
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.all_held.wait(), 0.2)
    return round(time.monotonic() - started, 2)
