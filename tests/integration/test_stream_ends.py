"""Every SSE stream ends: when its client goes, and at once for a finished job.

Real Redis, Granian, watcher and nginx. Granian's ``send()`` does nothing once a
client has gone, so a stream that only writes would run until its job ends; these
tests leave jobs that never end by themselves (waiting for answers, or slow) and
check that the app lets go of the streams of clients that left.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.processes import AppServer, free_port, running
from tests.support.sse import read_stream
from tests.support.stack import Stack

#: A job that asks a question and then waits for the answer: its stream stays open.
ASKING = "wait for me [[ASK]]\nready?\n[[/ASK]]"
_SSE_GAUGE = re.compile(r"^relay_sse_connections(?:\{[^}]*\})? ([0-9.e+-]+)$", re.M)


async def open_streams(app_url: str) -> tuple[int, float]:
    """(hub subscriptions, ``relay_sse_connections``) as the app reports them now."""
    async with httpx.AsyncClient(base_url=app_url, timeout=5) as client:
        health = (await client.get("/api/health")).json()
        metrics = (await client.get("/metrics")).text
    gauge = sum(float(value) for value in _SSE_GAUGE.findall(metrics))
    return health["process"]["sse_streams"], gauge


async def streams_become(app_url: str, expected: tuple[int, float], timeout_s: float) -> None:
    """Wait (without blocking the loop) until the app reports ``expected`` open streams."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        now = await open_streams(app_url)
        if now == expected:
            return
        assert asyncio.get_running_loop().time() < deadline, f"{now} open, not {expected}"
        await asyncio.sleep(0.05)  # polling what the app reports, as a dashboard would


async def start_chat(client: httpx.AsyncClient, message: str) -> dict[str, str]:
    response = await client.post("/api/chat/start", json={"message": message, "cache": False})
    assert response.status_code == 202, response.text
    job: dict[str, str] = response.json()
    return job


@pytest.fixture
def quick_app(stack: Stack, logs_dir: Path) -> Iterator[AppServer]:
    """A second app process with a 1 s heartbeat, on the session's Redis and watcher."""
    settings = dataclasses.replace(stack.settings, app_port=free_port(), sse_heartbeat_s=1.0)
    with running(AppServer(settings, logs_dir)) as app:
        yield app


async def test_stream_ends_when_its_client_goes_even_while_the_job_waits(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:  # through nginx
        job = await start_chat(client, ASKING)
        asked = await read_stream(client, job["stream_url"], until=lambda e: e.type == "questions")
        assert asked.events[-1].type == "questions"
        # read_stream returned: the client hung up. The job goes on waiting for answers.
        # Within one heartbeat period: the app lets go of the stream of a client that left.
        await streams_become(stack.app.url, (0, 0), stack.settings.sse_heartbeat_s)
        status = (await client.get(job["status_url"])).json()
        assert status["status"] == "waiting_for_answers", "a client leaving never cancels"
        await client.post("/api/chat/cancel", json={"job_id": job["job_id"]})


@pytest.mark.parametrize("beyond", [0, 5])
async def test_reconnecting_to_a_finished_job_with_every_event_gets_nothing_and_ends(
    stack: Stack, beyond: int
) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = await start_chat(client, "finish quickly please")
        whole = await read_stream(client, job["stream_url"])
        assert whole.ended
        last = whole.events[-1].id
        # Well below the heartbeat: a stream waiting for events that never come fails it.
        again = await read_stream(
            client, job["stream_url"], last_event_id=last + beyond, timeout_s=5.0
        )
    assert again.status_code == 200
    assert again.events == [] and again.comments == [], "nothing after the last event"


async def test_two_hundred_clients_vanishing_mid_answer_leave_no_stream_and_no_log(
    stack: Stack, quick_app: AppServer
) -> None:
    """Clients that connect and drop mid-answer: back to the live count in 2 heartbeats."""
    clients = 200
    heartbeat_s = quick_app.settings.sse_heartbeat_s
    async with httpx.AsyncClient(base_url=quick_app.url) as client:
        job = await start_chat(client, ASKING)  # an answer that waits: streams stay open
        live = asyncio.create_task(read_stream(client, job["stream_url"], timeout_s=60))
        await streams_become(quick_app.url, (1, 1), 10)  # the live stream is open
        log_size = quick_app.log_path.stat().st_size
        path = job["stream_url"].encode()
        request = b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n" % path

        async def connect_read_vanish() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", quick_app.settings.app_port)
            writer.write(request)
            head = await reader.readuntil(b"event: questions")  # mid-answer
            writer.transport.abort()  # gone, without a goodbye
            return head

        heads = await asyncio.gather(*(connect_read_vanish() for _ in range(clients)))
        assert all(head.startswith(b"HTTP/1.1 200") for head in heads)
        # Within 2 heartbeat periods, only the one live stream is left.
        await streams_become(quick_app.url, (1, 1), 2 * heartbeat_s)
        await asyncio.sleep(2 * heartbeat_s)  # pings are due meanwhile: none may be logged
        assert not live.done(), "the live client's stream goes on"
        await client.post("/api/chat/cancel", json={"job_id": job["job_id"]})
        ended = await live
    assert ended.events[-1].data.get("status") == "cancelled"
    logged = quick_app.log_path.read_bytes()[log_size:].decode(errors="replace")
    assert logged.count("\n") < 10, f"the app logged per dropped client or event:\n{logged}"
