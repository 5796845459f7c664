"""Faults caused for real: Redis stopped mid-run, many clients on one app process."""

from __future__ import annotations

import asyncio

import httpx

from app.app import APP_REDIS_CONNECTIONS
from relay.cache import L2_POOL_SIZE
from tests.support.processes import wait_for
from tests.support.sse import read_stream
from tests.support.stack import Stack


async def _chat(client: httpx.AsyncClient, message: str) -> tuple[dict, str]:
    response = await client.post("/api/chat/start", json={"message": message, "cache": False})
    assert response.status_code == 202, response.text
    job = response.json()
    result = await read_stream(client, job["stream_url"], timeout_s=20)
    assert result.ended, f"stream of {job['job_id']} did not end"
    assert result.events[-1].type == "done", result.events[-1]
    return job, result.events[-1].data["result"]


async def test_redis_down_falls_back_to_files_and_returns_by_itself(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url, timeout=20) as client:
        before, answer = await _chat(client, "before the outage")
        assert answer == "before the outage"

        stack.redis.stop()
        during = []
        for i in range(3):
            job, answer = await _chat(client, f"during outage {i}")
            assert answer == f"during outage {i}"
            during.append(job)
        health = (await client.get("/api/health")).json()
        assert health["redis"] is False and health["mode"] == "file"
        snapshot = (await client.get(during[0]["status_url"])).json()
        assert snapshot["mode"] == "file" and snapshot["status"] == "complete"

        stack.redis.start()
        wait_for(
            lambda: httpx.get(f"{stack.app.url}/api/health").json()["mode"] == "redis",
            10,
            "the app noticed Redis is back",
        )
        after, answer = await _chat(client, "after the outage")
        assert answer == "after the outage"
        after_snapshot = (await client.get(after["status_url"])).json()
        assert after_snapshot["mode"] == "redis"

        # Every job accepted during the test completed, whichever channel it took.
        for job in [before, *during, after]:
            status = (await client.get(job["status_url"])).json()
            assert status["status"] == "complete", status


async def test_200_sse_clients_share_a_handful_of_redis_connections(stack: Stack) -> None:
    clients = 200
    # The job asks a question first, so it stays open until every client is attached.
    message = "hold on [[ASK]]\nready?\n[[/ASK]]"
    limits = httpx.Limits(max_connections=clients + 10)
    async with httpx.AsyncClient(base_url=stack.app.url, timeout=60, limits=limits) as client:
        response = await client.post("/api/chat/start", json={"message": message, "cache": False})
        job = response.json()
        streams = [
            asyncio.create_task(read_stream(client, job["stream_url"], timeout_s=60))
            for _ in range(clients)
        ]

        def all_attached() -> bool:
            health = httpx.get(f"{stack.app.url}/api/health").json()
            return health["process"]["sse_streams"] >= clients

        await asyncio.to_thread(wait_for, all_attached, 30, "200 SSE clients attached")
        health = (await client.get("/api/health")).json()
        app_pid = health["process"]["pid"]
        with stack.redis.client() as redis:
            listing = redis.client_list()

        def waiting() -> bool:
            status = httpx.get(f"{stack.app.url}{job['status_url']}").json()
            return status["status"] == "waiting_for_answers"

        await asyncio.to_thread(wait_for, waiting, 10, "the job waits for answers")
        answered = await client.post(
            "/api/chat/answers", json={"job_id": job["job_id"], "answers": ["yes"]}
        )
        assert answered.status_code == 200
        results = await asyncio.gather(*streams)

    app_connections = [c for c in listing if c.get("name") == f"relay-app-{app_pid}"]
    # Bounded by the pools (requests, aiocache's L2) and the hub's one feed: O(1), not
    # one per client.
    bound = APP_REDIS_CONNECTIONS + L2_POOL_SIZE + 1
    assert 1 <= len(app_connections) <= bound < clients, len(app_connections)
    for result in results:
        assert [e.type for e in result.events][-1] == "done"
        assert result.text == "hold on answers: yes"
