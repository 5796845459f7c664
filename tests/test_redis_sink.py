"""The watcher's Redis sink on a real Redis: chunks sent without waiting, settled in order.

A chunk's emit returns before Redis answers; the job's next write, or ``settle()``,
learns its outcome. These tests hold the sink to what the runner relies on: a job's
events keep their order, a job that ended meanwhile raises at the next write (never
silently), and Redis going away surfaces as ``ChannelLostError`` there.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis

from relay import keys
from relay.emitter import EventEmitter, JobFinishedError
from relay.jobs import EventType, Job, JobStatus
from tests.support.processes import RedisServer
from watcher.sinks import ChannelLostError, RedisSink


async def _sink(redis: aioredis.Redis, job_id: str) -> RedisSink:
    await redis.delete(keys.job(job_id), keys.job_events(job_id), keys.job_text(job_id))
    await redis.hset(keys.job(job_id), mapping={"status": "processing", "last_seq": 0})
    job = Job(id=job_id, message="hi", status=JobStatus.PROCESSING)
    emitter = EventEmitter(redis, 60)
    return RedisSink(redis, emitter, job, batcher=emitter.batcher)


async def _logged_types(redis: aioredis.Redis, job_id: str) -> list[tuple[int, str]]:
    """(seq, event type) of every event in the job's log, in log order."""
    entries: Any = await redis.xrange(keys.job_events(job_id))
    logged = []
    for entry_id, fields in entries:
        header = fields[b"m"].split(b"\n", 1)[0].split(b" ")
        logged.append((int(entry_id.split(b"-")[1]), header[2].decode()))
    return logged


async def test_chunks_return_before_redis_answers_and_keep_their_order(
    redis: aioredis.Redis,
) -> None:
    sink = await _sink(redis, "sink-order")
    await sink.emit(EventType.STATUS, {"status": "processing"}, fields={"status": "processing"})
    for n in range(50):
        await sink.emit_chunk(f"{n} ")
    # The last chunk is still in flight (nothing waited for its reply yet)...
    unsettled = sink._unsettled
    assert unsettled is not None and not unsettled.reply.done()
    await sink.settle()
    assert sink._unsettled is None
    # ...and every chunk is logged, numbered in the order it was sent, text in step.
    logged = await _logged_types(redis, "sink-order")
    assert logged == [(1, "status")] + [(seq, "chunk") for seq in range(2, 52)]
    assert (
        await redis.get(keys.job_text("sink-order")) == "".join(f"{n} " for n in range(50)).encode()
    )
    seq = await sink.finish(JobStatus.COMPLETE, EventType.DONE, {"result": "r"})
    assert seq == 52


async def test_a_job_that_ended_meanwhile_raises_at_the_next_write(
    redis: aioredis.Redis,
) -> None:
    sink = await _sink(redis, "sink-ended")
    await sink.emit_chunk("before ")
    await sink.settle()
    # Cancelled by the app while the watcher streams: the next chunk is refused by the
    # script, and the sink says so at the write after it, not never.
    await EventEmitter(redis, 60).finish(
        "sink-ended", JobStatus.CANCELLED, EventType.STATUS, {"status": "cancelled"}, 1.0
    )
    await sink.emit_chunk("after ")
    with pytest.raises(JobFinishedError):
        await sink.emit_chunk("later ")
    assert await redis.get(keys.job_text("sink-ended")) == b"before "
    # The same through settle() (the end of a backend round) and through finish().
    await sink.emit_chunk("again ")
    with pytest.raises(JobFinishedError):
        await sink.settle()
    await sink.emit_chunk("once more ")
    with pytest.raises(JobFinishedError):
        await sink.finish(JobStatus.COMPLETE, EventType.DONE, {"result": "x"})
    status = await redis.hget(keys.job("sink-ended"), "status")
    assert status == b"cancelled"


@contextlib.asynccontextmanager
async def _sink_then_redis_killed(
    redis_server: RedisServer, job_id: str, kept: str
) -> AsyncIterator[RedisSink]:
    """A sink whose chunk ``kept`` is settled, then Redis killed (gone, not signalled);
    Redis is started again (same data) on the way out."""
    redis_server.start()
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        sink = await _sink(client, job_id)
        await sink.emit_chunk(kept)
        await sink.settle()
        redis_server.kill()
        redis_server.wait()
        yield sink
    finally:
        redis_server.start()
        await client.aclose()


async def test_redis_going_away_under_an_unsettled_chunk_is_a_lost_channel(
    redis_server: RedisServer,
) -> None:
    async with _sink_then_redis_killed(redis_server, "sink-lost", "kept ") as sink:
        await sink.emit_chunk("lost ")  # sent into a connection Redis no longer reads
        with pytest.raises(ChannelLostError):
            await sink.settle()
    check = aioredis.Redis.from_url(redis_server.url)
    try:
        # AOF on: what was settled before the kill is there, the lost chunk is not.
        events: Any = await check.xrange(keys.job_events("sink-lost"))
        messages = [fields[b"m"] for _, fields in events]
        assert len(messages) == 1
        assert orjson.loads(messages[0].split(b"data: ", 1)[1])["text"] == "kept "
    finally:
        await check.aclose()


async def test_an_abandoned_chunk_whose_batch_failed_logs_no_unretrieved_error(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    # A watcher shutting down cancels a job's task with its last chunk unsettled; if
    # that batch then fails, nobody ever awaits the reply. asyncio must not report
    # "Future exception was never retrieved" for it.
    async with _sink_then_redis_killed(redis_server, "sink-abandoned", "first ") as sink:
        await sink.emit_chunk("abandoned ")
        reply = sink._unsettled.reply if sink._unsettled is not None else None
        assert reply is not None
        await asyncio.wait([reply], timeout=10)
        # Failed, and not looked at here: that would count as retrieving it.
        assert reply.done() and not reply.cancelled()
        sink._unsettled = None  # abandoned, as a cancelled job's sink is
        del reply
        with caplog.at_level("ERROR", logger="asyncio"):
            gc.collect()
            await asyncio.sleep(0)
        assert "never retrieved" not in caplog.text
