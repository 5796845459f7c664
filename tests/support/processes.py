"""Real processes for tests: each in its own process group, logged to a file, always stopped.

The commands come from ``launcher.stack``: tests run exactly what the launcher runs.
Every wait is bounded and fails with the tail of the process's log.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar, cast

import httpx
import redis
from redis.cluster import ClusterNode, RedisCluster

from launcher import preflight, stack
from launcher.supervisor import die_with_parent
from proxy.render import NginxPaths
from relay import keys
from relay.settings import Settings

POLL_INTERVAL_S = 0.02
STOP_TIMEOUT_S = 10.0

#: Every process started and not yet stopped: stopped at exit whatever happened.
_RUNNING: set[ManagedProcess] = set()
_PORTS_GIVEN: set[int] = set()
_LOG_NUMBERS = itertools.count(1)


def free_port() -> int:
    """A loopback port nobody listens on (and not handed out before in this session)."""
    while True:
        port = preflight.free_port()
        if port not in _PORTS_GIVEN:
            _PORTS_GIVEN.add(port)
            return port


def sync_client(settings: Settings) -> redis.Redis:
    """A synchronous client for the settings' Redis, or cluster (close it after use)."""
    seeds = settings.cluster_seeds
    if seeds:
        nodes = [ClusterNode(host, port) for host, port in seeds]
        return cast(redis.Redis, RedisCluster(startup_nodes=nodes, socket_timeout=5.0))
    return redis.Redis.from_url(settings.effective_redis_url, socket_timeout=5.0)


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll ``condition`` until true; ``TimeoutError`` naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not true after {timeout_s:g} s")
        time.sleep(POLL_INTERVAL_S)


def http_status(url: str, headers: dict[str, str] | None = None) -> int | None:
    """The status of GET ``url``, or None if nothing answers."""
    try:
        return httpx.get(url, headers=headers, timeout=2.0, trust_env=False).status_code
    except httpx.HTTPError:
        return None


class ProcessFailed(RuntimeError):
    """A test process exited or did not become ready; the message holds its log tail."""


class ManagedProcess:
    """One child process: ``start``, ``stop``, ``kill``, ``restart``, with a log file."""

    ready_timeout_s = 30.0

    def __init__(self, command: stack.Command, log_dir: Path) -> None:
        self.command = command
        self.name = command.name
        self.log_dir = log_dir
        self.log_path = log_dir / f"{command.name}-{next(_LOG_NUMBERS)}.log"
        self.process: subprocess.Popen[bytes] | None = None

    # --- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        """Start (if not running) and wait until ready; no-op when already running."""
        if self.alive:
            return
        self.prepare()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"--- start {' '.join(self.command.argv)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.command.argv,
                env=self.command.env,
                cwd=self.command.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
                preexec_fn=die_with_parent,
            )
        _RUNNING.add(self)
        try:
            self.wait_until(self.is_ready, self.ready_timeout_s, f"{self.name} ready")
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> int | None:
        """SIGTERM, wait, then SIGKILL the whole group; returns the exit code."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout_s)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        _RUNNING.discard(self)
        return process.returncode

    def restart(self) -> None:
        """Stop, then start again (same ports, same data)."""
        self.stop()
        self.start()

    def kill(self, sig: int = signal.SIGKILL, group: bool = False) -> None:
        """Send ``sig`` to the process (or its whole group) without waiting."""
        if self.process is None:
            raise ProcessFailed(f"{self.name} was never started")
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)

    def wait(self, timeout_s: float = STOP_TIMEOUT_S) -> int:
        """Wait for the process to exit; returns its exit code."""
        if self.process is None:
            raise ProcessFailed(f"{self.name} was never started")
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            raise ProcessFailed(self._explain(f"still running after {timeout_s:g} s")) from None

    # --- state ------------------------------------------------------------------------
    @property
    def pid(self) -> int:
        if self.process is None:
            raise ProcessFailed(f"{self.name} was never started")
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def log_tail(self, lines: int = 40) -> str:
        """The last lines this process wrote."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def wait_until(self, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
        """Poll ``condition``; fail early if the process exits, with its log tail."""
        deadline = time.monotonic() + timeout_s
        while not condition():
            if not self.alive:
                raise ProcessFailed(self._explain(f"exited with code {self.returncode}"))
            if time.monotonic() > deadline:
                raise ProcessFailed(self._explain(f"{what}: not true after {timeout_s:g} s"))
            time.sleep(POLL_INTERVAL_S)

    # --- for subclasses -----------------------------------------------------------------
    def prepare(self) -> None:
        """Create what the process needs before each start."""

    def is_ready(self) -> bool:
        """Whether the process serves; by default, as soon as it runs."""
        return True

    def _explain(self, problem: str) -> str:
        return f"{self.name} {problem}; log {self.log_path}:\n{self.log_tail()}"


