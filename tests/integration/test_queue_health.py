"""What the app measures from the outside: queue health and the user-facing first token.

Against a real (private) Redis: jobs submitted through the real queue put themselves
in their backend's backlog; the first-chunk mark is set once per job and never
creates a key for a job that is gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from app.first_token import FIRST_CHUNK_FIELD, FirstTokenRecorder
from relay import keys, queue_health, telemetry
from relay.connections import make_redis
from relay.emitter import EventEmitter
from relay.jobs import Job
from relay.redis_queue import RedisJobQueue
from relay.settings import Settings
from tests.support.processes import RedisServer, running
from tests.support.stack import make_settings, with_redis


@pytest.fixture(scope="module")
def private_redis(
    tmp_path_factory: pytest.TempPathFactory, logs_dir: Path
) -> Iterator[RedisServer]:
    with running(RedisServer(logs_dir, tmp_path_factory.mktemp("queue-health"))) as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, private_redis: RedisServer) -> Settings:
    private_redis.flush()
    return with_redis(make_settings(tmp_path / "state"), private_redis)


@pytest_asyncio.fixture
async def redis(settings: Settings) -> AsyncIterator[aioredis.Redis]:
    client = make_redis(settings.effective_redis_url, 8, blocking=False)
    yield client
    await client.aclose()


async def submit(redis: aioredis.Redis, job_id: str, model: str, created_ts: float) -> None:
    queue = RedisJobQueue(redis, EventEmitter(redis, 60))
    backend = {"echo": "echo", "local": "local"}[model]
    await queue.submit(Job(id=job_id, message="hi", model=model, created_ts=created_ts), backend)


async def test_an_empty_queue_reports_every_backend_at_zero(redis, settings) -> None:
    health = await queue_health.measure(redis, settings, now=1000.0)
    assert health.oldest_age_s == 0.0
    assert set(health.waiting) == set(queue_health.backends(settings)) >= {"echo", "local"}
    assert not any(health.waiting.values())


async def test_waiting_jobs_count_per_backend_and_the_oldest_sets_the_age(redis, settings) -> None:
    await submit(redis, "job-a", "echo", created_ts=900.0)
    await submit(redis, "job-b", "echo", created_ts=950.0)
    await submit(redis, "job-c", "local", created_ts=800.0)
    health = await queue_health.measure(redis, settings, now=1000.0)
    assert health.waiting["echo"] == 2 and health.waiting["local"] == 1
    assert health.oldest_age_s == pytest.approx(200.0)

    # A watcher starting the oldest job takes it out of its backlog (watcher.py).
    await redis.zrem(keys.backlog(keys.shard_of("default"), "local"), "job-c")
    health = await queue_health.measure(redis, settings, now=1000.0)
    assert health.waiting["local"] == 0
    assert health.oldest_age_s == pytest.approx(100.0)


async def test_first_token_is_observed_once_per_job_and_never_for_a_gone_job(
    redis, settings
) -> None:
    await submit(redis, "job-first", "echo", created_ts=1000.0)
    recorder = FirstTokenRecorder(redis, settings)
    histogram = telemetry.TIME_TO_FIRST_TOKEN.labels("echo")

    def observed() -> tuple[float, float]:
        labels = {"model": "echo"}
        count = telemetry.APP_REGISTRY.get_sample_value(
            "relay_time_to_first_token_seconds_count", labels
        )
        total = telemetry.APP_REGISTRY.get_sample_value(
            "relay_time_to_first_token_seconds_sum", labels
        )
        return count or 0.0, total or 0.0

    assert histogram is not None
    count, total = observed()
    recorder.chunk_written("job-first", written_at=1000.25)
    await recorder.settled()
    recorder.chunk_written("job-first", written_at=1009.0)  # a late subscriber
    await recorder.settled()
    assert observed() == (count + 1, pytest.approx(total + 0.25))
    assert float(await redis.hget(keys.job("job-first"), FIRST_CHUNK_FIELD)) == 1000.25

    recorder.chunk_written("job-gone", written_at=1000.0)
    await recorder.settled()
    assert observed()[0] == count + 1
    assert not await redis.exists(keys.job("job-gone"))


async def test_first_token_claims_handed_over_in_a_burst_each_count_once(redis, settings) -> None:
    jobs = [f"job-burst-{i}" for i in range(20)]
    for job_id in jobs:
        await submit(redis, job_id, "echo", created_ts=1000.0)
    recorder = FirstTokenRecorder(redis, settings)
    labels = {"model": "echo"}

    def count() -> float:
        sample = "relay_time_to_first_token_seconds_count"
        return telemetry.APP_REGISTRY.get_sample_value(sample, labels) or 0.0

    before = count()
    for job_id in jobs:  # a burst of new streams, each with a second client
        recorder.chunk_written(job_id, written_at=1000.5)
        recorder.chunk_written(job_id, written_at=1001.0)
    await recorder.settled()
    assert count() == before + len(jobs), "each job's first token is observed once"
    for job_id in jobs:
        assert float(await redis.hget(keys.job(job_id), FIRST_CHUNK_FIELD)) == 1000.5
