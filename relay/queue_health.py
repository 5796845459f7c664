"""How the queue is doing, read from Redis by someone who is not a watcher.

A stuck or saturated watcher cannot report that it is stuck, so the app measures
the queue from the outside (before each ``/metrics`` scrape): how many jobs wait
per backend and how long the oldest has waited. "Waiting" means submitted and not
started: still unclaimed in the jobs stream, or claimed by a watcher but waiting
for a free slot of its backend or for its project's turn (status ``pending``).
Acknowledged jobs are deleted from the stream, so the stream holds exactly the
unclaimed and the claimed-but-unfinished jobs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from relay import keys, models
from relay.jobs import JobStatus
from relay.settings import Settings

#: Stream entries looked at per measurement (oldest first); a deeper queue is counted
#: from its oldest SCAN_LIMIT entries (its oldest job is among them either way).
SCAN_LIMIT = 5000


@dataclass(frozen=True)
class QueueHealth:
    """Jobs waiting per backend (every configured backend, 0 included) and the oldest one's age."""

    waiting: dict[str, int] = field(default_factory=dict)
    oldest_age_s: float = 0.0


def backends(settings: Settings) -> list[str]:
    """Every configured backend name: the bounded label set of the depth gauge."""
    return sorted({route.backend for route in models.catalog(settings)})


async def measure(
    redis: aioredis.Redis, settings: Settings, now: float | None = None
) -> QueueHealth:
    """Read the queue in two round trips: the stream's entries, then their jobs' state."""
    now = time.time() if now is None else now
    entries: list[tuple[bytes, dict[bytes, bytes]]] = await redis.xrange(  # type: ignore[assignment]
        keys.JOBS_STREAM, count=SCAN_LIMIT
    )
    job_ids = [fields[b"job_id"].decode() for _, fields in entries if b"job_id" in fields]
    waiting = dict.fromkeys(backends(settings), 0)
    if not job_ids:
        return QueueHealth(waiting)
    async with redis.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hmget(keys.job(job_id), "status", "model", "created_ts")
        states = await pipe.execute()
    oldest: float | None = None
    for status, model, created in states:
        if status is None or status.decode() != JobStatus.PENDING.value:
            continue  # running, waiting for answers, ended, or expired
        route = models.resolve(settings, (model or b"").decode() or settings.default_model)
        backend = route.backend if route is not None else "unknown"
        waiting[backend] = waiting.get(backend, 0) + 1
        created_ts = float(created or now)
        oldest = created_ts if oldest is None else min(oldest, created_ts)
    return QueueHealth(waiting, max(now - oldest, 0.0) if oldest is not None else 0.0)
