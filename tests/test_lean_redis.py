"""Relay's lean Redis pool and connection, against a real redis-server.

They skip redis-py's per-command overhead on the fast path; these tests hold them to
redis-py's behaviour where it matters: a burst beyond the pool waits, and a Redis
that stopped reading still times a send out.
"""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
import redis.asyncio as aioredis

from relay.connections import LeanConnection, make_redis, text
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


async def test_a_send_to_a_redis_that_stopped_reading_still_times_out(
    redis_server: RedisServer,
) -> None:
    redis_server.start()
    redis = make_redis(redis_server.url, 4, blocking=True)
    pool = redis.connection_pool
    try:
        await redis.ping()
        assert pool.connection_class is LeanConnection
        pool.connection_kwargs["socket_timeout"] = 0.3  # new connections: a short time-out
        await pool.disconnect()
        await redis.ping()
        os.kill(redis_server.pid, signal.SIGSTOP)  # frozen: it reads nothing more
        try:
            # Far more than the kernel's socket buffers take: the send must wait, bounded.
            with pytest.raises((aioredis.TimeoutError, aioredis.ConnectionError)):
                await asyncio.wait_for(redis.set("big", b"x" * 64 * 1024 * 1024), 30)
        finally:
            os.kill(redis_server.pid, signal.SIGCONT)
        assert await redis.ping(), "the pool works again once Redis does"
    finally:
        await redis.aclose()
