"""The command batcher on a real Redis: shared batches, replies in place, lost Redis."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from redis.asyncio.connection import Connection

from relay import batching
from relay.batching import CommandBatcher, as_mapping, pack_command, raise_errors
from relay.connections import REDIS_DOWN_ERRORS
from tests.support.processes import RedisServer, running, wait_for


def test_commands_are_packed_byte_for_byte_as_redis_py_packs_them() -> None:
    args = ("EVALSHA", b"ab12", 3, "relay:{j}:job", "chunk", 1764201600123.4, '"text":"h\u00e9 "')
    assert pack_command(args) == b"".join(Connection().pack_command(*args))


async def test_calls_made_together_share_one_connection_and_keep_their_replies(
    redis_server: RedisServer,
) -> None:
    redis_server.start()  # an earlier test may have stopped it
    redis = aioredis.Redis.from_url(redis_server.url)
    batcher = CommandBatcher(redis)
    key = "batching-test:counter"
    try:
        await redis.delete(key)

        async def add(n: int) -> list[list[Any]]:
            # A transaction and a plain read, two calls of one execute().
            return await batcher.execute(
                (key, [(b"MULTI",), (b"INCRBY", key, n), (b"GET", key), (b"EXEC",)]),
                (key, [(b"STRLEN", key)]),
            )

        replies = await asyncio.gather(*(add(n) for n in range(1, 101)))
        # One batch: a hundred callers needed one pooled connection, not a hundred.
        assert len(redis.connection_pool._available_connections) == 1
        totals = []
        for transaction, (length,) in replies:
            multi, queued_incr, queued_get, (total, read) = transaction
            assert (multi, queued_incr, queued_get) == (b"OK", b"QUEUED", b"QUEUED")
            assert read == str(total).encode()  # the GET inside its own MULTI
            assert length == len(read)  # right after its EXEC: no other call in between
            totals.append(total)
        # Every caller's INCRBY ran once, in the order the calls were made.
        assert totals == [n * (n + 1) // 2 for n in range(1, 101)]
    finally:
        await redis.delete(key)
        await redis.aclose()


async def test_an_error_reply_takes_its_place_and_fails_only_its_call(
    redis_server: RedisServer,
) -> None:
    redis_server.start()
    redis = aioredis.Redis.from_url(redis_server.url)
    batcher = CommandBatcher(redis)
    text_key, hash_key = "batching-test:text", "batching-test:hash"
    try:
        await redis.set(text_key, "not a hash")
        await redis.hset(hash_key, mapping={"a": "1"})
        wrong, right = await asyncio.gather(
            batcher.execute((text_key, [(b"HGETALL", text_key), (b"GET", text_key)])),
            batcher.execute((hash_key, [(b"HGETALL", hash_key)])),
        )
        ((refused, value),) = wrong
        assert isinstance(refused, aioredis.ResponseError) and "WRONGTYPE" in str(refused)
        assert value == b"not a hash"
        with pytest.raises(aioredis.ResponseError, match="WRONGTYPE"):
            raise_errors([refused, value])
        assert as_mapping(right[0][0]) == {b"a": b"1"}
        assert as_mapping([b"a", b"1"]) == {b"a": b"1"}  # the RESP2 shape
    finally:
        await redis.delete(text_key, hash_key)
        await redis.aclose()


async def test_a_lost_redis_fails_every_caller_of_the_batch_and_a_back_one_serves(
    redis_server: RedisServer,
) -> None:
    redis_server.start()
    redis = aioredis.Redis.from_url(redis_server.url, socket_timeout=2)
    batcher = CommandBatcher(redis)
    try:
        assert await batcher.execute(("k", [(b"PING",)])) == [[b"PONG"]]
        redis_server.stop()
        outcomes = await asyncio.gather(
            *(batcher.execute(("k", [(b"PING",)])) for _ in range(5)), return_exceptions=True
        )
        assert all(isinstance(outcome, REDIS_DOWN_ERRORS) for outcome in outcomes), outcomes
        redis_server.start()
        assert await batcher.execute(("k", [(b"PING",)])) == [[b"PONG"]]
    finally:
        redis_server.start()
        await redis.aclose()


def _calls_of(server: RedisServer, command: str) -> int:
    """How often ``server`` has run ``command`` (INFO commandstats)."""
    with server.client() as client:
        stats = client.info("commandstats").get(f"cmdstat_{command}", {})
    return int(stats.get("calls", 0))


def _replicas_of(server: RedisServer) -> int:
    """Replicas of ``server`` in sync with it: ``state=online`` and every byte of the
    replication stream acknowledged (a replica just online is sent writes only after
    its first ack, up to a second later: a ``WAIT`` of 200 ms before it times out)."""
    with server.client() as client:
        info = client.info("replication")
    offset = info["master_repl_offset"]
    return sum(1 for name, value in info.items() if name.startswith("slave")
               and isinstance(value, dict) and value.get("state") == "online"
               and value.get("offset") == offset)  # fmt: skip


async def test_a_node_short_of_its_replica_is_not_waited_for_until_the_replica_is_back(
    tmp_path: Path, logs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a failover the promoted node has no replica until its old master rejoins:
    a WAIT per batch would stall each one 200 ms; it is asked (ROLE) now and then."""
    monkeypatch.setattr(batching, "REPLICA_PROBE_S", 0.2)
    primary = RedisServer(logs_dir, tmp_path / "primary" / "data")
    replica = RedisServer(logs_dir, tmp_path / "replica" / "data")
    with running(primary):
        redis = aioredis.Redis.from_url(primary.url)
        batcher = CommandBatcher(redis, wait_replicas=1)
        write = ("k", [(b"INCR", "k")])
        try:
            assert await batcher.execute(write) == [[1]]
            assert _calls_of(primary, "wait") == 1  # came back 0: no replica
            for n in range(2, 22):
                assert await batcher.execute(write) == [[n]]
            assert (_calls_of(primary, "wait"), _calls_of(primary, "role")) == (1, 0)
            await asyncio.sleep(0.25)
            await batcher.execute(write)  # the probe: still no replica
            assert (_calls_of(primary, "wait"), _calls_of(primary, "role")) == (1, 1)

            with running(replica):
                with primary.client() as client:
                    client.config_set("repl-diskless-sync-delay", 0)  # sync at once
                with replica.client() as client:
                    client.replicaof("127.0.0.1", primary.port)
                with primary.client() as client:
                    # After the sync the primary streams writes only once the replica
                    # first acks (within a second): this one is acked when it does.
                    client.set("batching-test:replica-ready", "1")
                wait_for(lambda: _replicas_of(primary) == 1, 30.0, "the replica in sync")
                await asyncio.sleep(0.25)
                await batcher.execute(write)  # the probe lists the replica
                assert _calls_of(primary, "role") == 2
                replies = await batcher.execute(write)  # waited for again
                assert _calls_of(primary, "wait") == 2
                with replica.client() as client:
                    assert int(client.get("k")) == replies[0][0], "on the replica once written"
        finally:
            await redis.aclose()
