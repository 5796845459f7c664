"""GET /api/sse/status/{job_id}: a job's events as Server-Sent Events.

Timeline of one stream (see ARCHITECTURE.md): subscribe to the hub, replay the
event log after ``Last-Event-ID``, then forward live events, de-duplicated by
sequence number; a heartbeat comment is written whenever nothing else was. The
stream ends after the terminal event, at once for a finished job whose client has
every event, and as soon as the client disconnects (``http.disconnect``, watched by
:class:`app.hangup.Hangup`); a client leaving only ends its own stream, never the job.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from dataclasses import dataclass

import falcon
import falcon.asgi

from app import validation
from app.errors import not_found
from app.hangup import Hangup, request_receive
from app.hub import EventHub, Wake
from app.queue import JobQueue
from relay import telemetry
from relay.connections import REDIS_DOWN_ERRORS
from relay.fallback import FileJobQueue
from relay.jobs import Event, EventType
from relay.recent import RecentJobs
from relay.redis_queue import JobNotFoundError, RedisJobQueue

PING = b": ping\n\n"


@dataclass(frozen=True, slots=True)
class Rendered:
    """What :func:`render` made of a batch of events."""

    #: The frames to write, in order (may be empty).
    frames: bytes
    #: The sequence number of the last event in ``frames`` (or the one given).
    last_seq: int
    #: The job's terminal event is among them: the stream is over.
    ended: bool
    #: An event is missing before the next one: re-read the log from ``last_seq``.
    gap: bool


def render(events: Iterable[Event], last_seq: int) -> Rendered:
    """The frames of the events after ``last_seq``, stopping at a gap or the end."""
    frames: list[bytes] = []
    now_ms = time.time() * 1000
    ended = gap = False
    for event in events:
        if event.seq <= last_seq:
            continue  # already sent (replay and live overlap)
        if event.seq != last_seq + 1:
            gap = True
            break
        frames.append(event.frame)
        last_seq = event.seq
        if event.type == EventType.CHUNK:
            telemetry.CHUNK_DELIVERY_BUFFER.observe(max(now_ms - event.ts, 0) / 1000)
        if event.terminal:
            ended = True
            break
    return Rendered(b"".join(frames), last_seq, ended, gap)


async def redis_stream(
    hub: EventHub, queue: RedisJobQueue, job_id: str, last_seq: int, hangup: Hangup
) -> AsyncGenerator[bytes, None]:
    """Replay + live events of a Redis job, with no gap and no duplicate."""
    subscription = hub.subscribe(job_id)
    hangup.on_gone(subscription.close)
    try:
        wake = Wake.RESYNC  # the first replay
        while True:
            if wake is Wake.RESYNC:
                try:
                    logged = await queue.events_after(job_id, last_seq)
                except REDIS_DOWN_ERRORS:
                    logged = []  # the hub asks for a resync once Redis is back
                batch = render(logged, last_seq)
            elif wake is Wake.EVENTS:
                batch = render(subscription.drain(), last_seq)
            elif wake is Wake.PING:
                yield PING
                wake = await subscription.next()
                continue
            else:  # CLOSED (the client went) or OVERFLOW (it resumes from the log)
                return
            last_seq = batch.last_seq
            if batch.frames:
                yield batch.frames
            if batch.ended:
                return
            wake = Wake.RESYNC if batch.gap else await subscription.next()
    finally:
        hub.unsubscribe(subscription)


async def file_stream(
    files: FileJobQueue, job_id: str, last_seq: int, heartbeat_s: float, hangup: Hangup
) -> AsyncGenerator[bytes, None]:
    """Events of a job on the fallback channel, followed with inotify."""
    stop = asyncio.Event()
    hangup.on_gone(stop.set)
    quiet_since = time.monotonic()
    try:
        async for event in files.follow(job_id, last_seq, stop):
            if event is None:
                if time.monotonic() - quiet_since >= heartbeat_s:
                    quiet_since = time.monotonic()
                    yield PING
                continue
            batch = render([event], last_seq)
            last_seq = batch.last_seq
            if batch.frames:
                quiet_since = time.monotonic()
                yield batch.frames
            if batch.ended:
                return
    finally:
        stop.set()


async def replay(events: list[Event], last_seq: int) -> AsyncGenerator[bytes, None]:
    """A finished job's events after ``last_seq``, from memory."""
    frames = render(events, last_seq).frames
    if frames:
        yield frames


async def nothing() -> AsyncGenerator[bytes, None]:
    """The stream of a finished job whose client already has every event."""
    return
    yield  # an async generator that yields nothing


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
        hangup = Hangup(request_receive(req))
        kept = self._recent.events(job_id) if self._recent is not None else None
        if kept is not None:
            events: AsyncGenerator[bytes, None] = replay(kept, last_seq)
        else:
            events = await self._live_or_logged(job_id, last_seq, hangup)
        resp.content_type = "text/event-stream"
        resp.set_header("Cache-Control", "no-store")
        resp.set_header("X-Accel-Buffering", "no")
        resp.stream = self._framed(events, hangup)

    async def _live_or_logged(
        self, job_id: str, last_seq: int, hangup: Hangup
    ) -> AsyncGenerator[bytes, None]:
        """The stream of a job found in Redis (replay + live) or on the file channel."""
        try:
            channel, job = await self._queue.locate(job_id)
        except JobNotFoundError:
            raise not_found(f"no job {job_id}") from None
        if job.status.finished and last_seq >= job.last_seq:
            return nothing()  # the client has every event already: end, do not wait
        if isinstance(channel, RedisJobQueue):
            return redis_stream(self._hub, channel, job_id, last_seq, hangup)
        return file_stream(channel, job_id, last_seq, self._heartbeat_s, hangup)

    async def _framed(
        self, events: AsyncGenerator[bytes, None], hangup: Hangup
    ) -> AsyncIterator[bytes]:
        # The stream and the disconnect watch run together; whichever ends first ends
        # the other (a gone client closes the subscription the stream waits on).
        telemetry.SSE_CONNECTIONS.inc()
        hangup.start()
        try:
            yield self._retry
            async for frames in events:
                yield frames
        finally:
            telemetry.SSE_CONNECTIONS.dec()
            await hangup.aclose()
            await events.aclose()
