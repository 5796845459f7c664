"""One interface over the two job channels: Redis when reachable, files otherwise.

New jobs go to Redis whenever it answers; when it does not, they go to the
fallback folder, and the next submission tries Redis again, so the system returns
to Redis by itself. A job is looked up in Redis first, then in the fallback folder,
so jobs accepted in either mode stay visible after the mode changes.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any

from relay import queue_health, telemetry
from relay.channel import JobChannel
from relay.connections import REDIS_DOWN_ERRORS, REDIS_OUTAGE, pool_exhausted
from relay.fallback import FileJobQueue
from relay.jobs import Event, EventType, Job
from relay.redis_queue import JobNotFoundError, RedisJobQueue
from relay.settings import Settings

log = logging.getLogger(__name__)

#: A job this process submitted is followed without re-reading it for this long after.
JUST_SUBMITTED_S = 30.0
#: At most this many of them are remembered (the oldest go first).
JUST_SUBMITTED_MAX = 10_000


class RedisUnavailableError(Exception):
    """Redis is too busy or unreachable for this request, and no fallback applies."""


class JobQueue:
    """Routes each operation to the channel holding the job."""

    def __init__(self, redis_queue: RedisJobQueue, file_queue: FileJobQueue) -> None:
        self.redis = redis_queue
        self.files = file_queue
        self.mode = "redis"
        telemetry.FALLBACK_MODE.set(0)  # from here on, written only when the mode changes
        #: Jobs submitted to Redis by this process, not yet followed: job id ->
        #: (monotonic submit time, the job as submitted, without its message).
        self._just_submitted: OrderedDict[str, tuple[float, Job]] = OrderedDict()

    def _set_mode(self, mode: str) -> None:
        if mode == "redis":
            REDIS_OUTAGE.back()
        if mode == self.mode:
            return  # the gauge already says so (a shared-memory write saved per submit)
        log.warning("job channel is now %s", mode)
        self.mode = mode
        telemetry.FALLBACK_MODE.set(1 if mode == "file" else 0)

    async def submit(self, job: Job, backend: str = "") -> JobChannel:
        """Accept the job on Redis, or on the file channel when Redis is down."""
        try:
            await self.redis.submit(job, backend)
        except REDIS_DOWN_ERRORS as exc:
            if pool_exhausted(exc):
                raise RedisUnavailableError(job.id) from exc  # overloaded: 503, retry
            await self.files.submit(job)
            self._set_mode("file")
            return self.files
        self._set_mode("redis")
        self._remember_submitted(job)
        return self.redis

    def _remember_submitted(self, job: Job) -> None:
        """Keep what a stream needs of ``job`` (not its message: that may be large)."""
        now = time.monotonic()
        kept = self._just_submitted
        slim = Job(
            id=job.id,
            message="",
            project=job.project,
            model=job.model,
            created_ts=job.created_ts,
            traceparent=job.traceparent,
        )
        kept[job.id] = (now, slim)
        while kept and (
            len(kept) > JUST_SUBMITTED_MAX or now - next(iter(kept.values()))[0] >= JUST_SUBMITTED_S
        ):
            kept.popitem(last=False)  # the oldest first: they are in submission order

    async def store_answered(
        self,
        job: Job,
        events: list[tuple[EventType, dict[str, Any]]],
        *,
        event_log_ttl_s: int,
        history_entry: dict[str, Any] | None = None,
    ) -> list[Event]:
        """Store a cache hit as a finished job (on Redis: a hit needs Redis to be found)."""
        return await self.redis.store_answered(
            job, events, event_log_ttl_s=event_log_ttl_s, history_entry=history_entry
        )

    async def watchers(self, dead_after_s: float) -> list[dict[str, Any]]:
        """The live watchers; none known while Redis is unreachable."""
        try:
            return await self.redis.watchers(dead_after_s)
        except REDIS_DOWN_ERRORS:
            self._set_mode("file")
            return []

    async def queue_status(self, dead_after_s: float) -> dict[str, Any]:
        """Depth, running jobs and watchers (Redis), plus the fallback folder's queue."""
        try:
            status = await self.redis.queue_status(dead_after_s)
            status["mode"] = "redis"
        except REDIS_DOWN_ERRORS:
            self._set_mode("file")
            status = {"queue_depth": None, "running": [], "watchers_alive": None, "mode": "file"}
        status["fallback_queued"] = await self.fallback_queued()
        return status

    async def queue_health(self, settings: Settings) -> queue_health.QueueHealth:
        """Jobs waiting per backend and the oldest one's age (Redis; raises when it is down)."""
        return await queue_health.measure(self.redis.redis, settings)

    def file_stream_count(self) -> int:
        """Streams of this process following file-mode jobs (the one folder watch's)."""
        return self.files.events_watch.subscriber_count

    async def fallback_queued(self) -> int:
        """Jobs waiting in the fallback folder."""
        return await self.files.queued()

    async def locate_to_follow(self, job_id: str) -> tuple[JobChannel, Job]:
        """:meth:`locate` for a stream about to follow the job's events.

        The stream a client opens right after submitting is not worth a read of the
        job: a job this process submitted moments ago is taken as submitted (once;
        a reconnect reads it). Its status may be out of date by then, which a stream
        does not mind: it reads the job's event log, terminal event included.
        """
        kept = self._just_submitted.pop(job_id, None)
        if kept is not None and time.monotonic() - kept[0] < JUST_SUBMITTED_S:
            return self.redis, kept[1]
        return await self.locate(job_id)

    async def locate(self, job_id: str) -> tuple[JobChannel, Job]:
        """The channel that holds ``job_id`` and the job; JobNotFoundError otherwise."""
        try:
            return self.redis, await self.redis.get(job_id)
        except JobNotFoundError:
            return self.files, await self.files.get(job_id)
        except REDIS_DOWN_ERRORS as exc:
            if pool_exhausted(exc):
                raise RedisUnavailableError(job_id) from exc  # busy, not down
            REDIS_OUTAGE.lost(exc)  # once per outage, not once per lookup
            self._set_mode("file")
            try:
                return self.files, await self.files.get(job_id)
            except JobNotFoundError:
                # Not a fallback job; it may well be in Redis: "try again", not "no such job".
                raise RedisUnavailableError(job_id) from exc

    async def backlog(self, backend: str) -> int:
        """Jobs waiting to start on ``backend``; 0 when Redis is down (files take the job)."""
        try:
            return await self.redis.backlog(backend)
        except REDIS_DOWN_ERRORS as exc:
            if pool_exhausted(exc):
                raise RedisUnavailableError(backend) from exc
            return 0

    async def cancel(self, job_id: str) -> Job:
        channel, _ = await self.locate(job_id)
        return await channel.cancel(job_id)

    async def answer(self, job_id: str, answers: list[Any]) -> Job:
        channel, _ = await self.locate(job_id)
        return await channel.answer(job_id, answers)

    async def active(self, project: str) -> Job | None:
        try:
            return await self.redis.active(project)
        except REDIS_DOWN_ERRORS:
            self._set_mode("file")
            return None

    async def redis_reachable(self) -> bool:
        try:
            await self.redis.ping()
        except REDIS_DOWN_ERRORS:
            self._set_mode("file")
            return False
        self._set_mode("redis")
        return True
