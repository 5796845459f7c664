"""GET /api/sse/status/{job_id}: a job's events as Server-Sent Events.

Timeline of one stream (see ARCHITECTURE.md): subscribe to the hub, replay the
event log after ``Last-Event-ID``, then forward live events, de-duplicated by
sequence number; a heartbeat comment is written whenever nothing else was. The
stream ends after the terminal event, at once for a finished job whose client has
every event, and as soon as the client disconnects (``http.disconnect``, watched by
:class:`app.hangup.Hangup`); a client leaving only ends its own stream, never the job.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

import falcon
import falcon.asgi

from app import validation
from app.errors import not_found
from app.hangup import Hangup, request_receive
from app.queue import JobQueue
from relay import telemetry
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
    ) -> None:
        self._queue = queue
        self._recent = recent
        self._retry = b"retry: %d\n\n" % retry_ms

    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, job_id: str
    ) -> None:
        validation.job_id(job_id)
        last_seq = validation.last_event_id(req)
        hangup = Hangup(request_receive(req))
        kept = self._recent.events(job_id) if self._recent is not None else None
        if kept is not None:
            events = replay(kept, last_seq)
        else:
            try:
                events = await self._queue.stream(job_id, last_seq, hangup)
            except JobNotFoundError:
                raise not_found(f"no job {job_id}") from None
        resp.content_type = "text/event-stream"
        resp.set_header("Cache-Control", "no-store")
        resp.set_header("X-Accel-Buffering", "no")
        resp.stream = self._framed(events, hangup)

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
