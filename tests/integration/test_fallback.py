"""File mode (Redis unreachable) loses nothing: leases, cancel, history, many streams.

Every test stops the real Redis, so jobs go to the fallback folder, and runs real
watcher processes (echo model, slowed down where a job must be caught mid-answer).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.processes import WatcherProcess, free_port, wait_for
from tests.support.sse import follow, read_stream
from tests.support.stack import Stack


def words(count: int, prefix: str) -> str:
    return " ".join(f"{prefix}{i}" for i in range(count))


@pytest.fixture
def outage(stack: Stack, logs_dir: Path) -> Iterator[Callable[..., WatcherProcess]]:
    """Redis stopped and the session watcher replaced; yields a watcher factory."""
    stack.watcher.stop()
    stack.redis.stop()
    started: list[WatcherProcess] = []

    def start(**overrides: object) -> WatcherProcess:
        own = dataclasses.replace(stack.settings, watcher_metrics_port=free_port(), **overrides)  # type: ignore[arg-type]
        process = WatcherProcess(own, logs_dir, wait_for_heartbeat=False)
        process.start()
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()
        stack.redis.start()


async def start_file_chat(client: httpx.AsyncClient, message: str, project: str) -> dict:
    body = {"message": message, "project": project, "cache": False}
    response = await client.post("/api/chat/start", json=body)
    assert response.status_code == 202, response.text
    job = response.json()
    snapshot = (await client.get(job["status_url"])).json()
    assert snapshot["mode"] == "file", snapshot
    return job


async def test_a_killed_watchers_file_job_is_finished_by_another(
    stack: Stack, outage: Callable[..., WatcherProcess]
) -> None:
    message = words(40, "lease")
    doomed = outage(echo_interval_ms=100.0)
    async with httpx.AsyncClient(base_url=stack.app.url, timeout=30) as client:
        job = await start_file_chat(client, message, "leases")
        head = await read_stream(client, job["stream_url"], stop_after=4)
        assert head.events[-1].type == "chunk"
        doomed.kill(signal.SIGKILL)
        doomed.wait()
        outage()  # the survivor: it finds the dead watcher's claim once its lease expires
        last = head.events[-1].id
        result = await follow(client, job["stream_url"], timeout_s=30, last_event_id=last)
        for _ in range(100):  # the job file is replaced just after ``done`` is appended
            snapshot = (await client.get(job["status_url"])).json()
            if snapshot["status"] == "complete":
                break
            await asyncio.sleep(0.05)

    events = head.events + result.events
    assert [e.id for e in events] == list(range(1, len(events) + 1))
    assert result.events[-1].type == "done"
    assert result.events[-1].data["result"] == message
    resets = [e for e in result.events if e.type == "status" and e.data.get("reset")]
    assert len(resets) == 1, "the restart is announced so partial text is dropped"
    assert result.final_text == message
    assert snapshot["status"] == "complete" and snapshot["text"] == message
    claim = stack.settings.fallback_dir / "claimed" / f"{job['job_id']}.json"
    # Removed right after ``done`` is written, so perhaps a moment after it is read.
    wait_for(lambda: not claim.exists(), 5, "the finished job's claim removed")


async def test_cancel_stops_a_running_file_job(
    stack: Stack, outage: Callable[..., WatcherProcess]
) -> None:
    message = words(100, "cancel")
    outage(echo_interval_ms=50.0)
    async with httpx.AsyncClient(base_url=stack.app.url, timeout=30) as client:
        job = await start_file_chat(client, message, "file-cancel")
        head = await read_stream(client, job["stream_url"], stop_after=3)
        response = await client.post("/api/chat/cancel", json={"job_id": job["job_id"]})
        assert response.status_code == 200 and response.json()["status"] == "cancelled"
        rest = await follow(
            client, job["stream_url"], timeout_s=10, last_event_id=head.events[-1].id
        )
        await asyncio.sleep(0.5)  # a backend still running would go on appending
        snapshot = (await client.get(job["status_url"])).json()
        again = await client.post("/api/chat/cancel", json={"job_id": job["job_id"]})
        stack.redis.start()
        history = await history_when_replayed(client, "file-cancel", 1)

    assert [(e["outcome"], e["assistant"]) for e in history] == [("cancelled", snapshot["text"])]
    assert head.events[-1].type == "chunk"
    assert rest.events[-1].type == "status" and rest.events[-1].data["status"] == "cancelled"
    assert snapshot["status"] == "cancelled"
    assert len(snapshot["text"]) < len(message), "the backend really stopped"
    assert again.status_code == 409


async def test_cancel_of_a_queued_file_job_ends_it_before_it_runs(
    stack: Stack, outage: Callable[..., WatcherProcess]
) -> None:
    async with httpx.AsyncClient(base_url=stack.app.url, timeout=30) as client:
        job = await start_file_chat(client, "never run", "file-cancel-queued")
        response = await client.post("/api/chat/cancel", json={"job_id": job["job_id"]})
        assert response.status_code == 200
        outage()  # a watcher arriving afterwards must not run it
        result = await follow(client, job["stream_url"], timeout_s=10)
        await asyncio.sleep(0.5)
        snapshot = (await client.get(job["status_url"])).json()
        stack.redis.start()
        history = await history_when_replayed(client, "file-cancel-queued", 1)
    assert [e.type for e in result.events] == ["status"]
    assert result.events[0].data["status"] == "cancelled"
    assert snapshot["status"] == "cancelled" and snapshot["text"] == ""
    assert [(e["user"], e["outcome"]) for e in history] == [("never run", "cancelled")]


async def history_when_replayed(client: httpx.AsyncClient, project: str, count: int) -> list[dict]:
    """The project's history once it has ``count`` entries (or after 10 s)."""
    history: list[dict] = []
    for _ in range(200):
        response = await client.get(f"/api/history/{project}")
        history = response.json()["history"] if response.status_code == 200 else []
        if len(history) >= count:
            break
        await asyncio.sleep(0.05)
    return history


