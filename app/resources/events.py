"""GET /api/sse/status/{job_id}: a job's events as Server-Sent Events.

Timeline of one stream (see ARCHITECTURE.md): subscribe to the hub, replay the
event log after ``Last-Event-ID``, then forward live events, de-duplicated by
sequence number; a heartbeat comment is written whenever nothing else was, which
is also how a vanished client is noticed. The stream ends after the terminal event;
a client leaving only ends its own stream, never the job.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable

import falcon
import falcon.asgi

from app import validation
from app.errors import not_found
from app.hub import EventHub
from app.queue import JobQueue
from relay import telemetry
from relay.connections import REDIS_DOWN_ERRORS
from relay.fallback import FileJobQueue
from relay.jobs import Event, EventType
from relay.recent import RecentJobs
from relay.redis_queue import JobNotFoundError, RedisJobQueue

PING = b": ping\n\n"


def render(events: Iterable[Event], last_seq: int) -> tuple[bytes, int, bool, bool]:
    """Frames of the events after ``last_seq``: (bytes, new last seq, ended, gap seen)."""
    frames: list[bytes] = []
    now_ms = time.time() * 1000
    for event in events:
        if event.seq <= last_seq:
            continue  # already sent (replay and live overlap)
        if event.seq != last_seq + 1:
            return b"".join(frames), last_seq, False, True
        frames.append(event.frame)
        last_seq = event.seq
        if event.type == EventType.CHUNK:
            telemetry.CHUNK_DELIVERY_BUFFER.observe(max(now_ms - event.ts, 0) / 1000)
        if event.terminal:
            return b"".join(frames), last_seq, True, False
    return b"".join(frames), last_seq, False, False


async def redis_stream(
    hub: EventHub, queue: RedisJobQueue, job_id: str, last_seq: int
) -> AsyncIterator[bytes]:
    """Replay + live events of a Redis job, with no gap and no duplicate."""
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
                frames, last_seq, ended, _ = render(logged, last_seq)
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
            frames, last_seq, ended, replay_needed = render(subscription.drain(), last_seq)
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
    quiet_since = time.monotonic()
    try:
        async for event in files.follow(job_id, last_seq, stop):
            if event is None:
                if time.monotonic() - quiet_since >= heartbeat_s:
                    quiet_since = time.monotonic()
                    yield PING
                continue
            frames, last_seq, ended, _ = render([event], last_seq)
            if frames:
                quiet_since = time.monotonic()
                yield frames
            if ended:
                return
    finally:
        stop.set()


async def replay(events: list[Event], last_seq: int) -> AsyncIterator[bytes]:
    """A finished job's events after ``last_seq``, from memory."""
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
    ) -> None:
        self._queue = queue
        self._hub = hub
        self._recent = recent
        self._heartbeat_s = heartbeat_s
        self._retry = b"retry: %d\n\n" % retry_ms

    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, job_id: str
    ) -> None:
        validation.job_id(job_id)
        last_seq = validation.last_event_id(req)
        kept = self._recent.events(job_id) if self._recent is not None else None
        if kept is not None:
            events: AsyncIterator[bytes] = replay(kept, last_seq)
        else:
            events = await self._live_or_logged(job_id, last_seq)
        resp.content_type = "text/event-stream"
        resp.set_header("Cache-Control", "no-store")
        resp.set_header("X-Accel-Buffering", "no")
        resp.stream = self._framed(events)

    async def _live_or_logged(self, job_id: str, last_seq: int) -> AsyncIterator[bytes]:
        """The stream of a job found in Redis (replay + live) or on the file channel."""
        try:
            channel, _ = await self._queue.locate(job_id)
        except JobNotFoundError:
            raise not_found(f"no job {job_id}") from None
        if isinstance(channel, RedisJobQueue):
            return redis_stream(self._hub, channel, job_id, last_seq)
        return file_stream(channel, job_id, last_seq, self._heartbeat_s)

    async def _framed(self, events: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        telemetry.SSE_CONNECTIONS.inc()
        try:
            yield self._retry
            async for frames in events:
                yield frames
        finally:
            telemetry.SSE_CONNECTIONS.dec()
            await events.aclose()  # type: ignore[attr-defined]
