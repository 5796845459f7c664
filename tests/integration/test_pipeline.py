"""The job pipeline end to end: real Redis, Granian, watcher processes and nginx."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from relay.settings import Settings
from tests.support.processes import WatcherProcess, free_port, wait_for
from tests.support.sse import SSEResult, read_stream
from tests.support.stack import Stack
from watcher.backends.echo import echo_chunks


def words(count: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(count))


async def start_chat(client: httpx.AsyncClient, message: str, **fields: object) -> dict:
    response = await client.post("/api/chat/start", json={"message": message, **fields})
    assert response.status_code == 202, response.text
    return response.json()


@pytest.fixture
def slow_watchers(stack: Stack, logs_dir: Path) -> Iterator[list[WatcherProcess]]:
    """Replace the session watcher by watchers whose echo is slow (50 ms a word)."""
    stack.watcher.stop()
    started: list[WatcherProcess] = []
    slow = dataclasses.replace(stack.settings, echo_interval_ms=50.0)

    def start() -> WatcherProcess:
        process = WatcherProcess(slow, logs_dir)
        process.start()
        started.append(process)
        return process

    start()
    try:
        yield started
    finally:
        for process in started:
            process.stop()


async def test_chat_streams_every_chunk_in_order_then_done(stack: Stack) -> None:
    message = "the quick brown fox jumps over the lazy dog"
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, message)
        assert job["status"] == "pending"
        assert job["stream_url"] == f"/api/sse/status/{job['job_id']}"
        result = await read_stream(client, job["stream_url"])

    assert result.status_code == 200
    assert result.headers["content-type"].startswith("text/event-stream")
    assert result.retry_ms == 1000
    assert result.chunks == echo_chunks(message)
    assert [e.id for e in result.events] == list(range(1, len(result.events) + 1))
    assert all(e.data["seq"] == e.id and e.data["ts"] > 0 for e in result.events)
    done = result.events[-1]
    assert done.type == "done"
    assert done.data["result"] == message
    assert done.data["cached"] is False


async def test_reconnect_with_last_event_id_yields_exactly_the_missing_events(
    stack: Stack, slow_watchers: list[WatcherProcess]
) -> None:
    message = words(40)
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, message, cache=False)
        first = await read_stream(client, job["stream_url"], stop_after=5)
        last_id = first.events[-1].id
        await asyncio.sleep(0.3)  # events keep coming while the client is away
        rest = await read_stream(client, job["stream_url"], last_event_id=last_id)
        by_query = await read_stream(client, f"{job['stream_url']}?last_event_id={last_id}")

    ids = [e.id for e in first.events] + [e.id for e in rest.events]
    assert ids == list(range(1, len(ids) + 1)), "a gap or a duplicate"
    assert rest.events[0].id == last_id + 1
    assert first.text + rest.text == message
    assert rest.events[-1].type == "done"
    assert [e.id for e in by_query.events] == [e.id for e in rest.events]


async def test_finished_job_replays_and_closes(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, "replay me please", cache=False)
        live = await read_stream(client, job["stream_url"])
        replay = await read_stream(client, job["stream_url"])
    assert [(e.id, e.type, e.data) for e in replay.events] == [
        (e.id, e.type, e.data) for e in live.events
    ]


async def test_killed_watcher_job_is_finished_by_another(
    stack: Stack, slow_watchers: list[WatcherProcess], logs_dir: Path
) -> None:
    message = words(60)
    first_watcher = slow_watchers[0]
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, message, cache=False, project="killme")
        head = await read_stream(client, job["stream_url"], stop_after=4)
        assert head.events[-1].type == "chunk"
        survivor_settings = dataclasses.replace(
            stack.settings, echo_interval_ms=5.0, watcher_metrics_port=free_port()
        )
        survivor = WatcherProcess(survivor_settings, logs_dir)
        survivor.start()
        slow_watchers.append(survivor)
        first_watcher.kill(signal.SIGKILL)
        result = await read_stream(client, job["stream_url"], last_event_id=head.events[-1].id)

    assert result.ended and result.events[-1].type == "done"
    assert result.events[-1].data["result"] == message
    resets = [e for e in result.events if e.type == "status" and e.data.get("reset")]
    assert len(resets) == 1, "the restart is announced so partial text is dropped"
    after_reset = result.events[result.events.index(resets[0]) :]
    assert "".join(e.data["text"] for e in after_reset if e.type == "chunk") == message


async def test_cancel_stops_running_job_and_stream_ends_cancelled(
    stack: Stack, slow_watchers: list[WatcherProcess]
) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, words(200), cache=False, project="cancelme")
        stream = asyncio.create_task(read_stream(client, job["stream_url"]))
        await _wait_for_status(client, job["job_id"], "processing")
        cancelled_at = time.monotonic()
        response = await client.post("/api/chat/cancel", json={"job_id": job["job_id"]})
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        result: SSEResult = await asyncio.wait_for(stream, 10)
        stream_end_s = time.monotonic() - cancelled_at
        again = await client.post("/api/chat/cancel", json={"job_id": job["job_id"]})
        await asyncio.sleep(0.3)
        status = (await client.get(job["status_url"])).json()
        queue = (await client.get("/api/queue/status")).json()

    assert result.events[-1].type == "status"
    assert result.events[-1].data["status"] == "cancelled"
    assert stream_end_s < 1.0
    assert again.status_code == 409
    assert status["status"] == "cancelled"
    assert len(status["text"]) < len(words(200)), "the backend really stopped"
    assert job["job_id"] not in queue["running"]


async def test_dropped_client_does_not_cancel_and_leaves_no_subscription(
    stack: Stack, slow_watchers: list[WatcherProcess]
) -> None:
    message = words(20)
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, message, cache=False)
        await read_stream(client, job["stream_url"], stop_after=3)  # then hang up
        done = await read_stream(client, job["stream_url"], last_event_id=3)
    assert done.events[-1].type == "done"
    assert done.events[-1].data["result"] == message

    def no_streams_left() -> bool:
        health = httpx.get(f"{stack.app.url}/api/health").json()
        return health["process"]["sse_streams"] == 0

    wait_for(no_streams_left, 5, "the app dropped the closed streams' subscriptions")


async def test_jobs_of_one_project_run_in_order_others_in_parallel(
    stack: Stack, slow_watchers: list[WatcherProcess]
) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        same = [await start_chat(client, words(6, f"j{i}-"), project="serial") for i in range(3)]
        other = await start_chat(client, words(6, "o"), project="parallel")
        results = await asyncio.gather(
            *(read_stream(client, job["stream_url"]) for job in [*same, other])
        )
        snapshots = [(await client.get(job["status_url"])).json() for job in [*same, other]]

    assert all(r.events[-1].type == "done" for r in results)
    serial = snapshots[:3]
    for earlier, later in itertools.pairwise(serial):
        started_after = later["started_ts"] >= earlier["finished_ts"]
        assert started_after, "a project's jobs run one at a time, in submission order"
    parallel = snapshots[3]
    assert parallel["started_ts"] < serial[0]["finished_ts"], "other projects run alongside"


async def test_questions_then_answers_resume_the_job(stack: Stack) -> None:
    message = "tell me [[ASK]]\nWhich colour?\n- Which size?\n[[/ASK]]"
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, message, cache=False)
        asked = await read_stream(
            client, job["stream_url"], until=lambda e: e.type == "questions", timeout_s=10
        )
        questions = [e for e in asked.events if e.type == "questions"]
        assert questions and questions[0].data["questions"] == ["Which colour?", "Which size?"]
        status = await _wait_for_status(client, job["job_id"], "waiting_for_answers")
        assert status["questions"] == ["Which colour?", "Which size?"]
        answer = await client.post(
            "/api/chat/answers", json={"job_id": job["job_id"], "answers": ["red", "large"]}
        )
        assert answer.status_code == 200
        rest = await read_stream(client, job["stream_url"], last_event_id=questions[0].id)

    assert rest.events[-1].type == "done"
    assert "[[ASK]]" not in asked.text + rest.text
    assert rest.text == "answers: red large"


async def test_history_is_saved_per_project(stack: Stack, flush_redis: object) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        for text in ("first question", "second question"):
            job = await start_chat(client, text, project="histo", cache=False)
            await read_stream(client, job["stream_url"])
        history = (await client.get("/api/history/histo")).json()["history"]
        projects = (await client.get("/api/projects")).json()["projects"]
        assert [h["user"] for h in history] == ["first question", "second question"]
        assert [h["assistant"] for h in history] == ["first question", "second question"]
        assert "histo" in projects
        first = history[0]["id"]
        deleted = await client.post("/api/history/delete", json={"project": "histo", "id": first})
        assert deleted.status_code == 200
        missing = await client.post("/api/history/delete", json={"project": "histo", "id": first})
        assert missing.status_code == 404
        left = (await client.get("/api/history/histo")).json()["history"]
        assert [h["user"] for h in left] == ["second question"]
        await client.post("/api/history/clear", json={"project": "histo"})
        assert (await client.get("/api/history/histo")).json()["history"] == []


async def test_active_job_of_a_project_for_reattaching(
    stack: Stack, slow_watchers: list[WatcherProcess]
) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, words(30), project="reattach", cache=False)
        active = await client.get("/api/active/reattach")
        assert active.status_code == 200
        assert active.json()["job_id"] == job["job_id"]
        await read_stream(client, job["stream_url"])
        assert (await client.get("/api/active/reattach")).status_code == 204


async def test_health_and_queue_status_show_watchers(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        health = (await client.get("/api/health")).json()
        queue = (await client.get("/api/queue/status")).json()
    assert health["redis"] is True and health["mode"] == "redis"
    assert health["status"] == "ok"
    assert len(health["watchers"]) >= 1
    assert queue["watchers_alive"] >= 1
    assert queue["queue_depth"] >= 0


async def _wait_for_status(client: httpx.AsyncClient, job_id: str, status: str) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        snapshot = (await client.get(f"/api/chat/status/{job_id}")).json()
        if snapshot["status"] == status:
            return snapshot
        await asyncio.sleep(0.02)
    raise AssertionError(f"job {job_id} never reached {status}")


def test_settings_fixture_uses_echo(settings: Settings) -> None:
    assert settings.default_model == "echo"


async def test_a_job_waiting_for_answers_does_not_hold_a_watcher_slot(
    stack: Stack, watcher: Callable[..., WatcherProcess]
) -> None:
    stack.watcher.stop()
    watcher(echo_concurrency=1)
    async with httpx.AsyncClient(base_url=stack.url) as client:
        asking = await start_chat(client, "wait [[ASK]]\nok?\n[[/ASK]]", project="asks")
        await _wait_for_status(client, asking["job_id"], "waiting_for_answers")
        other = await start_chat(client, "meanwhile elsewhere", project="other", cache=False)
        result = await read_stream(client, other["stream_url"], timeout_s=10)
        assert result.events[-1].type == "done", "the only slot was free for another project"
        await client.post("/api/chat/answers", json={"job_id": asking["job_id"], "answers": ["y"]})
        finished = await read_stream(client, asking["stream_url"], timeout_s=10)
    assert finished.events[-1].type == "done"
