"""Settings on free ports, and a whole stack (Redis, app, watcher, nginx) for tests."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relay.settings import Settings
from tests.support.processes import (
    AppServer,
    NginxServer,
    RedisServer,
    WatcherProcess,
    free_port,
)


def make_settings(state_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test stack: free ports, ``state_dir``, the echo model, fast timings."""
    values: dict[str, Any] = {
        "port": free_port(),
        "app_port": free_port(),
        "watcher_metrics_port": free_port(),
        "nginx_status_port": free_port(),
        "redis_port": free_port(),
        "state_dir": state_dir,
        "projects_dir": state_dir / "projects",
        "default_model": "echo",
        "show_test_models": True,  # the page's picker offers echo, as the tests use it
        "echo_interval_ms": 5.0,
        "claim_idle_ms": 1500,
        "watcher_dead_after_s": 3.0,
    }
    values.update(overrides)
    return Settings(**values)


def with_redis(settings: Settings, redis_server: RedisServer) -> Settings:
    """``settings`` pointing at ``redis_server``."""
    return dataclasses.replace(settings, redis_url=redis_server.url, redis_port=redis_server.port)


@dataclass
class Stack:
    """Redis, the app under Granian, one watcher and nginx, all on ``settings``' ports."""

    settings: Settings
    redis: RedisServer
    app: AppServer
    watcher: WatcherProcess
    nginx: NginxServer

    @property
    def url(self) -> str:
        """nginx's base URL (no trailing slash): what a browser uses."""
        return self.nginx.url

    @property
    def auth_headers(self) -> dict[str, str]:
        """Headers carrying the API token, if the settings have one."""
        return self.app.auth_headers

    def ensure_running(self) -> None:
        """Restart whatever a previous test stopped or killed."""
        for part in (self.redis, self.watcher, self.app, self.nginx):
            part.start()

    def stop(self) -> None:
        """Stop every part, front first."""
        for part in (self.nginx, self.app, self.watcher, self.redis):
            part.stop()


@contextlib.contextmanager
def own_stack(
    tmp_path_factory: Any, logs_dir: Path, name: str, **overrides: Any
) -> Iterator[Stack]:
    """A whole stack of its own, its own Redis included, on ``make_settings(**overrides)``.

    Its own Redis: a watcher of the session stack on a shared Redis would claim its
    jobs (and "nothing was written" could not be checked).
    """
    redis = RedisServer(logs_dir, tmp_path_factory.mktemp(f"{name}-redis"))
    settings = with_redis(
        make_settings(tmp_path_factory.mktemp(f"{name}-state"), **overrides), redis
    )
    stack = Stack(
        settings,
        redis,
        AppServer(settings, logs_dir),
        WatcherProcess(settings, logs_dir),
        NginxServer(settings, logs_dir),
    )
    try:
        stack.ensure_running()
        yield stack
    finally:
        stack.stop()
