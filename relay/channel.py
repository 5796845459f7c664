"""The one interface of a job channel: Redis (normally) or files (while Redis is away).

Everything the app does with a job goes through these operations, whichever channel
holds it (:class:`relay.redis_queue.RedisJobQueue`, :class:`relay.fallback.FileJobQueue`);
``app.queue.JobQueue`` picks the channel, and nothing reaches around it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, Protocol

from relay.jobs import Event, EventType, Job
from relay.streams import ClientGone


class JobChannel(Protocol):
    """Where jobs are accepted, followed and ended."""

    #: ``"redis"`` or ``"file"``: shown in snapshots and counted in metrics.
    mode: str

    async def submit(self, job: Job, backend: str = "") -> None:
        """Accept ``job``; ``backend`` is the kind of backend that will serve it."""

    async def store_answered(
        self,
        job: Job,
        events: list[tuple[EventType, dict[str, Any]]],
        *,
        event_log_ttl_s: int,
        history_entry: dict[str, Any] | None = None,
    ) -> list[Event]:
        """Store a job already answered (a cache hit) with all its events; the events."""

    async def get(self, job_id: str) -> Job:
        """The job; ``JobNotFoundError`` when there is none."""

    async def text(self, job_id: str) -> str:
        """The answer so far."""

    async def events_after(self, job_id: str, after_seq: int) -> list[Event]:
        """The logged events with ``seq > after_seq``, in order."""

    def stream(self, job: Job, after_seq: int, gone: ClientGone) -> AsyncGenerator[bytes, None]:
        """SSE frames after ``after_seq``: replay, then live, until the job or client ends."""

    async def cancel(self, job_id: str) -> Job:
        """End the job as cancelled; ``JobStateError`` if it already ended."""

    async def answer(self, job_id: str, answers: list[Any]) -> Job:
        """Hand the user's answers to the job waiting for them."""

    async def active(self, project: str) -> Job | None:
        """The project's unfinished job, if any."""

    async def watchers(self, dead_after_s: float) -> list[dict[str, Any]]:
        """The watchers known to be alive through this channel."""

    async def queued(self) -> int:
        """Jobs accepted and not yet claimed."""

    async def ping(self) -> bool:
        """True when the channel answers."""
