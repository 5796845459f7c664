"""``make run`` keeps the stack up: a part that dies comes back by itself, chats finish.

Each test SIGKILLs one part of a real launcher's stack while 40 chats stream (the
echo model, slowed down), then checks that every chat ended with exactly its whole
text, seen by a client that reconnects the way EventSource does.
"""

from __future__ import annotations

import asyncio
import io
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from launcher.stack import Command
from launcher.supervisor import RestartPolicy, Supervisor
from tests.support.launcher import LauncherProcess
from tests.support.processes import running, wait_for
from tests.support.sse import SSEResult, follow
from tests.support.stack import make_settings

CHATS = 40
WORDS = 20
ECHO_INTERVAL_MS = 100.0


@pytest.fixture(scope="module")
def launched(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[LauncherProcess]:
    settings = make_settings(
        tmp_path_factory.mktemp("supervised"), echo_interval_ms=ECHO_INTERVAL_MS
    )
    with running(LauncherProcess(settings, logs_dir)) as launcher:
        yield launcher


def message(run: str, index: int) -> str:
    return " ".join(f"{run}-{index}-w{word}" for word in range(WORDS))


async def chats_through(
    launcher: LauncherProcess, run: str, kill: Callable[[], None]
) -> tuple[float, list[SSEResult]]:
    """Start CHATS chats, ``kill`` once all are streaming, follow every one to its end."""
    limits = httpx.Limits(max_connections=CHATS * 2)
    async with httpx.AsyncClient(base_url=launcher.url, limits=limits, trust_env=False) as client:

        async def start(index: int) -> str:
            body = {"message": message(run, index), "project": f"{run}-{index}", "cache": False}
            response = await client.post("/api/chat/start", json=body, timeout=10)
            assert response.status_code == 202, response.text
            return str(response.json()["stream_url"])

        urls = await asyncio.gather(*(start(i) for i in range(CHATS)))
        streams = [asyncio.create_task(follow(client, url, timeout_s=90)) for url in urls]
        await asyncio.sleep(ECHO_INTERVAL_MS * 4 / 1000)  # every chat a few words in
        killed_at = time.time() * 1000
        kill()
        return killed_at, await asyncio.gather(*streams)


def assert_every_chat_whole(run: str, killed_at_ms: float, results: list[SSEResult]) -> None:
    for index, result in enumerate(results):
        ids = [event.id for event in result.events]
        assert ids == list(range(1, len(ids) + 1)), f"chat {index}: gap or repeat in {ids}"
        assert result.events[-1].type == "done", result.events[-1]
        assert result.events[-1].received_ms > killed_at_ms, f"chat {index} was not in flight"
        assert result.final_text == message(run, index), f"chat {index}"
        assert result.events[-1].data["result"] == message(run, index)


def sigkill(process: psutil.Process) -> Callable[[], None]:
    return lambda: process.send_signal(signal.SIGKILL)


def wait_replaced(launcher: LauncherProcess, name: str, old_pid: int) -> psutil.Process:
    def replaced() -> bool:
        try:
            return launcher.part(name).pid != old_pid
        except (LookupError, psutil.Error):
            return False

    wait_for(replaced, 30, f"a new {name} process")
    return launcher.part(name)


async def test_a_killed_watcher_is_restarted_and_its_chats_end_whole(
    launched: LauncherProcess,
) -> None:
    old = launched.part("-m watcher")
    killed_at, results = await chats_through(launched, "watcher", sigkill(old))
    assert_every_chat_whole("watcher", killed_at, results)
    assert wait_replaced(launched, "-m watcher", old.pid).is_running()
    output = launched.output()
    assert "watcher exited (killed by SIGKILL)" in output
    assert "watcher restarted (pid" in output
    assert launched.alive


async def test_a_killed_granian_worker_comes_back_and_its_chats_end_whole(
    launched: LauncherProcess,
) -> None:
    granian = launched.part("granian")
    (worker,) = granian.children()
    killed_at, results = await chats_through(launched, "worker", sigkill(worker))
    assert_every_chat_whole("worker", killed_at, results)
    assert launched.part("granian").pid == granian.pid, "Granian respawned its own worker"
    assert [w.pid for w in granian.children()] != [worker.pid]
    assert launched.alive


async def test_a_killed_redis_is_restarted_with_its_data_and_logs_one_warning(
    launched: LauncherProcess,
) -> None:
    old = launched.part("redis-server")
    async with httpx.AsyncClient(base_url=launched.url, trust_env=False, timeout=10) as client:
        saved = {"project": "kept", "user": "before the kill", "assistant": "in the AOF"}
        assert (await client.post("/api/history/save", json=saved)).status_code < 300
    logged_before = len(launched.output())

    killed_at, results = await chats_through(launched, "redis", sigkill(old))
    assert_every_chat_whole("redis", killed_at, results)
    wait_replaced(launched, "redis-server", old.pid)
    async with httpx.AsyncClient(base_url=launched.url, trust_env=False, timeout=10) as client:
        history = (await client.get("/api/history/kept")).json()["history"]
    assert [(e["user"], e["assistant"]) for e in history] == [("before the kill", "in the AOF")]

    during = launched.output()[logged_before:]
    assert "redis exited (killed by SIGKILL)" in during
    for noise in ("Traceback", "job crashed", "Task exception was never retrieved"):
        assert noise not in during, during
    watcher_warnings = [
        line for line in during.splitlines() if "proc=watcher" in line and "level=WARNING" in line
    ]
    assert len(watcher_warnings) == 2, watcher_warnings  # lost, then back
    assert "Redis unreachable" in watcher_warnings[0]
    assert "Redis reachable again" in watcher_warnings[1]


async def test_a_part_that_keeps_failing_stops_the_supervisor(tmp_path: Path) -> None:
    out = io.StringIO()
    policy = RestartPolicy(first_delay_s=0.01, give_up_after=3)
    supervisor = Supervisor(out, policy=policy)
    failing = Command("broken", [sys.executable, "-c", "print('bad config'); exit(3)"], {})
    child = await supervisor.start(failing)
    supervisor.supervise(child)
    try:
        why = await asyncio.wait_for(supervisor.gave_up(), 30)
    finally:
        await supervisor.stop_all()
    assert why == "broken keeps failing (code 3, 3 restarts)"
    lines = out.getvalue().splitlines()
    assert lines.count("broken  | bad config") == 4
    restarts = [line for line in lines if "restarting in" in line]
    assert [line.split("restarting in ")[1].split(" s")[0] for line in restarts] == [
        "0.01",
        "0.02",
        "0.04",
    ]
    assert all("broken exited (code 3)" in line for line in restarts)
