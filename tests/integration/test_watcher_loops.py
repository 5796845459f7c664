"""The watcher's loops and slots: places in line, a poisoned control channel, a dying loop."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
import pytest
import redis.asyncio as aioredis

from relay import keys
from relay.connections import REDIS_DOWN_ERRORS
from relay.jobs import Job, JobStatus
from relay.settings import Settings
from tests.support.processes import AppServer, RedisServer, WatcherProcess, free_port, running
from tests.support.sse import SSEResult, read_stream
from tests.support.stack import Stack
from watcher.__main__ import build_watcher
from watcher.backends.registry import BackendRegistry
from watcher.runner import JobRunner
from watcher.turns import ProjectTurns
from watcher.watcher import Watcher


def words(count: int, prefix: str) -> str:
    return " ".join(f"{prefix}{i}" for i in range(count))


async def start_chat(client: httpx.AsyncClient, message: str, **fields: object) -> dict:
    response = await client.post("/api/chat/start", json={"message": message, **fields})
    assert response.status_code == 202, response.text
    return response.json()


def places_in_line(result: SSEResult) -> list[int]:
    return [
        e.data["position"]
        for e in result.events
        if e.type == "status" and e.data.get("status") == "queued"
    ]


async def test_jobs_beyond_a_backends_limit_wait_in_order_and_see_their_place(
    stack: Stack, watcher: Callable[..., WatcherProcess]
) -> None:
    stack.watcher.stop()
    watcher(echo_concurrency=1, echo_interval_ms=20.0)  # each answer takes ~0.4 s
    async with httpx.AsyncClient(base_url=stack.url) as client:
        jobs = [
            await start_chat(client, words(20, name), project=f"line-{name}", cache=False)
            for name in "abc"
        ]
        results = await asyncio.gather(
            *(read_stream(client, job["stream_url"], timeout_s=20) for job in jobs)
        )
    assert all(r.events[-1].type == "done" for r in results)
    assert [r.text for r in results] == [words(20, name) for name in "abc"]
    # One ran at once; one waited first in line; one second, then first.
    assert sorted(places_in_line(r) for r in results) == [[], [1], [2, 1]]
    for result in results:  # places in line come before the job starts, never after
        statuses = [e.data.get("status") for e in result.events if e.type == "status"]
        assert statuses == ["queued"] * len(places_in_line(result)) + ["processing"]


async def test_a_malformed_control_notice_is_skipped_and_the_next_cancel_still_arrives(
    stack: Stack, watcher: Callable[..., WatcherProcess], redis_server: RedisServer
) -> None:
    stack.watcher.stop()
    running = watcher(echo_interval_ms=50.0)
    message = words(100, "c")  # five seconds of answer
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, message, project="poison", cache=False)
        first = await read_stream(client, job["stream_url"], until=lambda e: e.type == "chunk")
        with redis_server.client() as control:
            for poison in (b"not json", b"[1, 2]", b'{"turn": []}', b"123", b'{"other": 1}'):
                control.publish(keys.CONTROL_CHANNEL, poison)
            # Only the control channel says so: the job hash still says processing, so
            # the heartbeat's safety net cannot be what stops it.
            control.publish(keys.CONTROL_CHANNEL, orjson.dumps({"cancel": job["job_id"]}))
        rest = await read_stream(
            client, job["stream_url"], last_event_id=first.events[-1].id, timeout_s=10
        )
    assert rest.events[-1].type == "status"
    assert rest.events[-1].data["status"] == "cancelled"
    assert len(first.chunks) + len(rest.chunks) < len(message.split())
    assert running.alive
    assert "control notice skipped" in running.log_tail(200)


def _in_process_watcher(settings: Settings, redis: aioredis.Redis) -> Watcher:
    """A watcher built as ``serve()`` builds it, in this test's event loop."""
    return build_watcher(
        settings, redis, JobRunner(settings, BackendRegistry(settings), "in-process"), "in-process"
    )


