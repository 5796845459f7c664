"""How the queue is doing, read from Redis by someone who is not a watcher.

A stuck or saturated watcher cannot report that it is stuck, so the app measures
the queue from the outside (before each ``/metrics`` scrape): how many jobs wait
per backend and how long the oldest has waited. "Waiting" is what admission counts
too: a job is in its backend's backlog (``keys.backlog``, one per shard, scored by submit
time) from submit until a watcher starts or ends it, so unclaimed jobs and jobs
claimed but waiting for a slot or for their project's turn are both in it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from relay import keys, models
from relay.settings import Settings


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
    """Every backend's backlog size and oldest entry (summed over the shards), in one pipeline."""
    now = time.time() if now is None else now
    names = backends(settings)
    async with redis.pipeline(transaction=False) as pipe:
        for backend in names:
            for key in keys.backlogs(backend):
                pipe.zcard(key)
                pipe.zrange(key, 0, 0, withscores=True)
        replies = iter(await pipe.execute())
    waiting: dict[str, int] = {}
    oldest: float | None = None
    for backend in names:
        waiting[backend] = 0
        for _ in keys.backlogs(backend):
            size, first = next(replies), next(replies)
            waiting[backend] += int(size)
            if first:
                submitted = float(first[0][1])
                oldest = submitted if oldest is None else min(oldest, submitted)
    return QueueHealth(waiting, max(now - oldest, 0.0) if oldest is not None else 0.0)
