"""Reclaiming the jobs of dead watchers.

A live watcher refreshes the idle time of every stream entry it holds on each
heartbeat (``XCLAIM ... JUSTID``), so only a dead watcher's entries ever grow
older than ``claim_idle_ms``; ``XAUTOCLAIM`` hands those to a survivor.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from relay import keys


async def refresh_claims(redis: aioredis.Redis, consumer: str, entry_ids: list[str]) -> None:
    """Reset the idle time of entries this watcher still holds (it is alive)."""
    if entry_ids:
        await redis.xclaim(
            keys.JOBS_STREAM,
            keys.WATCHER_GROUP,
            consumer,
            min_idle_time=0,
            message_ids=entry_ids,
            justid=True,
        )


async def reclaim_abandoned(
    redis: aioredis.Redis, consumer: str, claim_idle_ms: int, count: int = 16
) -> list[tuple[str, str, str]]:
    """Claim entries idle longer than ``claim_idle_ms``: [(entry id, job id, project)]."""
    reply = await redis.xautoclaim(
        keys.JOBS_STREAM,
        keys.WATCHER_GROUP,
        consumer,
        min_idle_time=claim_idle_ms,
        start_id="0-0",
        count=count,
    )
    claimed, deleted = reply[1], (reply[2] if len(reply) > 2 else [])
    if deleted:
        await redis.xack(keys.JOBS_STREAM, keys.WATCHER_GROUP, *deleted)
    return [
        (entry_id.decode(), fields[b"job_id"].decode(), fields.get(b"project", b"").decode())
        for entry_id, fields in claimed
        if fields
    ]
