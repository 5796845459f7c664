"""A quiet stream carries ': ping' comments, so no proxy idle timeout cuts it."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import httpx

from tests.support.processes import AppServer, free_port, running
from tests.support.stack import Stack


def test_quiet_stream_gets_heartbeat_comments_and_still_ends(stack: Stack, logs_dir: Path) -> None:
    quick = dataclasses.replace(stack.settings, app_port=free_port(), sse_heartbeat_s=0.2)
    with running(AppServer(quick, logs_dir)) as app, httpx.Client(base_url=app.url) as client:
        job = client.post(
            "/api/chat/start", json={"message": "wait [[ASK]]\nok?\n[[/ASK]]", "cache": False}
        ).json()
        pings, lines = 0, []
        started = time.monotonic()
        with client.stream("GET", job["stream_url"], timeout=10) as response:
            for line in response.iter_lines():
                lines.append(line)
                if line == ": ping":
                    pings += 1
                if pings == 3:
                    break
        assert time.monotonic() - started < 10
        assert "event: questions" in lines, "pings come while the job waits, not instead of events"
        client.post("/api/chat/answers", json={"job_id": job["job_id"], "answers": ["yes"]})
        with client.stream("GET", job["stream_url"], timeout=10) as response:
            body = "".join(response.iter_text())
    assert "event: done" in body