class RedisServer(ManagedProcess):
    """A private redis-server (AOF on) on a free port; its data survives restarts."""

    def __init__(
        self,
        log_dir: Path,
        data_dir: Path,
        port: int | None = None,
        appendfsync: str = Settings.redis_appendfsync,
    ) -> None:
        self.port = port or free_port()
        self.data_dir = data_dir
        self._settings = Settings(
            redis_port=self.port, state_dir=data_dir.parent, redis_appendfsync=appendfsync
        )
        super().__init__(stack.redis_command(self._settings, data_dir), log_dir)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        """A synchronous client (close it, or use it in a ``with``)."""
        return redis.Redis.from_url(self.url, socket_connect_timeout=1.0, socket_timeout=5.0)

    def flush(self) -> None:
        """Delete every key."""
        with self.client() as client:
            client.flushall()

    def prepare(self) -> None:
        stack.prepare_redis(self._settings, self.data_dir)

    def is_ready(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except (redis.RedisError, OSError):
            return False


class AppServer(ManagedProcess):
    """Granian serving ``app.app:create_app`` with the settings' environment."""

    ready_timeout_s = 60.0

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.settings = settings
        super().__init__(stack.app_command(settings), log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.app_port}"

    @property
    def auth_headers(self) -> dict[str, str]:
        token = self.settings.api_token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def prepare(self) -> None:
        stack.prepare_app(self.settings)

    def is_ready(self) -> bool:
        return http_status(f"{self.url}/api/health", self.auth_headers) == 200


class WatcherProcess(ManagedProcess):
    """``python -m watcher`` with the settings' environment.

    Ready once its heartbeat (which carries its pid) is in Redis, unless
    ``wait_for_heartbeat`` is False (e.g. started while Redis is down).
    """

    def __init__(self, settings: Settings, log_dir: Path, wait_for_heartbeat: bool = True) -> None:
        self.settings = settings
        self.wait_for_heartbeat = wait_for_heartbeat
        super().__init__(stack.watcher_command(settings), log_dir)

    @property
    def watcher_id(self) -> str | None:
        """The id this watcher registered under, once it has sent a heartbeat."""
        try:
            with sync_client(self.settings) as client:
                beats = {}
                for registry in keys.watchers_registries():
                    beats.update(client.hgetall(registry))
        except (redis.RedisError, OSError):
            return None
        for watcher_id, raw in beats.items():
            if json.loads(raw).get("pid") == self.pid:
                return watcher_id.decode()
        return None

    def is_ready(self) -> bool:
        return not self.wait_for_heartbeat or self.watcher_id is not None


class NginxServer(ManagedProcess):
    """nginx with the rendered configuration and the built static folder."""

    def __init__(self, settings: Settings, log_dir: Path, paths: NginxPaths | None = None) -> None:
        self.settings = settings
        self.paths = paths or NginxPaths.for_settings(settings)
        super().__init__(stack.nginx_command(settings, self.paths), log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def status_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.nginx_status_port}/stub_status"

    def prepare(self) -> None:
        stack.prepare_nginx(self.settings, self.paths)

    def is_ready(self) -> bool:
        return http_status(self.status_url) == 200


class StubUpstream(ManagedProcess):
    """Granian serving ``tests.support.stub_upstream`` in place of the app (proxy tests)."""

    def __init__(self, log_dir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        argv = [
            sys.executable, "-m", "granian",
            "--interface", "asgi",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--http", "1",
            "--no-ws",
            "--no-metrics",
            "tests.support.stub_upstream:app",
        ]  # fmt: skip
        super().__init__(stack.Command("stub", argv, dict(os.environ)), log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def is_ready(self) -> bool:
        return http_status(f"{self.url}/health") == 200


ProcessT = TypeVar("ProcessT", bound=ManagedProcess)


@contextlib.contextmanager
def running(process: ProcessT) -> Iterator[ProcessT]:
    """Start ``process``, hand it over, and stop it however the block ends."""
    process.start()
    try:
        yield process
    finally:
        process.stop()


def running_processes() -> list[ManagedProcess]:
    """Every process started and not stopped yet, by name."""
    return sorted(_RUNNING, key=lambda process: process.name)


def stop_everything() -> None:
    """Stop every process still running (the last line of defence against orphans)."""
    for process in list(_RUNNING):
        process.stop(timeout_s=3.0)


atexit.register(stop_everything)
