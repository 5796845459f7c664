"""Session fixtures: real redis-server, Granian, watcher and nginx processes on free ports.

Nothing here is faked. Each process runs the very command the launcher runs
(``launcher.stack``), with the ``settings`` fixture given as ``RELAY_*`` variables.
Every process is stopped at the end, even when a test or a fixture fails.

- ``redis_server``: session Redis (``.url``, ``.port``, ``.stop()``, ``.start()``,
  ``.restart()``, ``.client()``, ``.flush()``); data in a tmp dir, AOF on.
- ``redis``: an asyncio client of that Redis (closed after the test).
- ``settings``: ``Settings`` on free ports, tmp ``state_dir``, that Redis, model echo.
- ``app_server``: Granian serving ``app.app:create_app`` (``.url``, ``.stop()`` ...).
- ``watcher``: factory; ``watcher()`` starts ``python -m watcher``, waits for its
  heartbeat and returns its handle (``.pid``, ``.watcher_id``, ``.kill(sig)``,
  ``.stop()``, ``.wait()``, ``.alive``); all stopped after the test.
- ``nginx``: nginx in front of ``app_server``'s port (``.url``, ``.restart()`` ...).
- ``stack``: all of the above plus one watcher, restarted if a test stopped a part.
- ``flush_redis``: empties Redis before the test; call it to empty it again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from relay.settings import Settings
from tests.support.processes import (
    AppServer,
    NginxServer,
    RedisServer,
    WatcherProcess,
    free_port,
    running,
    running_processes,
    stop_everything,
)
from tests.support.stack import Stack, make_settings, with_redis

#: Lines of each running process's log a failed test's report ends with.
LOG_TAIL_LINES = 25


@pytest.fixture(scope="session")
def logs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's processes write their output."""
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[RedisServer]:
    """A real redis-server for the session, on a free port, AOF on."""
    with running(RedisServer(logs_dir, tmp_path_factory.mktemp("redis-data"))) as server:
        yield server


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    """An asyncio client of the session Redis (started if a test stopped it)."""
    redis_server.start()
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, redis_server: RedisServer) -> Settings:
    """The session's settings: free ports, tmp state, ``redis_server``, the echo model."""
    state_dir = tmp_path_factory.mktemp("state")
    return with_redis(make_settings(state_dir), redis_server)


@pytest.fixture(scope="session")
def app_server(settings: Settings, logs_dir: Path) -> Iterator[AppServer]:
    """Granian serving the Falcon app on ``settings.app_port``; ready when /api/health is 200."""
    with running(AppServer(settings, logs_dir)) as server:
        yield server


@pytest.fixture
def watcher(settings: Settings, logs_dir: Path) -> Iterator[Callable[..., WatcherProcess]]:
    """Factory: ``watcher(wait_for_heartbeat=True, **setting_overrides)`` starts a watcher.

    Each gets its own metrics port. Ready once its heartbeat is in Redis (pass
    ``wait_for_heartbeat=False`` when Redis is down). All are stopped after the test.
    """
    started: list[WatcherProcess] = []

    def start(wait_for_heartbeat: bool = True, **overrides: Any) -> WatcherProcess:
        overrides.setdefault("watcher_metrics_port", free_port())
        own_settings = dataclasses.replace(settings, **overrides)
        process = WatcherProcess(own_settings, logs_dir, wait_for_heartbeat)
        started.append(process)
        process.start()
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()


@pytest.fixture(scope="session")
def nginx(settings: Settings, logs_dir: Path) -> Iterator[NginxServer]:
    """nginx on ``settings.port`` in front of ``settings.app_port``, static folder built."""
    with running(NginxServer(settings, logs_dir)) as server:
        yield server


@pytest.fixture(scope="session")
def _session_stack(
    settings: Settings,
    redis_server: RedisServer,
    app_server: AppServer,
    nginx: NginxServer,
    logs_dir: Path,
) -> Iterator[Stack]:
    session_watcher = WatcherProcess(settings, logs_dir)
    session_watcher.start()
    try:
        yield Stack(settings, redis_server, app_server, session_watcher, nginx)
    finally:
        session_watcher.stop()


@pytest.fixture
def stack(_session_stack: Stack) -> Stack:
    """The whole stack (``.url`` is nginx), every part running when the test starts."""
    _session_stack.ensure_running()
    return _session_stack


@pytest.fixture
def flush_redis(redis_server: RedisServer) -> Callable[[], None]:
    """Empties Redis before the test; returns the function to empty it again."""
    redis_server.start()
    redis_server.flush()
    return redis_server.flush


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report ends with the log tails of the processes still running:
    a CI run keeps nothing else, and a hang says little by its stack alone."""
    report = yield
    if report.failed and call.when == "call":
        for process in running_processes():
            tail = process.log_tail(LOG_TAIL_LINES)
            report.sections.append((f"log {process.log_path.name}", tail))
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop any process a fixture could not (interrupted run, failed teardown)."""
    stop_everything()
