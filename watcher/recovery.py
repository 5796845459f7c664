"""Reclaiming the jobs of dead watchers.

A live watcher refreshes the idle time of every stream entry it holds on each
heartbeat (``XCLAIM ... JUSTID``), so only a dead watcher's entries ever grow
older than ``claim_idle_ms``; ``XAUTOCLAIM`` hands those to a survivor. Both go
over every shard of the jobs queue, one command per shard (each its own slot).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis

from relay import keys


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of the jobs queue: its shard and its id in that shard's stream."""

    shard: int
    id: str

    @property
    def stream(self) -> str:
        return keys.jobs_stream(self.shard)


async def refresh_claims(redis: aioredis.Redis, consumer: str, entries: list[Entry]) -> None:
    """Reset the idle time of entries this watcher still holds (it is alive)."""
    by_shard: dict[int, list[str]] = {}
    for entry in entries:
        by_shard.setdefault(entry.shard, []).append(entry.id)
    if not by_shard:
        return
    async with redis.pipeline(transaction=False) as pipe:
        for shard, ids in by_shard.items():
            pipe.xclaim(
                keys.jobs_stream(shard),
                keys.WATCHER_GROUP,
                consumer,
                min_idle_time=0,
                message_ids=list(ids),
                justid=True,
            )
        await pipe.execute()


async def reclaim_abandoned(
    redis: aioredis.Redis, consumer: str, claim_idle_ms: int, count: int = 16
) -> list[tuple[Entry, str, str]]:
    """Claim entries idle longer than ``claim_idle_ms``: [(entry, job id, project)]."""
    found: list[tuple[Entry, str, str]] = []
    for shard, stream in enumerate(keys.jobs_streams()):
        try:
            reply = await redis.xautoclaim(
                stream,
                keys.WATCHER_GROUP,
                consumer,
                min_idle_time=claim_idle_ms,
                start_id="0-0",
                count=count,
            )
        except aioredis.ResponseError as exc:
            if "NOGROUP" in str(exc):
                continue  # nothing was ever queued on this shard
            raise
        claimed, deleted = reply[1], (reply[2] if len(reply) > 2 else [])
        if deleted:
            await redis.xack(stream, keys.WATCHER_GROUP, *deleted)
        found.extend(
            (
                Entry(shard, entry_id.decode()),
                fields[b"job_id"].decode(),
                fields.get(b"project", b"").decode(),
            )
            for entry_id, fields in claimed
            if fields
        )
    return found
