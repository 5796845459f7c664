"""The emitter's batches on a real Redis: shared, in order per job, refused after the end."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from relay import keys
from relay.emitter import EventEmitter, JobFinishedError
from relay.jobs import EventType
from tests.support.processes import RedisServer


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
