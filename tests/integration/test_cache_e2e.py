"""The response cache, single flight and the status micro-cache, through nginx.

Real Redis, Granian, a watcher running the echo backend, and nginx. "No backend
run happened" is read from the watcher's ``relay_backend_runs_total{backend="echo"}``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.app import APP_REDIS_CONNECTIONS
from relay.cache import L2_POOL_SIZE
from tests.support.processes import WatcherProcess
from tests.support.sse import SSEResult, read_stream
from tests.support.stack import Stack
from watcher.backends.echo import echo_chunks


def new_project() -> str:
    return f"cache-{uuid.uuid4().hex[:12]}"


def echo_runs(metrics_port: int) -> float:
    """Backend rounds the echo backend started in the watcher listening on ``metrics_port``."""
    text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "relay_backend_runs_total" and sample.labels["backend"] == "echo":
                return sample.value
    return 0.0


async def ask(client: httpx.AsyncClient, message: str, project: str, **fields: Any) -> SSEResult:
    """Start a chat and read its stream to the end."""
    job = await start(client, message, project, **fields)
    return await read_stream(client, job["stream_url"])


async def start(
    client: httpx.AsyncClient, message: str, project: str, **fields: Any
) -> dict[str, Any]:
    body = {"message": message, "project": project, **fields}
    response = await client.post("/api/chat/start", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def done(result: SSEResult) -> dict[str, Any]:
    assert result.ended and result.events[-1].type == "done", result.events[-3:]
    return result.events[-1].data


@pytest.fixture
def slow_watcher(stack: Stack, logs_dir: Path) -> Iterator[WatcherProcess]:
    """The session watcher replaced by one whose echo takes 40 ms a word."""
    stack.watcher.stop()
    slow = WatcherProcess(dataclasses.replace(stack.settings, echo_interval_ms=40.0), logs_dir)
    slow.start()
    try:
        yield slow
    finally:
        slow.stop()


async def test_same_question_twice_is_served_from_cache_without_a_backend_run(
    stack: Stack,
) -> None:
    project, message = new_project(), "what is the capital of France?"
    async with httpx.AsyncClient(base_url=stack.url) as client:
        first = await ask(client, message, project)
        runs = echo_runs(stack.settings.watcher_metrics_port)
        second = await ask(client, "What is the capital of france", project)
        third = await ask(client, message, project)
        history = (await client.get(f"/api/history/{project}")).json()["history"]

    assert done(first)["cached"] is False
    for repeat in (second, third):
        assert done(repeat)["cached"] == "exact"
        assert done(repeat)["result"] == done(first)["result"] == message
        assert repeat.chunks == first.chunks == echo_chunks(message)
        assert [e.id for e in repeat.events] == list(range(1, len(repeat.events) + 1))
    assert echo_runs(stack.settings.watcher_metrics_port) == runs, "no backend run"
    assert len(history) == 3, "cached answers join the conversation too"


async def test_other_project_or_a_moved_on_conversation_is_a_miss(stack: Stack) -> None:
    project, message = new_project(), "tell me a story"
    async with httpx.AsyncClient(base_url=stack.url) as client:
        await ask(client, message, project)
        runs = echo_runs(stack.settings.watcher_metrics_port)
        elsewhere = await ask(client, message, new_project())
        await ask(client, "something else entirely", project)
        moved_on = await ask(client, message, project)
        opted_out = await ask(client, message, project, cache=False)

    assert done(elsewhere)["cached"] is False
    assert done(moved_on)["cached"] is False
    assert done(opted_out)["cached"] is False
    assert echo_runs(stack.settings.watcher_metrics_port) == runs + 4


async def test_identical_requests_at_once_run_the_backend_once(
    stack: Stack, slow_watcher: WatcherProcess
) -> None:
    project, message = new_project(), " ".join(f"word{i}" for i in range(12))
    async with httpx.AsyncClient(base_url=stack.url) as client:
        runs = echo_runs(slow_watcher.settings.watcher_metrics_port)
        jobs = await asyncio.gather(*(start(client, message, project) for _ in range(3)))
        results = await asyncio.gather(*(read_stream(client, j["stream_url"]) for j in jobs))

    assert len({job["job_id"] for job in jobs}) == 1, "the identical requests joined one job"
    for result in results:
        assert result.chunks == echo_chunks(message)
        assert done(result)["result"] == message
    assert echo_runs(slow_watcher.settings.watcher_metrics_port) == runs + 1


async def test_finished_job_status_is_micro_cached_by_nginx_running_never(
    stack: Stack, slow_watcher: WatcherProcess
) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start(client, "one two three four five six", new_project(), cache=False)
        running = await client.get(job["status_url"])
        running_again = await client.get(job["status_url"])
        await read_stream(client, job["stream_url"])
        finished = await client.get(job["status_url"])
        finished_again = await client.get(job["status_url"])

    assert running.json()["status"] in ("pending", "processing")
    assert running.headers["cache-control"] == "no-store"
    assert running_again.headers["x-cache-status"] != "HIT"
    max_age = stack.settings.cache_snapshot_max_age_s
    assert finished.headers["cache-control"] == f"public, max-age={max_age}"
    assert finished.json()["status"] == "complete"
    assert finished_again.headers["x-cache-status"] == "HIT"
    assert finished_again.json() == finished.json()


async def test_clearing_history_drops_the_projects_cached_answers(stack: Stack) -> None:
    project, message = new_project(), "remember this"
    async with httpx.AsyncClient(base_url=stack.url) as client:
        await ask(client, message, project)
        assert done(await ask(client, message, project))["cached"] == "exact"
        cleared = await client.post("/api/history/clear", json={"project": project})
        assert cleared.status_code == 200
        saved = {"project": project, "user": message, "assistant": message}
        assert (await client.post("/api/history/save", json=saved)).status_code == 201
        after = await ask(client, message, project)
    assert done(after)["cached"] is False, "same conversation, but the answers were dropped"


async def test_with_redis_stopped_chats_still_work_and_the_cache_recovers(stack: Stack) -> None:
    project, message = new_project(), "are you still there?"
    stack.redis.stop()
    try:
        async with httpx.AsyncClient(base_url=stack.url) as client:
            down = await ask(client, message, project)
    finally:
        stack.redis.start()
    assert done(down)["result"] == message
    assert done(down)["cached"] is False

    # Back on Redis, answers are stored and reused again. (A few tries: right after a
    # Redis restart the watcher's pooled connections may each fail once, which can
    # cost an exchange its history entry, and so its cache entry.)
    async with httpx.AsyncClient(base_url=stack.url) as client:
        results = [await ask(client, message, project) for _ in range(4)]
    assert all(done(r)["result"] == message for r in results)
    assert any(done(r)["cached"] for r in results)


async def test_app_redis_connections_stay_few_and_named(stack: Stack) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        await ask(client, "count my connections", project)
        await asyncio.gather(*(ask(client, "count my connections", project) for _ in range(30)))
    with stack.redis.client() as redis:
        names = [c["name"] for c in redis.client_list()]
    app_connections = [n for n in names if n.startswith("relay-app-")]
    assert app_connections, "the app's connections carry its name"
    per_process = {n: app_connections.count(n) for n in app_connections}
    limit = APP_REDIS_CONNECTIONS + L2_POOL_SIZE + 1  # its pool, aiocache's L2, the hub's feed
    assert all(count <= limit for count in per_process.values()), per_process
