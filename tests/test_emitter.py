"""The emitter's batches: the bytes they write, and what a batch does on a real Redis."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from redis.asyncio.connection import Connection

from relay import keys
from relay.emitter import EventEmitter, JobFinishedError, pack_command
from relay.jobs import EventType
from tests.support.processes import RedisServer


def test_commands_are_packed_byte_for_byte_as_redis_py_packs_them() -> None:
    args = ("EVALSHA", b"ab12", 3, "relay:{j}:job", "chunk", "1764201600123.4", '"text":"h\u00e9 "')
    assert pack_command(args) == b"".join(Connection().pack_command(*args))


async def test_emits_made_together_share_a_batch_and_keep_each_jobs_order(
    redis_server: RedisServer,
) -> None:
    redis_server.start()  # an earlier test may have stopped it
    redis = aioredis.Redis.from_url(redis_server.url)
    emitter = EventEmitter(redis, 60)
    jobs = [f"batch-test-{i}" for i in range(5)]
    try:
        for job_id in jobs:
            await redis.hset(keys.job(job_id), mapping={"status": "processing", "last_seq": 0})
        await redis.hset(keys.job("batch-test-done"), mapping={"status": "complete"})

        async def stream(job_id: str) -> list[int]:
            return [
                await emitter.emit(job_id, EventType.CHUNK, {"text": f"{n} "}, 1.0, text=f"{n} ")
                for n in range(10)
            ]

        seqs = await asyncio.gather(*(stream(job_id) for job_id in jobs))
        assert seqs == [list(range(1, 11))] * len(jobs)
        for job_id in jobs:
            assert (
                await redis.get(keys.job_text(job_id))
                == "".join(f"{n} " for n in range(10)).encode()
            )
        with pytest.raises(JobFinishedError):
            await emitter.emit("batch-test-done", EventType.CHUNK, {"text": "late"}, 1.0)
        # The script cache lost (Redis restarted, SCRIPT FLUSH): the batch reloads it.
        await redis.script_flush()
        assert await emitter.emit(jobs[0], EventType.CHUNK, {"text": "again"}, 1.0) == 11
    finally:
        await redis.delete(*(keys.job(j) for j in [*jobs, "batch-test-done"]))
        await redis.aclose()
