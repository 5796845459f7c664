"""One interface over the two job channels: Redis when reachable, files otherwise.

New jobs go to Redis whenever it answers; when it does not, they go to the
fallback folder, and the next submission tries Redis again, so the system returns
to Redis by itself. A job is looked up in Redis first, then in the fallback folder,
so jobs accepted in either mode stay visible after the mode changes.
"""

from __future__ import annotations

import logging
from typing import Any

from relay import telemetry
from relay.connections import REDIS_DOWN_ERRORS, REDIS_OUTAGE, pool_exhausted
from relay.fallback import FileJobQueue
from relay.jobs import Job
from relay.redis_queue import JobNotFoundError, RedisJobQueue

log = logging.getLogger(__name__)

Channel = RedisJobQueue | FileJobQueue


class RedisUnavailableError(Exception):
    """Redis is too busy or unreachable for this request, and no fallback applies."""


class JobQueue:
    """Routes each operation to the channel holding the job."""

    def __init__(self, redis_queue: RedisJobQueue, file_queue: FileJobQueue) -> None:
        self.redis = redis_queue
        self.files = file_queue
        self.mode = "redis"

    def _set_mode(self, mode: str) -> None:
        if mode != self.mode:
            log.warning("job channel is now %s", mode)
        if mode == "redis":
            REDIS_OUTAGE.back()
        self.mode = mode
        telemetry.FALLBACK_MODE.set(1 if mode == "file" else 0)

    async def submit(self, job: Job, backend: str = "") -> Channel:
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
        return self.redis

    async def locate(self, job_id: str) -> tuple[Channel, Job]:
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
