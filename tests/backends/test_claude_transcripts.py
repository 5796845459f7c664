"""The claude backend on what the real CLI prints: transcripts replayed by the fake CLI.

Each transcript in ``tests/fakes/transcripts`` was recorded from the real Claude Code
CLI (``tests/fakes/record_claude.py``); ``[replay:NAME]`` makes the fake print it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal

import pytest

from relay.settings import Settings
from tests.support.claude_cli import TRANSCRIPTS
from watcher.backends.base import Activity, BackendError, Output, Reset, TextDelta
from watcher.backends.claude import LOST_SESSION_ACTIVITY, SESSION_FILE, ClaudeBackend
from watcher.backends.streamjson import StreamJsonParser

from .support import is_running, wait_until
from .test_claude import collect, pids, request, sessions, text_of


def recorded(name: str) -> list[bytes]:
    return (TRANSCRIPTS / f"{name}.stdout").read_bytes().splitlines()


def recorded_result(name: str) -> dict[str, object]:
    lines = [json.loads(line) for line in recorded(name) if line.startswith(b"{")]
    return next(line for line in lines if line["type"] == "result")


def activities(outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Activity)]


def as_shown(outputs: list[Output]) -> str:
    """The answer a client ends up showing: text, dropped at each reset."""
    shown = ""
    for output in outputs:
        if isinstance(output, Reset):
            shown = ""
        elif isinstance(output, TextDelta):
            shown += output.text
    return shown


async def test_tool_use_is_shown_when_the_block_starts_then_with_its_input(
    settings: Settings,
) -> None:
    outputs = await collect(ClaudeBackend(settings), request("[replay:tool]"))
    assert activities(outputs) == ["Running Bash", "Running Bash: echo hi"]
    first = outputs.index(Activity("Running Bash"))
    # Shown as soon as the tool_use block starts, before its input_json_delta pieces.
    assert text_of(outputs[:first]) == "Let me run that."
    assert text_of(outputs) == "Let me run that.\n\nThe command ran. Done."


async def test_permission_denial_is_an_activity(settings: Settings) -> None:
    outputs = await collect(ClaudeBackend(settings), request("[replay:denied]"))
    shown = activities(outputs)
    assert shown[:2] == ["Running Bash", "Running Bash: touch made.txt"]
    assert shown[2].startswith("Bash failed: touch in ")
    assert "was blocked" in shown[2]
    assert shown[3] == "Not permitted: Bash: touch made.txt"
    assert text_of(outputs).endswith("The command ran. Done.")


async def test_a_restarted_answer_replaces_the_partial_text(settings: Settings) -> None:
    outputs = await collect(ClaudeBackend(settings), request("[replay:overload]"))
    reset = outputs.index(Reset())
    partial = text_of(outputs[:reset])
    assert partial and partial != recorded_result("overload")["result"]
    assert as_shown(outputs) == recorded_result("overload")["result"]
    assert outputs.count(Reset()) == 1


def test_a_restart_after_a_tool_keeps_the_text_before_it() -> None:
    parser = StreamJsonParser()
    lines = recorded("tool")
    tool_result = next(i for i, line in enumerate(lines) if b'"tool_result"' in line)
    overload = recorded("overload")
    broken = [line for line in overload if b'"stream_event"' in line]
    retried = next(line for line in overload if b'"type":"assistant"' in line)
    outputs = [
        o for line in lines[: tool_result + 1] + broken + [retried] for o in parser.feed(line)
    ]
    after = outputs[outputs.index(Reset()) + 1 :]
    assert isinstance(after[0], TextDelta) and after[0].text == "Let me run that."
    assert as_shown(outputs) == "Let me run that.\n\n" + str(recorded_result("overload")["result"])


async def test_api_retries_become_activity_lines(settings: Settings) -> None:
    outputs = await collect(ClaudeBackend(settings), request("[replay:busy]"))
    assert activities(outputs) == [
        "API overloaded, retry 1 of 3 in 1 s",
        "API overloaded, retry 2 of 3 in 1 s",
    ]
    assert text_of(outputs) == recorded_result("busy")["result"]


async def test_a_synthetic_error_message_is_the_error_never_answer_text(
    settings: Settings,
) -> None:
    backend = ClaudeBackend(settings)
    outputs: list[Output] = []
    with pytest.raises(BackendError) as failure:
        async for output in backend.stream(request("[replay:auth_error]")):
            outputs.append(output)
    assert str(failure.value) == (
        "the Claude CLI reported an error: Invalid API key · Fix external API key"
    )
    assert text_of(outputs) == ""
    assert activities(outputs) == [
        "API error 401 authentication failed, retry 1 of 2 in 1 s",
        "API error 401 authentication failed, retry 2 of 2 in 1 s",
    ]


async def test_a_lost_session_starts_a_fresh_one_and_still_answers(settings: Settings) -> None:
    backend = ClaudeBackend(settings)
    store = settings.projects_dir / "demo" / SESSION_FILE
    store.parent.mkdir(parents=True)
    store.write_text("00000000-0000-4000-8000-000000000000")
    outputs = await collect(backend, request("hello"))
    assert activities(outputs) == [LOST_SESSION_ACTIVITY]
    assert text_of(outputs).endswith("You wrote: hello")
    (fresh,) = sessions(settings)  # the failed resume recorded no session
    assert fresh["mode"] == "new"
    assert store.read_text() == fresh["session_id"]
    await collect(backend, request("and again"))
    assert sessions(settings)[1] == {
        "mode": "resume",
        "session_id": fresh["session_id"],
        "prompt": "and again",
    }


async def test_escape_sequences_never_reach_an_error_message(settings: Settings) -> None:
    with pytest.raises(BackendError) as failure:
        await collect(ClaudeBackend(settings), request("[killed]"))
    message = str(failure.value)
    assert "exited with status 143" in message
    assert "\x1b" not in message and "[?1006l" not in message


async def test_a_prompt_of_the_largest_accepted_size_goes_through(settings: Settings) -> None:
    prompt = "x" * (settings.max_message_bytes - 9) + " [tail] ."
    assert len(prompt.encode()) == settings.max_message_bytes
    await collect(ClaudeBackend(settings), request(prompt))
    assert sessions(settings)[0]["prompt"] == prompt


async def test_user_text_is_never_a_slash_command(settings: Settings) -> None:
    answer = text_of(await collect(ClaudeBackend(settings), request("/clear")))
    assert answer.endswith("You wrote: /clear")
    # A leading space is what keeps the real CLI from running /clear (tests/integration).
    assert sessions(settings)[0]["prompt"] == " /clear"


async def test_the_answer_ends_at_the_result_line_not_at_the_cli_exit(
    settings: Settings,
) -> None:
    backend = ClaudeBackend(settings)
    text = text_of(await collect(backend, request("[linger]")))
    assert text.endswith("You wrote: [linger]")
    started = pids(settings)
    # The stream ended while the CLI (and its background child) still ran...
    assert is_running(started["cli"])
    # ...and they are stopped in the background: nothing is left once the backend closes.
    await backend.aclose()
    assert not is_running(started["cli"])
    assert wait_until(lambda: not is_running(started["child"]))


async def test_cancel_reaches_a_tool_in_its_own_session_with_the_cli_frozen(
    settings: Settings,
) -> None:
    streaming = asyncio.Event()

    async def consume() -> None:
        count = 0
        async for _output in ClaudeBackend(settings).stream(request("[long]")):
            count += 1
            if count == 2:
                streaming.set()

    task = asyncio.create_task(consume())
    await streaming.wait()
    started = pids(settings)
    assert os.getsid(started["child"]) != os.getsid(started["cli"])
    os.kill(started["cli"], signal.SIGSTOP)  # a CLI that cannot react to anything
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not is_running(started["cli"])
    assert wait_until(lambda: not is_running(started["child"]))
