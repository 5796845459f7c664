"""The Claude CLI backend through the whole pipeline: browser-side SSE to the fake CLI.

A watcher whose ``claude`` command is ``tests/fakes/fake_claude.py`` replaces the
session watcher; jobs go in through nginx like a browser's.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.backends.support import FAKE_CLAUDE, is_running, live_group_members, wait_until
from tests.support.processes import WatcherProcess
from tests.support.sse import SSEResult, read_stream
from tests.support.stack import Stack


@pytest.fixture
def claude_watcher(
    stack: Stack, watcher: Callable[..., WatcherProcess], tmp_path: Path
) -> Iterator[Path]:
    """The only watcher runs the fake CLI; yields the projects folder."""
    projects = tmp_path / "projects"
    stack.watcher.stop()  # `stack` restarts it for the next test
    watcher(claude_command=str(FAKE_CLAUDE), projects_dir=projects, job_timeout_s=60.0)
    yield projects


def new_project() -> str:
    return "e2e-" + secrets.token_hex(4)


async def start_chat(client: httpx.AsyncClient, message: str, project: str) -> dict[str, Any]:
    response = await client.post(
        "/api/chat/start",
        json={"message": message, "project": project, "model": "claude", "cache": False},
    )
    assert response.status_code == 202, response.text
    return response.json()


async def read_until(client: httpx.AsyncClient, url: str, event_type: str) -> SSEResult:
    """The job's events up to the first of ``event_type`` (the job may not end: read on)."""
    result = await read_stream(client, url, stop_after=1)
    while result.events[-1].type != event_type:
        more = await read_stream(client, url, last_event_id=result.events[-1].id, stop_after=1)
        result.events.extend(more.events)
    return result


def sessions(projects: Path, project: str) -> list[dict[str, str]]:
    lines = (projects / project / "fake_claude_sessions.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


async def test_cli_token_deltas_reach_the_client_as_separate_chunks_in_order(
    stack: Stack, claude_watcher: Path
) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, "hello there", new_project())
        result = await read_stream(client, job["stream_url"])
    expected = ["Hello ", "from ", "the ", "fake ", "CLI. ", "You ", "wrote: ", "hello ", "there"]
    assert result.chunks == expected
    assert result.events[-1].type == "done"
    assert result.events[-1].data["result"] == "".join(expected)


async def test_tool_use_is_an_activity_event_and_the_next_message_resumes_the_session(
    stack: Stack, claude_watcher: Path
) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        first = await read_stream(
            client, (await start_chat(client, "look [tool]", project))["stream_url"]
        )
        second = await read_stream(
            client, (await start_chat(client, "and now?", project))["stream_url"]
        )
    types = [event.type for event in first.events]
    activity = types.index("activity")
    activities = [event.data["text"] for event in first.events if event.type == "activity"]
    assert activities == ["Running Bash", "Running Bash: ls -la"]
    assert "chunk" in types[:activity] and "chunk" in types[activity:]
    assert second.events[-1].type == "done"
    new, resumed = sessions(claude_watcher, project)
    assert (new["mode"], resumed["mode"]) == ("new", "resume")
    assert resumed["session_id"] == new["session_id"]


async def test_questions_are_answered_and_the_job_resumes_in_the_same_session(
    stack: Stack, claude_watcher: Path
) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, "paint it [ask]", project)
        before = await read_until(client, job["stream_url"], "questions")
        asked = before.events[-1].data["questions"]
        assert asked == ["Which colour should it be?", "How many items?"]
        assert "[[ASK]]" not in before.text
        response = await client.post(
            "/api/chat/answers", json={"job_id": job["job_id"], "answers": ["blue", "three"]}
        )
        assert response.status_code == 200, response.text
        after = await read_stream(client, job["stream_url"], last_event_id=before.events[-1].id)
    assert after.events[-1].type == "done"
    assert after.text == "Thanks for the answers. All done now."
    first, resumed = sessions(claude_watcher, project)
    assert resumed["mode"] == "resume" and resumed["session_id"] == first["session_id"]
    assert "Q: How many items?\nA: three" in resumed["prompt"]


async def test_cancel_during_an_answer_leaves_no_process_of_the_cli_behind(
    stack: Stack, claude_watcher: Path
) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, "[long]", project)
        streaming = await read_stream(client, job["stream_url"], stop_after=4)
        assert streaming.chunks
        pids = json.loads((claude_watcher / project / "fake_claude_pids.json").read_text())
        assert is_running(pids["cli"]) and is_running(pids["child"])
        response = await client.post("/api/chat/cancel", json={"job_id": job["job_id"]})
        assert response.status_code == 200, response.text
        rest = await read_stream(client, job["stream_url"], last_event_id=streaming.events[-1].id)
    assert rest.events[-1].data.get("status") == "cancelled"
    # The CLI's child ignores SIGINT: only the SIGKILL to the whole group ends it.
    assert wait_until(lambda: not is_running(pids["cli"]) and not is_running(pids["child"]))
    assert live_group_members(pids["cli"]) == []


async def test_a_restarted_answer_replaces_the_partial_text_for_the_client(
    stack: Stack, claude_watcher: Path
) -> None:
    """The real CLI's output after a mid-stream overload (a recorded transcript)."""
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, "[replay:overload]", project)
        result = await read_stream(client, job["stream_url"])
        snapshot = (await client.get(job["status_url"])).json()
    resets = [e for e in result.events if e.type == "status" and e.data.get("reset")]
    assert len(resets) == 1
    before = result.events[: result.events.index(resets[0])]
    assert [e for e in before if e.type == "chunk"]  # text was shown, then dropped
    after = result.events[result.events.index(resets[0]) :]
    clean = "".join(e.data["text"] for e in after if e.type == "chunk")
    assert clean.startswith("Answer ") and clean.count("Answer") == 1
    assert result.events[-1].type == "done" and result.events[-1].data["result"] == clean
    assert snapshot["result"] == clean, snapshot