async def test_file_mode_exchanges_reach_the_history_in_order_when_redis_returns(
    stack: Stack, outage: Callable[..., WatcherProcess]
) -> None:
    project = f"replayed-{os.getpid()}"
    messages = [f"file mode exchange {i}" for i in range(5)]
    outage()
    async with httpx.AsyncClient(base_url=stack.app.url, timeout=30) as client:
        for message in messages:
            job = await start_file_chat(client, message, project)
            assert (await follow(client, job["stream_url"], timeout_s=20)).final_text == message
        stack.redis.start()
        history = await history_when_replayed(client, project, len(messages))
        projects = (await client.get("/api/projects")).json()["projects"]

    assert [(e["user"], e["assistant"]) for e in history] == [(m, m) for m in messages]
    assert project in projects
    assert not list((stack.settings.fallback_dir / "history").glob("*.json"))


def inotify_instances(pid: int) -> int:
    fd_dir = Path(f"/proc/{pid}/fd")
    count = 0
    for fd in fd_dir.iterdir():
        try:
            count += os.readlink(fd) == "anon_inode:inotify"
        except OSError:
            continue
    return count


async def test_300_streams_during_an_outage_share_one_inotify_watch(
    stack: Stack, outage: Callable[..., WatcherProcess]
) -> None:
    streams_wanted = 300
    message = words(30, "many")
    limits = httpx.Limits(max_connections=streams_wanted + 10)
    async with httpx.AsyncClient(base_url=stack.app.url, timeout=60, limits=limits) as client:
        job = await start_file_chat(client, message, "many-streams")
        app_pid = (await client.get("/api/health")).json()["process"]["pid"]
        streams = [
            asyncio.create_task(read_stream(client, job["stream_url"], timeout_s=60))
            for _ in range(streams_wanted)
        ]

        def all_attached() -> bool:
            health = httpx.get(f"{stack.app.url}/api/health").json()
            return health["process"]["sse_streams"] >= streams_wanted

        await asyncio.to_thread(wait_for, all_attached, 30, "300 SSE clients attached")
        watching = inotify_instances(app_pid)
        outage()  # only now is the job run: every stream is waiting for it
        results = await asyncio.gather(*streams)

    assert watching == 1, f"{watching} inotify instances for {streams_wanted} streams"
    for result in results:
        assert result.status_code == 200
        assert result.events[-1].type == "done"
        assert result.text == message
