"""The watcher's Redis client under a burst of jobs, against a real redis-server."""

from __future__ import annotations

import asyncio
import os

from relay.connections import text
from relay.settings import Settings
from tests.support.processes import RedisServer
from watcher.__main__ import WATCHER_REDIS_CONNECTIONS, watcher_redis


async def test_a_burst_beyond_the_pool_waits_for_connections_instead_of_failing(
    settings: Settings, redis_server: RedisServer
) -> None:
    # 512 upstream streams by default: starting, finishing or moving up the line
    # together they send more commands at once than the pool has connections. Each
    # command here holds its connection 50 ms (a BLPOP on an empty list, as a job
    # waiting for answers does).
    redis_server.start()
    redis = watcher_redis(settings)
    burst = WATCHER_REDIS_CONNECTIONS * 3
    try:
        popped = await asyncio.gather(
            *(redis.blpop([f"burst:{index}"], timeout=0.05) for index in range(burst))
        )
        clients = await redis.client_list()
    finally:
        await redis.aclose()
    assert popped == [None] * burst, "every command of the burst was answered"
    ours = [c for c in clients if text(c.get("name", "")) == f"relay-watcher-{os.getpid()}"]
    assert 0 < len(ours) <= WATCHER_REDIS_CONNECTIONS