async def test_a_watcher_loop_that_dies_stops_the_watcher_loudly(
    settings: Settings,
    redis_server: RedisServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    redis_server.start()  # an earlier test may have stopped it
    settings = dataclasses.replace(settings, state_dir=tmp_path, watcher_heartbeat_s=0.05)
    redis = aioredis.Redis.from_url(settings.effective_redis_url)
    watcher = _in_process_watcher(settings, redis)

    async def broken_recovery() -> None:
        await asyncio.sleep(0.2)
        raise RuntimeError("recovery broke")

    watcher._recovery_loop = broken_recovery  # type: ignore[method-assign]  # the fault
    try:
        with pytest.raises(ExceptionGroup) as raised:
            async with asyncio.timeout(10):
                await watcher.run()
        assert raised.group_contains(RuntimeError, match="recovery broke")
        assert "a watcher loop died" in caplog.text
        roster = keys.watcher_registry("in-process")
        assert not await redis.hexists(roster, "in-process"), "it left the roster"
    finally:
        await redis.aclose()


async def test_a_job_task_that_fails_is_logged_not_dropped(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    redis = aioredis.Redis.from_url(settings.effective_redis_url)
    watcher = _in_process_watcher(dataclasses.replace(settings, state_dir=tmp_path), redis)

    async def crashing() -> None:
        raise LookupError("lost the job")

    try:
        with caplog.at_level(logging.ERROR, logger="watcher.watcher"):
            task = watcher._spawn(crashing())
            await asyncio.gather(task, return_exceptions=True)
        assert "job task failed" in caplog.text and "lost the job" in caplog.text
    finally:
        await redis.aclose()


async def test_past_a_backends_queue_length_new_chats_get_503_with_retry_after(
    stack: Stack,
    watcher: Callable[..., WatcherProcess],
    logs_dir: Path,
    flush_redis: Callable[[], None],
) -> None:
    stack.watcher.stop()  # nothing takes jobs: they pile up in the echo backend's line
    small = dataclasses.replace(stack.settings, app_port=free_port(), queue_max_length=3)
    with running(AppServer(small, logs_dir)) as app:
        async with httpx.AsyncClient(base_url=app.url) as client:
            waiting = [
                await start_chat(client, f"waiting {i}", project=f"full-{i}", cache=False)
                for i in range(3)
            ]
            refused = await client.post(
                "/api/chat/start", json={"message": "one too many", "project": "full-x"}
            )
            assert refused.status_code == 503
            assert refused.headers["Retry-After"] == "2"
            assert refused.json()["error"]["code"] == "queue_full"
            assert "echo" in refused.json()["error"]["message"]

            watcher()  # the line moves: every accepted job runs, and there is room again
            results = await asyncio.gather(
                *(read_stream(client, job["stream_url"], timeout_s=20) for job in waiting)
            )
            assert [r.text for r in results] == [f"waiting {i}" for i in range(3)]
            assert (await start_chat(client, "room again", project="full-y"))["job_id"]


async def test_a_job_waiting_for_its_turn_through_a_redis_restart_runs_after_it(
    redis_server: RedisServer,
) -> None:
    """Redis goes away while the second job of a project waits behind the first: the
    wait goes on once Redis is back, and the job runs when the first one ends."""
    redis_server.start()
    redis = aioredis.Redis.from_url(redis_server.url, socket_timeout=2)

    async def load(job_id: str) -> Job | None:
        while True:
            try:
                raw = await redis.hgetall(keys.job(job_id))
                return Job.from_hash(raw) if raw else None
            except REDIS_DOWN_ERRORS:
                await asyncio.sleep(0.05)

    project = "turns-through-restart"
    first = Job(id="turns-first-0000001", message="a", project=project, status=JobStatus.PROCESSING)
    second = Job(id="turns-second-000001", message="b", project=project)
    await redis.delete(keys.project_order(project))
    for job in (first, second):
        await redis.hset(keys.job(job.id), mapping=job.to_hash())  # type: ignore[arg-type]  # invariant Mapping key in redis-py's stubs
        await redis.rpush(keys.project_order(project), job.id)
    # A short safety timeout: the waiter looks at the head again during the outage.
    turns = ProjectTurns(redis, load, safety_timeout_s=0.1)
    try:
        waiting = asyncio.create_task(turns.job_when_its_turn(second.id, project))
        await asyncio.sleep(0.3)
        assert not waiting.done(), "the first job still runs"
        redis_server.stop()
        await asyncio.sleep(0.5)  # several looks at the head fail meanwhile
        assert not waiting.done(), waiting
        redis_server.start()
        await redis.hset(keys.job(first.id), "status", JobStatus.COMPLETE.value)
        turns.notify(project)
        runs = await asyncio.wait_for(waiting, 10)
        assert runs is not None and runs.id == second.id
    finally:
        redis_server.start()
        await redis.aclose()
