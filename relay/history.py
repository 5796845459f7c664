"""Per-project conversation history (user message, assistant answer, timestamps)."""

from __future__ import annotations

from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from relay import keys
from relay.connections import text

#: Exchanges kept per project; older ones are trimmed.
MAX_EXCHANGES = 1000


def queue_append(pipe: Pipeline, project: str, entry: dict[str, Any]) -> None:
    """Add the commands appending ``entry`` to ``project``'s history to ``pipe``."""
    pipe.rpush(keys.project_history(project), orjson.dumps(entry))
    pipe.ltrim(keys.project_history(project), -MAX_EXCHANGES, -1)
    pipe.sadd(keys.PROJECTS_SET, project)


class HistoryStore:
    """History lists in Redis, shared by the watcher (writes) and the app (reads)."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def append(self, project: str, entry: dict[str, Any]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            queue_append(pipe, project, entry)
            await pipe.execute()

    async def recent(self, project: str, last: int = MAX_EXCHANGES) -> list[dict[str, Any]]:
        """The project's newest ``last`` exchanges, oldest first."""
        raw = await self._redis.lrange(keys.project_history(project), -last, -1)
        return [orjson.loads(item) for item in raw]

    async def delete(self, project: str, index: int) -> bool:
        """Remove the exchange at ``index``; False when there is none."""
        key = keys.project_history(project)
        # LSET to a tombstone then LREM it: removes by position without a race on values.
        tombstone = "\x00deleted"
        try:
            await self._redis.lset(key, index, tombstone)
        except aioredis.ResponseError:
            return False
        await self._redis.lrem(key, 1, tombstone)
        return True

    async def clear(self, project: str) -> None:
        await self._redis.delete(keys.project_history(project))

    async def projects(self) -> list[str]:
        names = await self._redis.smembers(keys.PROJECTS_SET)
        return sorted(text(name) for name in names)
