"""The Claude CLI backend against the fake CLI: streaming, sessions, questions, stopping."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from relay.settings import Settings
from watcher.backends.ask import AskBlockFilter
from watcher.backends.base import (
    Activity,
    BackendError,
    BackendRequest,
    Output,
    Questions,
    TextDelta,
)
from watcher.backends.claude import SESSION_FILE, ClaudeBackend

from .support import is_running, live_group_members, wait_until


def request(prompt: str, project: str = "demo", **fields: object) -> BackendRequest:
    return BackendRequest(job_id="job", prompt=prompt, project=project, model="claude", **fields)


async def collect(backend: ClaudeBackend, req: BackendRequest) -> list[Output]:
    return [output async for output in backend.stream(req)]


async def aenumerate(stream: AsyncIterator[Output]) -> AsyncIterator[tuple[int, Output]]:
    index = 0
    async for output in stream:
        yield index, output
        index += 1


def text_of(outputs: list[Output]) -> str:
    return "".join(o.text for o in outputs if isinstance(o, TextDelta))


def sessions(settings: Settings, project: str = "demo") -> list[dict[str, str]]:
    path = settings.projects_dir / project / "fake_claude_sessions.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def pids(settings: Settings, project: str = "demo") -> dict[str, int]:
    return json.loads((settings.projects_dir / project / "fake_claude_pids.json").read_text())


async def test_token_deltas_arrive_separately_in_order_as_produced(settings: Settings) -> None:
    arrivals: list[tuple[float, TextDelta]] = []
    async for output in ClaudeBackend(settings).stream(request("hello there")):
        assert isinstance(output, TextDelta)
        arrivals.append((time.monotonic(), output))
    texts = [delta.text for _, delta in arrivals]
    assert texts == [
        "Hello ",
        "from ",
        "the ",
        "fake ",
        "CLI. ",
        "You ",
        "wrote: ",
        "hello ",
        "there",
    ]
    # Streamed as the CLI produced them (15 ms apart), not all at once at the end.
    assert arrivals[-1][0] - arrivals[0][0] > 0.05


async def test_tool_use_becomes_an_activity_between_the_texts(settings: Settings) -> None:
    outputs = await collect(ClaudeBackend(settings), request("look around [tool]"))
    activity = outputs.index(Activity("Running Bash: ls -la"))
    assert text_of(outputs[:activity]) == "Let me look at the files."
    after = text_of(outputs[activity:])
    assert after.startswith("\n\nHello from the fake CLI.")


async def test_second_message_in_a_project_resumes_the_same_session(settings: Settings) -> None:
    backend = ClaudeBackend(settings)
    await collect(backend, request("first"))
    await collect(backend, request("second"))
    await collect(backend, request("elsewhere", project="other"))
    first, second = sessions(settings)
    assert (first["mode"], second["mode"]) == ("new", "resume")
    assert first["session_id"] == second["session_id"]
    stored = (settings.projects_dir / "demo" / SESSION_FILE).read_text()
    assert stored == first["session_id"]
    assert sessions(settings, "other")[0]["session_id"] != first["session_id"]


async def test_ask_block_gives_questions_and_answers_resume_the_session(
    settings: Settings,
) -> None:
    backend = ClaudeBackend(settings)
    ask = AskBlockFilter()
    outputs: list[Output] = []
    async for output in backend.stream(request("paint it [ask]")):
        outputs.extend(ask.feed(output.text) if isinstance(output, TextDelta) else [output])
    outputs.extend(ask.flush())
    questions = [o for o in outputs if isinstance(o, Questions)]
    assert questions == [Questions(("Which colour should it be?", "How many items?"))]
    assert "[[ASK]]" not in text_of(outputs)

    follow_up = request(
        "paint it [ask]", questions=questions[0].questions, answers=("blue", "three")
    )
    answer = text_of(await collect(backend, follow_up))
    assert answer == "Thanks for the answers. All done now."
    first, second = sessions(settings)
    assert second["mode"] == "resume" and second["session_id"] == first["session_id"]
    assert "Q: Which colour should it be?\nA: blue" in second["prompt"]


async def test_cancel_kills_the_whole_process_tree(settings: Settings) -> None:
    streaming = asyncio.Event()

    async def consume() -> None:
        async for index, _output in aenumerate(ClaudeBackend(settings).stream(request("[long]"))):
            if index == 2:
                streaming.set()

    task = asyncio.create_task(consume())
    await streaming.wait()
    started = pids(settings)
    assert is_running(started["cli"]) and is_running(started["child"])
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The child ignores SIGINT in a session of its own: only the tree kill reaches it.
    assert not is_running(started["cli"])
    assert wait_until(lambda: not is_running(started["child"]))
    assert live_group_members(started["cli"]) == []


async def test_closing_the_stream_early_also_stops_the_cli(settings: Settings) -> None:
    stream = ClaudeBackend(settings).stream(request("[long]"))
    await anext(stream)
    await stream.aclose()
    started = pids(settings)
    assert wait_until(lambda: live_group_members(started["cli"]) == [])


async def test_stderr_and_exit_status_become_a_clear_error(settings: Settings) -> None:
    with pytest.raises(BackendError) as failure:
        await collect(ClaudeBackend(settings), request("[fail]"))
    message = str(failure.value)
    assert "exited with status 3" in message
    assert "simulated failure: API unreachable" in message


async def test_error_result_becomes_an_error(settings: Settings) -> None:
    with pytest.raises(BackendError, match="refused to continue"):
        await collect(ClaudeBackend(settings), request("[error]"))


async def test_timeout_ends_with_an_error_and_stops_the_cli(settings: Settings) -> None:
    # Long enough for the fake CLI (a Python process) to start on a busy 2-core box.
    backend = ClaudeBackend(dataclasses.replace(settings, job_timeout_s=3.0))
    with pytest.raises(BackendError, match=r"did not finish within 3 s"):
        await collect(backend, request("[hang]"))
    started = pids(settings)
    assert wait_until(lambda: not is_running(started["cli"]) and not is_running(started["child"]))


async def test_prompt_is_one_argument_even_when_it_looks_like_an_option(
    settings: Settings,
) -> None:
    answer = text_of(await collect(ClaudeBackend(settings), request("--help; rm -rf $HOME")))
    assert answer.endswith("You wrote: --help; rm -rf $HOME")


async def test_missing_cli_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    backend = ClaudeBackend(
        dataclasses.replace(settings, claude_command=str(tmp_path / "no-such-claude"))
    )
    with pytest.raises(BackendError, match="cannot start the Claude CLI"):
        await collect(backend, request("hello"))


async def test_project_name_cannot_leave_the_projects_folder(settings: Settings) -> None:
    with pytest.raises(BackendError, match="invalid project"):
        await collect(ClaudeBackend(settings), request("hello", project=".."))
