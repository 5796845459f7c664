"""Single flight: an identical request while the first still runs joins its job.

A marker ``keys.inflight(cache_key)`` holds the id of the job computing that answer.
The first request sets it (``SET NX``) before submitting; an identical request that
finds it joins that job, if the job has not finished. The watcher deletes the marker
when the job completes; a marker left by a job that ended otherwise (error, cancel,
a crash) points to a finished or missing job and is simply taken over.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import redis.asyncio as aioredis

from relay import keys
from relay.connections import text
from relay.jobs import Job

log = logging.getLogger(__name__)

#: Replace the marker only if it still names the job we found finished.
_TAKE_OVER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""
#: Delete the marker only if it names this job (a newer flight may own it).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

#: The first request sets the marker one round trip before its job exists; an
#: identical request landing in that gap waits this long for the job to appear.
SUBMIT_GAP_WAIT_S = 0.25
SUBMIT_GAP_POLL_S = 0.005
#: Claim attempts before giving up and running the job on its own (markers changing
#: hands that often means jobs keep ending: running once more is harmless).
MAX_ATTEMPTS = 3
#: The watcher releases before emitting ``done``: never hold that up for long.
RELEASE_TIMEOUT_S = 1.0


class SingleFlight:
    """Claims, joins and releases in-flight markers."""

    def __init__(self, redis: aioredis.Redis, marker_ttl_s: int) -> None:
        self._redis = redis
        self._ttl = max(1, marker_ttl_s)
        self._take_over = redis.register_script(_TAKE_OVER)
        self._release = redis.register_script(_RELEASE)

    async def join_or_claim(self, job: Job) -> Job | None:
        """The running job to join for ``job.cache_key``; None once ``job`` holds the marker.

        Raises the Redis error when Redis is unreachable (the caller then just submits).
        """
        marker = keys.inflight(job.cache_key)
        for _ in range(MAX_ATTEMPTS):
            # SET NX GET (Redis >= 7.0): claims the marker, or returns who holds it, in
            # one round trip.
            holder = await self._redis.set(marker, job.id, nx=True, get=True, ex=self._ttl)
            if not isinstance(holder, bytes | str):
                return None  # no holder: the marker is ours now
            running = await self._running(text(holder))
            if running is not None:
                return running
            if await self._take_over(keys=[marker], args=[holder, job.id, self._ttl]):
                return None
        return None

    async def _running(self, job_id: str) -> Job | None:
        """The unfinished job ``job_id``, waiting out the claim-to-submit gap."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SUBMIT_GAP_WAIT_S
        while True:
            raw = await self._redis.hgetall(keys.job(job_id))
            if raw:
                job = Job.from_hash(raw)
                return None if job.status.finished else job
            if loop.time() >= deadline:
                return None  # the claimant never submitted (e.g. it fell back to files)
            await asyncio.sleep(SUBMIT_GAP_POLL_S)

    async def release(self, job: Job) -> None:
        """End ``job``'s flight, if it holds one."""
        if job.cache_key:
            await self._release(keys=[keys.inflight(job.cache_key)], args=[job.id])

    async def release_completed(self, job: Job, result: str, chunks: Sequence[str]) -> None:
        """Runner hook form of :meth:`release` (failures only logged: the TTL cleans up)."""
        try:
            async with asyncio.timeout(RELEASE_TIMEOUT_S):
                await self.release(job)
        except Exception as exc:
            log.debug("marker of job_id=%s not released: %s", job.id, exc)


def marker_ttl_s(job_timeout_s: float) -> int:
    """Markers outlive the longest job a little; a stale one is taken over anyway."""
    return int(job_timeout_s) + 60
