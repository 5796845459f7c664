"""The claude backend running the REAL Claude Code CLI against a local fake Anthropic API.

The CLI is the pinned npm package (``tests/claude_cli``, installed by scripts/setup.sh);
its only settings are HOME (a fresh folder), ANTHROPIC_BASE_URL and an API key. The
fake API (``tests/fakes/fake_anthropic.py``) streams the Messages API's real event
sequence; markers in the prompt make it use a tool, fail, or break off mid-stream.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from relay.settings import Settings
from tests.backends.support import wait_until
from tests.support.claude_cli import FakeAnthropic, cli_environment, require_cli
from tests.support.processes import WatcherProcess
from tests.support.sse import read_stream
from tests.support.stack import Stack
from watcher.backends.base import Activity, BackendError, BackendRequest, Output, Reset, TextDelta
from watcher.backends.claude import LOST_SESSION_ACTIVITY, SESSION_FILE, ClaudeBackend


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeAnthropic]:
    server = FakeAnthropic(tmp_path_factory.mktemp("fake-anthropic") / "requests.jsonl")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CLI's HOME for the module: its sessions live there between runs."""
    return tmp_path_factory.mktemp("claude-home")


@pytest.fixture
def cli_settings(
    api: FakeAnthropic, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Default settings, but the real CLI, a tmp projects folder and a clean environment."""
    for name in list(os.environ):
        if name.startswith(("ANTHROPIC_", "CLAUDE")):
            monkeypatch.delenv(name)
    for name, value in cli_environment(home, api).items():
        monkeypatch.setenv(name, value)
    return dataclasses.replace(
        Settings(), claude_command=str(require_cli()), projects_dir=tmp_path / "projects"
    )


def request(prompt: str, project: str = "demo") -> BackendRequest:
    return BackendRequest(job_id="job", prompt=prompt, project=project, model="claude")


async def collect(backend: ClaudeBackend, prompt: str, project: str = "demo") -> list[Output]:
    return [output async for output in backend.stream(request(prompt, project))]


def text_of(outputs: list[Output]) -> str:
    """The answer as a client shows it: text, dropped at each reset."""
    shown = ""
    for output in outputs:
        shown = "" if isinstance(output, Reset) else shown
        shown += output.text if isinstance(output, TextDelta) else ""
    return shown


def activities(outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Activity)]


def processes_with_home(home: Path) -> list[psutil.Process]:
    """Every live process whose environment has this HOME: the CLI and all it started."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("HOME") == str(home) and process.status() != "zombie":
                found.append(process)
        except psutil.Error:
            continue
    return found


async def test_tokens_stream_as_separate_deltas(cli_settings: Settings, api: FakeAnthropic) -> None:
    outputs = await collect(ClaudeBackend(cli_settings), "hello there")
    deltas = [o.text for o in outputs if isinstance(o, TextDelta)]
    # One text_delta of the API, one delta here: "Answer 7 from the fake Anthropic API."
    assert deltas[0] == "Answer " and deltas[2:] == ["from ", "the ", "fake ", "Anthropic ", "API."]
    assert api.turns()[-1]["prompt"] == "hello there"


async def test_tool_use_is_activity_and_the_next_message_resumes(
    cli_settings: Settings, api: FakeAnthropic
) -> None:
    backend = ClaudeBackend(cli_settings)
    outputs = await collect(backend, "look [tool:echo hi]")
    assert activities(outputs) == ["Running Bash", "Running Bash: echo hi"]
    assert text_of(outputs) == "Let me run that.\n\nThe command ran. Done."
    session = (cli_settings.projects_dir / "demo" / SESSION_FILE).read_text()

    outputs = await collect(backend, "and now?")
    assert text_of(outputs).startswith("Answer ")
    # Resumed: the API saw the whole conversation (prompt, tool call, result, answer).
    assert api.turns()[-1]["messages"] > 1
    assert (cli_settings.projects_dir / "demo" / SESSION_FILE).read_text() == session


async def test_a_lost_session_recovers_in_a_fresh_one(cli_settings: Settings) -> None:
    store = cli_settings.projects_dir / "demo" / SESSION_FILE
    store.parent.mkdir(parents=True)
    store.write_text("00000000-0000-4000-8000-000000000000")
    outputs = await collect(ClaudeBackend(cli_settings), "hello")
    assert activities(outputs) == [LOST_SESSION_ACTIVITY]
    assert text_of(outputs).startswith("Answer ")
    assert store.read_text() not in {"", "00000000-0000-4000-8000-000000000000"}


async def test_an_overload_mid_stream_ends_with_the_clean_second_answer_only(
    cli_settings: Settings, api: FakeAnthropic
) -> None:
    outputs = await collect(ClaudeBackend(cli_settings), "say it [overload]")
    assert outputs.count(Reset()) == 1
    before = "".join(o.text for o in outputs[: outputs.index(Reset())] if isinstance(o, TextDelta))
    assert before.startswith("Answer ")  # the broken stream's partial text was shown...
    answer = text_of(outputs)  # ...and then replaced, never appended to
    assert answer.startswith("Answer ") and answer.endswith(" from the fake Anthropic API.")
    assert answer.count("Answer") == 1
    attempts = [r["stream"] for r in api.turns() if r["prompt"] == "say it [overload]"]
    assert attempts == [True, False]  # the CLI asked again without streaming


async def test_a_message_of_256_kib_goes_through(cli_settings: Settings) -> None:
    prompt = "[size] " + "x" * (cli_settings.max_message_bytes - 7)
    outputs = await collect(ClaudeBackend(cli_settings), prompt)
    assert text_of(outputs) == f"Your message had {cli_settings.max_message_bytes} bytes."


async def test_user_text_is_not_run_as_a_slash_command(
    cli_settings: Settings, api: FakeAnthropic
) -> None:
    outputs = await collect(ClaudeBackend(cli_settings), "/clear")
    assert text_of(outputs).startswith("Answer ")  # the model answered it
    assert api.turns()[-1]["prompt"] == " /clear"


async def test_api_errors_show_retries_and_end_with_the_error_message(
    cli_settings: Settings,
) -> None:
    backend = ClaudeBackend(dataclasses.replace(cli_settings, claude_max_retries=1))
    outputs: list[Output] = []
    with pytest.raises(BackendError, match="Invalid API key"):
        async for output in backend.stream(request("hello [error-401]")):
            outputs.append(output)
    assert activities(outputs) == ["API error 401 authentication failed, retry 1 of 1 in 1 s"]
    assert text_of(outputs) == ""


async def test_permissions_as_root(cli_settings: Settings) -> None:
    """Default mode: a write is denied (and shown); acceptEdits allows it; bypass is refused."""
    if os.geteuid() != 0:
        pytest.fail("these checks are of the CLI's behaviour as root, which CI runs as")
    made = cli_settings.projects_dir / "demo" / "made.txt"
    outputs = await collect(ClaudeBackend(cli_settings), "make [tool:touch made.txt]")
    assert "Not permitted: Bash: touch made.txt" in activities(outputs)
    assert not made.exists()

    accepting = dataclasses.replace(cli_settings, claude_permission_mode="acceptEdits")
    outputs = await collect(ClaudeBackend(accepting), "make [tool:touch made.txt]")
    assert not [a for a in activities(outputs) if "permitted" in a or "failed" in a]
    assert made.exists()

    bypassing = dataclasses.replace(cli_settings, claude_permission_mode="bypassPermissions")
    with pytest.raises(BackendError, match="cannot be used with root"):
        await collect(ClaudeBackend(bypassing), "hello")


async def test_cancel_during_a_running_tool_leaves_no_process(
    cli_settings: Settings, home: Path
) -> None:
    running = asyncio.Event()

    async def consume() -> None:
        async for output in ClaudeBackend(cli_settings).stream(request("wait [tool:sleep 297]")):
            if output == Activity("Running Bash: sleep 297"):
                running.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(running.wait(), 30)

    def sleeping() -> list[psutil.Process]:
        return [p for p in processes_with_home(home) if p.cmdline()[:2] == ["sleep", "297"]]

    assert wait_until(lambda: bool(sleeping()), 10), "the Bash tool never started sleep"
    (sleep,) = sleeping()
    cli = next(p for p in processes_with_home(home) if p.cmdline()[0] == str(require_cli()))
    assert os.getsid(sleep.pid) != os.getsid(cli.pid)  # the tool left the CLI's session
    cli.send_signal(signal.SIGSTOP)  # frozen: it cannot pass anything on
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert wait_until(lambda: processes_with_home(home) == [])


async def test_through_the_whole_stack_with_default_settings(
    stack: Stack,
    watcher: Callable[..., WatcherProcess],
    api: FakeAnthropic,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Browser path (nginx, SSE) to the real CLI; a repeated prompt runs again (no cache)."""
    for name in list(os.environ):
        if name.startswith(("ANTHROPIC_", "CLAUDE")):
            monkeypatch.delenv(name)
    for name, value in cli_environment(tmp_path / "home", api).items():
        monkeypatch.setenv(name, value)  # the watcher's environment, hence the CLI's
    stack.watcher.stop()  # `stack` restarts it for the next test
    watcher(claude_command=str(require_cli()), projects_dir=tmp_path / "projects")
    project = "real-" + secrets.token_hex(4)
    prompt = "look around [tool:echo hi]"
    results = []
    async with httpx.AsyncClient(base_url=stack.url, timeout=60) as client:
        for _ in range(2):
            response = await client.post(
                "/api/chat/start",
                json={"message": prompt, "project": project, "model": "claude"},
            )
            assert response.status_code == 202, response.text
            results.append(await read_stream(client, response.json()["stream_url"]))
    for result in results:
        activity = [e.data["text"] for e in result.events if e.type == "activity"]
        assert activity == ["Running Bash", "Running Bash: echo hi"]
        assert result.chunks[0] == "Let "  # token by token, as the API streamed them
        done = result.events[-1]
        assert done.type == "done" and done.data["cached"] is False
        assert done.data["result"] == "Let me run that.\n\nThe command ran. Done."
    runs = [r for r in api.turns() if r["prompt"] == prompt and not r["after_tool"]]
    assert len(runs) == 2  # the second message ran the agent again, in the same session
    assert runs[1]["messages"] > runs[0]["messages"]
