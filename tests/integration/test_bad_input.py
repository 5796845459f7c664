"""Bad input gets a clear error with the right status, and nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from relay import keys
from tests.support.stack import Stack

BIG = "x" * (256 * 1024 + 1)


def queued_entries(redis: Any) -> set[bytes]:
    """The ids of the entries in every shard of the jobs queue."""
    return {entry_id for stream in keys.jobs_streams() for entry_id, _ in redis.xrange(stream)}


def job_hashes(redis: Any) -> set[bytes]:
    """Every job's hash (what a submit writes first)."""
    return set(redis.scan_iter(match=keys.job("*"), count=1000))


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_json"),
        (b"", 400, "invalid_json"),
        (b'{"project": "p"}', 400, "invalid_message"),
        (b'{"message": "   "}', 400, "invalid_message"),
        (b'{"message": 42}', 400, "invalid_message"),
        (b'{"message": "hi", "project": "../../etc"}', 400, "invalid_project"),
        (b'{"message": "hi", "project": "' + b"p" * 65 + b'"}', 400, "invalid_project"),
        (b'{"message": "hi", "model": "no-such-model"}', 400, "unknown_model"),
        (b'{"message": "hi", "cache": "yes"}', 400, "invalid_cache"),
        (b'{"message": "' + BIG.encode() + b'"}', 400, "message_too_large"),
    ],
)
def test_rejected_chat_start_writes_nothing(
    stack: Stack, body: bytes, status: int, code: str
) -> None:
    # By name, not by count: a job an earlier test left may end (and leave the queue)
    # meanwhile, and its end writes keys of its own.
    with stack.redis.client() as redis:
        entries_before, jobs_before = queued_entries(redis), job_hashes(redis)
    response = httpx.post(
        f"{stack.url}/api/chat/start",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    with stack.redis.client() as redis:
        assert queued_entries(redis) <= entries_before, "nothing was enqueued"
        assert job_hashes(redis) <= jobs_before, "no job was stored"
    fallback = stack.settings.fallback_dir / "queue"
    assert not fallback.exists() or not any(fallback.iterdir())


def test_unknown_model_error_lists_the_configured_ones(stack: Stack) -> None:
    response = httpx.post(f"{stack.url}/api/chat/start", json={"message": "a", "model": "nope"})
    assert "echo" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/chat/status/AAAAAAAAAAAAAAAAAAAAAAAA", 404),
        ("GET", "/api/sse/status/AAAAAAAAAAAAAAAAAAAAAAAA", 404),
        ("GET", "/api/chat/status/short", 400),
        ("GET", "/api/chat/status/" + "a" * 65, 400),
        ("GET", "/api/sse/status/bad.id.with.dots.x", 400),
        ("GET", "/api/active/bad%20name", 400),
        ("GET", "/api/history/" + "p" * 65, 400),
        ("DELETE", "/api/chat/start", 405),
        ("GET", "/api/chat/start", 405),
        ("PUT", "/api/chat/cancel", 405),
    ],
)
def test_bad_paths_and_methods(stack: Stack, method: str, path: str, status: int) -> None:
    response = httpx.request(method, f"{stack.url}{path}", timeout=10)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/chat/cancel", {"job_id": "AAAAAAAAAAAAAAAAAAAAAAAA"}, 404),
        ("/api/chat/cancel", {"job_id": "../x"}, 400),
        ("/api/chat/cancel", {}, 400),
        ("/api/chat/answers", {"job_id": "AAAAAAAAAAAAAAAAAAAAAAAA", "answers": []}, 404),
        ("/api/chat/answers", {"job_id": "AAAAAAAAAAAAAAAAAAAAAAAA", "answers": "x"}, 400),
        ("/api/chat/status", {"job_id": 7}, 400),
        ("/api/history/clear", {"project": ""}, 400),
        ("/api/history/delete", {"project": "p", "index": "0"}, 400),
        ("/api/history/delete", {"project": "p", "index": 0}, 400),
        ("/api/history/delete", {"project": "p", "id": 5}, 400),
        ("/api/history/delete", {"project": "p", "id": "nothing-here"}, 404),
        ("/api/projects/rename", {"project": "p", "title": "x" * 121}, 400),
        ("/api/projects/delete", {"project": "../p"}, 400),
        ("/api/chat/start", {"message": "hi", "replaces": 7}, 400),
    ],
)
def test_bad_bodies(stack: Stack, path: str, body: dict, status: int) -> None:
    response = httpx.post(f"{stack.url}{path}", json=body, timeout=10)
    assert response.status_code == status, response.text


def test_answers_to_a_job_not_waiting_is_a_conflict(stack: Stack) -> None:
    job = httpx.post(f"{stack.url}/api/chat/start", json={"message": "hi", "cache": False}).json()
    httpx.get(f"{stack.url}{job['stream_url']}", timeout=10)  # reads to the end
    response = httpx.post(
        f"{stack.url}/api/chat/answers", json={"job_id": job["job_id"], "answers": ["x"]}
    )
    assert response.status_code == 409


def test_bad_last_event_id(stack: Stack) -> None:
    job = httpx.post(f"{stack.url}/api/chat/start", json={"message": "hi"}).json()
    response = httpx.get(
        f"{stack.url}{job['stream_url']}", headers={"Last-Event-ID": "abc"}, timeout=10
    )
    assert response.status_code == 400
