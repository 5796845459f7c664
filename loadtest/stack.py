"""A whole Relay stack for load tests: ``python -m launcher`` on free loopback ports.

The load tools need the real thing (nginx, Granian, the watcher, Redis) configured for
measuring the relay: the echo model, and limits sized for one client address that
stands for many users. As a command it wraps another one::

    python -m loadtest.stack -- python -m locust -f loadtest/locustfile.py --headless ...

The wrapped command finds the stack in ``LOCUST_HOST`` / ``RELAY_URL`` (nginx),
``RELAY_APP_URL`` (Granian direct) and ``RELAY_STACK_PIDS`` (the launcher's pid); its
exit code is returned. The stack is stopped however the command ends.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from launcher.preflight import free_port, free_ports

ROOT_DIR = Path(__file__).resolve().parent.parent
REPORTS_DIR = ROOT_DIR / "loadtest" / "reports"
START_TIMEOUT_S = 90.0
#: How long a benchmark's peer process may take to answer (LiteLLM's proxy is slow to start).
PEER_START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0

#: Settings the load tools run the stack with (each overridable from the environment).
LOAD_SETTINGS = {
    "RELAY_DEFAULT_MODEL": "echo",
    "RELAY_ECHO_INTERVAL_MS": "20",
    # Every simulated user comes from 127.0.0.1: nginx's per-address limit would
    # otherwise throttle the whole load as if it were one abusive client.
    "RELAY_CHAT_RATE_LIMIT_PER_S": "100000",
    "RELAY_CHAT_RATE_LIMIT_BURST": "100000",
}


@dataclass
class RunningStack:
    """A launcher process and where its parts listen."""

    process: subprocess.Popen[bytes]
    ports: dict[str, int]
    state_dir: Path
    log_path: Path
    settings: dict[str, str]

    @property
    def url(self) -> str:
        """nginx: the public entry."""
        return f"http://127.0.0.1:{self.ports['nginx']}"

    @property
    def app_url(self) -> str:
        """Granian, bypassing nginx."""
        return f"http://127.0.0.1:{self.ports['app']}"

    def env(self) -> dict[str, str]:
        """Variables telling a wrapped command where the stack is."""
        return {
            "LOCUST_HOST": self.url,
            "RELAY_URL": self.url,
            "RELAY_APP_URL": self.app_url,
            "RELAY_STACK_PIDS": str(self.process.pid),
            "RELAY_STACK_PORTS": ",".join(f"{k}={v}" for k, v in self.ports.items()),
        }

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the launcher wrote."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def stack_environment(
    ports: dict[str, int], state_dir: Path, settings: dict[str, str] | None = None
) -> dict[str, str]:
    """The launcher's environment: ours, the load settings, then the ports.

    With ``settings``, the stack runs with Relay's defaults plus exactly those: no
    ``LOAD_SETTINGS`` and no ``RELAY_*`` variable inherited from our environment.
    """
    env = dict(os.environ)
    if settings is None:
        for name, value in LOAD_SETTINGS.items():
            env.setdefault(name, value)
    else:
        env = {k: v for k, v in env.items() if not k.startswith("RELAY_")}
        env.update(settings)
    env.update(
        {
            "RELAY_PORT": str(ports["nginx"]),
            "RELAY_APP_PORT": str(ports["app"]),
            "RELAY_REDIS_PORT": str(ports["redis"]),
            "RELAY_WATCHER_METRICS_PORT": str(ports["watcher"]),
            "RELAY_NGINX_STATUS_PORT": str(ports["nginx_status"]),
            "RELAY_STATE_DIR": str(state_dir),
            "RELAY_PROJECTS_DIR": str(state_dir / "projects"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("REDIS_URL", None)  # always a private Redis: never load someone's real one
    return env


@contextlib.contextmanager
def running_stack(
    log_name: str = "stack", settings: dict[str, str] | None = None
) -> Iterator[RunningStack]:
    """Start the launcher on free ports, wait until nginx answers, stop it afterwards.

    ``settings``: run with Relay's defaults plus these (see :func:`stack_environment`).
    """
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    names = ("nginx", "app", "redis", "watcher", "nginx_status")
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    state_dir = Path(tempfile.mkdtemp(prefix="relay-loadtest-"))
    env = stack_environment(ports, state_dir, settings)
    log_path = REPORTS_DIR / f"{log_name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "launcher"],
            cwd=ROOT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    chosen = LOAD_SETTINGS if settings is None else settings
    recorded = {k: env[k] for k in sorted(env) if k.startswith("RELAY_") and k in chosen}
    stack = RunningStack(process, ports, state_dir, log_path, recorded)
    try:
        _wait_until_up(stack)
        yield stack
    finally:
        stop_stack(stack)
        shutil.rmtree(state_dir, ignore_errors=True)


def _wait_until_up(stack: RunningStack) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            raise RuntimeError(
                f"the launcher exited with {stack.process.returncode}:\n{stack.log_tail()}"
            )
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{stack.url}/api/health", timeout=2.0, trust_env=False)
            if response.status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the stack was not up after {START_TIMEOUT_S:g} s:\n{stack.log_tail()}")


def stop_stack(stack: RunningStack) -> None:
    """SIGTERM the launcher (it stops its parts), then SIGKILL its group if it hangs."""
    process = stack.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None) -> int:
    """Run a command against a freshly started stack; return the command's exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log-name", default="stack", help="log file name under reports/")
    parser.add_argument(
        "--upstream",
        action="store_true",
        help="also start the mock OpenAI-compatible upstream and point the stack at it",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- command and its arguments")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    with contextlib.ExitStack() as parts:
        if args.upstream:
            port = free_port()
            parts.enter_context(mock_upstream_process(port))
            os.environ["RELAY_OPENAI_BASE_URL"] = f"http://127.0.0.1:{port}/v1"
        stack = parts.enter_context(running_stack(args.log_name))
        print(f"loadtest: stack up at {stack.url} (app {stack.app_url})", flush=True)
        env = {**os.environ, **stack.env()}
        child = subprocess.Popen(command, cwd=ROOT_DIR, env=env)
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            return child.wait()


def _wait_http(url: str, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + PEER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}; see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2.0, trust_env=False).status_code < 500:
                return
        time.sleep(0.3)
    raise RuntimeError(
        f"{what} did not answer at {url} within {PEER_START_TIMEOUT_S:g} s; see {log}"
    )


@contextlib.contextmanager
def logged_process(
    command: list[str], name: str, ready_url: str | None, **kwargs: Any
) -> Iterator[int]:
    """A benchmark's peer process (its pid), logging to ``reports/peers-<name>.log``.

    Ready once ``ready_url`` answers (if given); stopped with its process group.
    """
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    log = REPORTS_DIR / f"peers-{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, process_group=0, **kwargs
        )
    try:
        if ready_url:
            _wait_http(ready_url, process, name, log)
        yield process.pid
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


@contextlib.contextmanager
def mock_upstream_process(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``loadtest.mock_upstream`` on ``port``, ready when it accepts connections."""
    command = [sys.executable, "-m", "loadtest.mock_upstream", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT_DIR, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the mock upstream did not start")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    sys.exit(main())
