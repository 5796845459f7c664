"""GET /api/sse/status/{job_id}: a job's events as Server-Sent Events.

Timeline of one stream (see ARCHITECTURE.md): subscribe to the hub, replay the
event log after ``Last-Event-ID``, then forward live events, de-duplicated by
sequence number; a heartbeat comment is written whenever nothing else was. The
stream ends after the terminal event, at once for a finished job whose client has
every event, and as soon as the client disconnects (``http.disconnect``, watched by
:class:`app.hangup.Hangup`); a client leaving only ends its own stream, never the job.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator

import falcon
import falcon.asgi

from app import validation
from app.errors import not_found
from app.first_token import CHUNK_FRAME_MARK, FirstTokenRecorder
from app.hangup import Hangup, request_receive
from app.queue import JobQueue
from relay import telemetry
from relay.jobs import Job
from relay.recent import RecentJobs
from relay.redis_queue import JobNotFoundError
from relay.streams import replay


class EventStreamResource:
    """The SSE endpoint."""

    def __init__(
        self,
        queue: JobQueue,
        retry_ms: int,
        recent: RecentJobs | None = None,
        first_tokens: FirstTokenRecorder | None = None,
    ) -> None:
        self._queue = queue
        self._recent = recent
        self._first_tokens = first_tokens
        self._retry = b"retry: %d\n\n" % retry_ms

    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, job_id: str
    ) -> None:
        validation.job_id(job_id)
        last_seq = validation.last_event_id(req)
        hangup = Hangup(request_receive(req))
        recent = self._recent
        kept = recent.events(job_id) if recent is not None else None
        file_job: Job | None = None
        if recent is not None and kept is not None:
            telemetry.link_current_span(recent.traceparent(job_id))
            events = replay(kept, last_seq)
        else:
            try:
                channel, job = await self._queue.locate_to_follow(job_id)
            except JobNotFoundError:
                raise not_found(f"no job {job_id}") from None
            telemetry.link_current_span(job.traceparent)
            events = channel.stream(job, last_seq, hangup)
            file_job = job if channel.mode == "file" else None
        resp.content_type = "text/event-stream"
        resp.set_header("Cache-Control", "no-store")
        resp.set_header("X-Accel-Buffering", "no")
        resp.stream = self._framed(events, hangup, job_id, file_job)

    async def _framed(
        self,
        events: AsyncGenerator[bytes, None],
        hangup: Hangup,
        job_id: str,
        file_job: Job | None,
    ) -> AsyncIterator[bytes]:
        # The stream and the disconnect watch run together; whichever ends first ends
        # the other (a gone client closes the subscription the stream waits on).
        telemetry.SSE_CONNECTIONS.inc()
        hangup.start()
        first_tokens = self._first_tokens
        # The reconnect delay goes out with the first frames, in the same write: one
        # body message less per stream for Granian, nginx and the client to pass on.
        retry = self._retry
        try:
            async for frames in events:
                if retry:
                    frames, retry = retry + frames, b""
                yield frames
                if first_tokens is not None and CHUNK_FRAME_MARK in frames:
                    # Written (the server took the bytes): time to first token, once per job.
                    first_tokens.chunk_written(job_id, time.time(), file_job)
                    first_tokens = None
            if retry:  # no frames at all (the client had every event): still the delay
                yield retry
        finally:
            telemetry.SSE_CONNECTIONS.dec()
            await hangup.aclose()
            await events.aclose()
