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
from redis.exceptions import ConnectionError

from relay.batching import CommandBatcher
from relay.connections import (
    LeanConnection,
    TimedRedis,
    make_redis,
    text,
    torn_down_under_command,
)
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


class DisconnectedWhileConnecting(aioredis.Connection):
    """A real connection that another task disconnects while it is being set up.

    That is the interleaving CI's cluster failover produced. The node's pool
    disconnected its free connections (another task) while a command was connecting
    one of them. The command's HELLO, sent through ``asyncio.wait_for`` (a socket
    time-out is set, as on the cluster), then met a socket already cleared. It
    happens once only: afterwards this is an ordinary connection.
    """

    torn_down = 0

    async def on_connect_check_health(self, check_health: bool = True) -> None:
        if not DisconnectedWhileConnecting.torn_down:
            DisconnectedWhileConnecting.torn_down += 1
            self.teardown = asyncio.ensure_future(self.disconnect(nowait=True))  # before the send
        await super().on_connect_check_health(check_health)


async def test_a_connection_torn_down_under_a_command_fails_as_a_connection_error(
    redis_server: RedisServer,
) -> None:
    redis_server.start()
    url = f"redis://127.0.0.1:{redis_server.port}/0"

    def client(kind: type[aioredis.Redis]) -> aioredis.Redis:
        DisconnectedWhileConnecting.torn_down = 0
        pool = aioredis.ConnectionPool.from_url(
            url, connection_class=DisconnectedWhileConnecting, socket_timeout=30
        )
        return kind(connection_pool=pool)

    plain = client(aioredis.Redis)
    try:
        # redis-py itself: the bare AttributeError of the cleared socket, which no
        # loop waiting out an outage catches (it stopped CI's watchers).
        with pytest.raises(AttributeError) as raw:
            await plain.ping()
        assert torn_down_under_command(raw.value)
    finally:
        await plain.aclose()
    timed = client(TimedRedis)
    try:
        with pytest.raises(ConnectionError, match="closed under the command"):
            await timed.ping()
        assert await timed.ping() is True  # the connection is set up again on next use
    finally:
        await timed.aclose()


def test_only_errors_raised_in_redis_pys_connection_code_count_as_torn_down() -> None:
    try:
        getattr(None, "writelines")  # noqa: B009  # our own bug, not a closed socket
    except AttributeError as exc:
        assert not torn_down_under_command(exc)
    assert not torn_down_under_command(ConnectionError("refused"))


async def test_the_command_batcher_fails_its_callers_with_a_connection_error_too(
    redis_server: RedisServer,
) -> None:
    redis_server.start()
    DisconnectedWhileConnecting.torn_down = 0
    pool = aioredis.ConnectionPool.from_url(
        f"redis://127.0.0.1:{redis_server.port}/0",
        connection_class=DisconnectedWhileConnecting,
        socket_timeout=30,
    )
    redis = TimedRedis(connection_pool=pool)
    batcher = CommandBatcher(redis)
    try:
        with pytest.raises(ConnectionError, match="closed under the command"):
            await batcher.execute(("torn", [("SET", "torn", "v")]))
        assert await batcher.execute(("torn", [("SET", "torn", "v"), ("GET", "torn")])) == [
            [b"OK", b"v"]
        ]
    finally:
        await redis.aclose()
