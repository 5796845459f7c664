"""A Redis written by the layout before sharding keeps its conversations listed."""

from __future__ import annotations

import redis.asyncio as aioredis

from relay import history, keys
from tests.support.processes import RedisServer


async def test_projects_of_the_old_single_set_move_into_the_sharded_registry(
    redis_server: RedisServer,
) -> None:
    redis_server.start()
    redis = aioredis.from_url(redis_server.url)
    projects = [f"legacy-{i}" for i in range(12)]
    try:
        await redis.delete(history.LEGACY_PROJECTS_SET)
        await redis.sadd(history.LEGACY_PROJECTS_SET, *projects)
        assert await history.adopt_legacy_projects(redis) == len(projects)
        listed = await history.known_projects(redis)
        assert set(projects) <= set(listed)
        assert not await redis.exists(history.LEGACY_PROJECTS_SET)
        shards = {keys.project_registry(project) for project in projects}
        assert len(shards) > 1, "spread over the registry's shards"
        for project in projects:
            assert await redis.sismember(keys.project_registry(project), project)
        assert await history.adopt_legacy_projects(redis) == 0, "nothing left to move"
    finally:
        for project in projects:
            await redis.srem(keys.project_registry(project), project)
        await redis.aclose()
