"""The real launcher (``python -m launcher``): serves, refuses what it must, stops clean."""

from __future__ import annotations

import dataclasses
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from app.access import COOKIE_NAME
from relay.settings import Settings
from tests.support.launcher import LauncherProcess
from tests.support.processes import RedisServer, running, wait_for
from tests.support.stack import make_settings, with_redis

TOKEN = "launcher-test-token"
EXIT_REFUSED = 2
PREFIXED_LINE = re.compile(r"^[a-z][a-z ]{6} \| ")


def run_to_exit(settings: Settings, log_dir: Path, timeout_s: float = 30.0) -> tuple[int, str]:
    """Run a launcher expected to stop by itself; its exit code and output."""
    launcher = LauncherProcess(settings, log_dir, wait_until_up=False)
    launcher.start()
    try:
        code = launcher.wait(timeout_s)
    finally:
        launcher.stop()
    return code, launcher.output()


def gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture(scope="module")
def launched(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[LauncherProcess]:
    """One launcher for the module, with an API token."""
    settings = make_settings(tmp_path_factory.mktemp("launcher-state"), api_token=TOKEN)
    with running(LauncherProcess(settings, logs_dir)) as launcher:
        yield launcher


@pytest.fixture
def client(launched: LauncherProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=launched.url, timeout=5.0, trust_env=False) as http:
        yield http


def test_serves_the_chat_page_and_health_through_nginx(
    launched: LauncherProcess, client: httpx.Client
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.text == (launched.settings.state_dir / "www" / "index.html").read_text()

    health = client.get("/api/health", headers={"Authorization": f"Bearer {TOKEN}"})
    assert health.status_code == 200
    body = health.json()
    assert body["redis"] is True
    assert body["mode"] == "redis"
    assert body["status"] in ("ok", "degraded")

    assert client.get("/health").status_code == 200  # probes need no token


def test_prints_the_url_and_prefixes_every_line(launched: LauncherProcess) -> None:
    output = launched.output()
    assert f"Relay is up at http://127.0.0.1:{launched.settings.port}/" in output
    lines = [line for line in output.splitlines() if not line.startswith("--- start ")]
    assert all(PREFIXED_LINE.match(line) for line in lines), output
    names = {line.split("|", 1)[0].strip() for line in lines}
    assert {"relay", "redis", "app", "watcher"} <= names


def test_api_needs_the_token_through_nginx(client: httpx.Client) -> None:
    missing = client.get("/api/health")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    assert client.get("/api/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert (
        client.get("/api/health", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    )


def test_the_page_gets_a_cookie_once_and_then_needs_no_header(client: httpx.Client) -> None:
    session = client.post("/api/session", json={"token": TOKEN})
    assert session.status_code == 204
    assert client.cookies.get(COOKIE_NAME) == TOKEN
    assert client.get("/api/health").status_code == 200


def test_metrics_are_not_public(launched: LauncherProcess, client: httpx.Client) -> None:
    assert client.get("/metrics").status_code == 404


def test_a_second_launcher_on_the_same_ports_fails_fast(
    launched: LauncherProcess, logs_dir: Path
) -> None:
    code, output = run_to_exit(launched.settings, logs_dir)
    assert code == EXIT_REFUSED
    assert f"port {launched.settings.port} is already in use" in output
    assert "is another Relay running?" in output
    assert "Traceback" not in output
    # ... and the first one is untouched.
    health = httpx.get(f"{launched.url}/health", trust_env=False)
    assert health.status_code == 200


def test_refuses_to_listen_beyond_loopback_without_a_token(tmp_path: Path, logs_dir: Path) -> None:
    settings = make_settings(tmp_path / "state", host="0.0.0.0", api_token="")
    code, output = run_to_exit(settings, logs_dir)
    assert code == EXIT_REFUSED
    assert "RELAY_API_TOKEN" in output
    assert "refusing to listen on 0.0.0.0" in output
    assert "Traceback" not in output
    assert not (tmp_path / "state" / "redis").exists(), "nothing should have started"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_signal_leaves_no_process_running(
    sig: signal.Signals, tmp_path: Path, logs_dir: Path
) -> None:
    launcher = LauncherProcess(make_settings(tmp_path / "state"), logs_dir)
    launcher.start()
    try:
        children = launcher.stack_processes()
        names = " ".join(" ".join(p.cmdline()) for p in children)
        for part in ("redis-server", "nginx", "granian", "watcher"):
            assert part in names, f"{part} not among the launcher's processes: {names}"

        launcher.kill(sig)
        assert launcher.wait(30.0) == 0, launcher.log_tail()
        wait_for(lambda: all(gone(p) for p in children), 10.0, "every stack process gone")
    finally:
        launcher.stop()
    assert "relay   | stopped" in launcher.output()


def test_a_killed_launcher_takes_its_processes_with_it(tmp_path: Path, logs_dir: Path) -> None:
    launcher = LauncherProcess(make_settings(tmp_path / "state"), logs_dir)
    launcher.start()
    try:
        children = launcher.stack_processes()
        launcher.kill(signal.SIGKILL)  # no chance to clean up: the children must notice
        launcher.wait(10.0)
        wait_for(lambda: all(gone(p) for p in children), 20.0, "every stack process gone")
    finally:
        launcher.stop()


def test_uses_the_redis_named_by_redis_url_instead_of_its_own(
    tmp_path: Path, logs_dir: Path, redis_server: RedisServer
) -> None:
    settings = with_redis(make_settings(tmp_path / "state"), redis_server)
    launcher = LauncherProcess(settings, logs_dir)
    launcher.start()
    try:
        names = " ".join(" ".join(p.cmdline()) for p in launcher.stack_processes())
        health = httpx.get(f"{launcher.url}/api/health", trust_env=False).json()
    finally:
        launcher.stop()
    assert "redis-server" not in names
    assert health["redis"] is True
    assert not (tmp_path / "state" / "redis").exists()


def test_answers_with_the_embedded_local_model_by_default(tmp_path: Path, logs_dir: Path) -> None:
    """``make run`` with no model configured: a chat is answered by SmolLM2, streamed."""
    settings = dataclasses.replace(
        make_settings(tmp_path / "state"),
        default_model=Settings().default_model,
        local_max_tokens=24,
    )
    assert settings.default_model == "local"
    launcher = LauncherProcess(settings, logs_dir)
    launcher.start()
    try:
        with httpx.Client(base_url=launcher.url, timeout=60.0, trust_env=False) as http:
            assert http.get("/api/models").json()["default"] == "local"
            job = http.post("/api/chat/start", json={"message": "Say hello."}).json()
            with http.stream("GET", job["stream_url"]) as response:
                body = "".join(response.iter_text())
            snapshot = http.get(job["status_url"]).json()
    finally:
        launcher.stop()
    assert body.count("event: chunk") >= 2, "the answer is streamed token by token"
    assert snapshot["model"] == "local"
    assert snapshot["status"] == "complete"
    assert snapshot["result"].strip()
