"""GET /api/sse/status/{job_id}: a job's events as Server-Sent Events.

Timeline of one stream (see ARCHITECTURE.md): subscribe to the hub, replay the
event log after ``Last-Event-ID``, then forward live events, de-duplicated by
sequence number; a heartbeat comment is written whenever nothing else was, which
is also how a vanished client is noticed. The stream ends after the terminal event;
a client leaving only ends its own stream, never the job.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Iterable

import falcon

from app import validation
from app.errors import not_found
from app.first_token import CHUNK_FRAME_MARK, FirstTokenRecorder
from app.hub import EventHub
from app.queue import JobQueue
from relay import telemetry
from relay.connections import REDIS_DOWN_ERRORS
from relay.fallback import FileJobQueue
from relay.jobs import Event, EventType, Job
from relay.recent import RecentJobs
from relay.redis_queue import JobNotFoundError, RedisJobQueue

PING = b": ping\n\n"


def render(
    events: Iterable[Event], last_seq: int, live_since_ms: float = math.inf
) -> tuple[bytes, int, bool, bool]:
    """Frames of the events after ``last_seq``: (bytes, new last seq, ended, gap seen).

    Chunk delivery is observed only for chunks emitted at or after ``live_since_ms``
    (when the client started listening): a chunk emitted before was waiting in the
    log, and replaying it to a late subscriber says nothing about delivery.
    """
    frames: list[bytes] = []
    now_ms = time.time() * 1000
    for event in events:
        if event.seq <= last_seq:
            continue  # already sent (replay and live overlap)
        if event.seq != last_seq + 1:
            return b"".join(frames), last_seq, False, True
        frames.append(event.frame)
        last_seq = event.seq
        if event.type == EventType.CHUNK and event.ts >= live_since_ms:
            telemetry.CHUNK_DELIVERY_BUFFER.observe(max(now_ms - event.ts, 0) / 1000)
        if event.terminal:
            return b"".join(frames), last_seq, True, False
    return b"".join(frames), last_seq, False, False


async def redis_stream(
    hub: EventHub, queue: RedisJobQueue, job_id: str, last_seq: int
) -> AsyncIterator[bytes]:
    """Replay + live events of a Redis job, with no gap and no duplicate."""
    listening_since_ms = time.time() * 1000
    subscription = hub.subscribe(job_id)
    try:
        replay_needed = True
        while True:
            if replay_needed or subscription.resync:
                subscription.resync = False
                try:
                    logged = await queue.events_after(job_id, last_seq)
                except REDIS_DOWN_ERRORS:
                    logged = []  # the hub flags a resync once Redis is back
                frames, last_seq, ended, _ = render(logged, last_seq, listening_since_ms)
                if frames:
                    yield frames
                if ended:
                    return
                replay_needed = False
            if subscription.overflowed:
                return  # too far behind: the client reconnects and resumes from the log
            await subscription.wait()
            if subscription.ping_due and not subscription.backlog:
                subscription.ping_due = False
                yield PING
                continue
            subscription.ping_due = False
            frames, last_seq, ended, replay_needed = render(
                subscription.drain(), last_seq, listening_since_ms
            )
            if frames:
                yield frames
            if ended:
                return
    finally:
        hub.unsubscribe(subscription)


async def file_stream(
    files: FileJobQueue, job_id: str, last_seq: int, heartbeat_s: float
) -> AsyncIterator[bytes]:
    """Events of a job on the fallback channel, followed with inotify."""
    stop = asyncio.Event()
    listening_since_ms = time.time() * 1000
    quiet_since = time.monotonic()
    try:
        async for event in files.follow(job_id, last_seq, stop):
            if event is None:
                if time.monotonic() - quiet_since >= heartbeat_s:
                    quiet_since = time.monotonic()
                    yield PING
                continue
            frames, last_seq, ended, _ = render([event], last_seq, listening_since_ms)
            if frames:
                quiet_since = time.monotonic()
                yield frames
            if ended:
                return
    finally:
        stop.set()


async def replay(events: list[Event], last_seq: int) -> AsyncIterator[bytes]:
    """A finished job's events after ``last_seq``, from memory (a replay: not observed)."""
    frames, _, _, _ = render(events, last_seq)
    if frames:
        yield frames


class EventStreamResource:
    """The SSE endpoint."""

    def __init__(
        self,
        queue: JobQueue,
        hub: EventHub,
        heartbeat_s: float,
        retry_ms: int,
        recent: RecentJobs | None = None,
        first_tokens: FirstTokenRecorder | None = None,
    ) -> None:
        self._queue = queue
        self._hub = hub
        self._recent = recent
        self._first_tokens = first_tokens
        self._heartbeat_s = heartbeat_s
        self._retry = b"retry: %d\n\n" % retry_ms

    async def on_get(self, req: falcon.Request, resp: falcon.Response, job_id: str) -> None:
        validation.job_id(job_id)
        last_seq = validation.last_event_id(req)
        recent = self._recent
        kept = recent.events(job_id) if recent is not None else None
        file_job: Job | None = None
        if recent is not None and kept is not None:
            telemetry.link_current_span(recent.traceparent(job_id))
            events: AsyncIterator[bytes] = replay(kept, last_seq)
        else:
            events, file_job = await self._live_or_logged(job_id, last_seq)
        resp.content_type = "text/event-stream"
        resp.set_header("Cache-Control", "no-store")
        resp.set_header("X-Accel-Buffering", "no")
        resp.stream = self._framed(events, job_id, file_job)

    async def _live_or_logged(
        self, job_id: str, last_seq: int
    ) -> tuple[AsyncIterator[bytes], Job | None]:
        """The stream of a job found in Redis (replay + live) or on the file channel
        (then also the job), with this request's span linked to the job's trace."""
        try:
            channel, job = await self._queue.locate(job_id)
        except JobNotFoundError:
            raise not_found(f"no job {job_id}") from None
        telemetry.link_current_span(job.traceparent)
        if isinstance(channel, RedisJobQueue):
            return redis_stream(self._hub, channel, job_id, last_seq), None
        return file_stream(channel, job_id, last_seq, self._heartbeat_s), job

    async def _framed(
        self, events: AsyncIterator[bytes], job_id: str, file_job: Job | None
    ) -> AsyncIterator[bytes]:
        telemetry.SSE_CONNECTIONS.inc()
        first_tokens = self._first_tokens
        try:
            yield self._retry
            async for frames in events:
                yield frames
                if first_tokens is not None and CHUNK_FRAME_MARK in frames:
                    # Written (the server took the bytes): time to first token, once per job.
                    await first_tokens.chunk_written(job_id, time.time(), file_job)
                    first_tokens = None
        finally:
            telemetry.SSE_CONNECTIONS.dec()
            await events.aclose()  # type: ignore[attr-defined]
