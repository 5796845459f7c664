"""What a submit cut short leaves (ARCHITECTURE.md, "The steps of a submit").

A submit is one atomic step per hash slot: the job hash, then the jobs stream (the
commit point), then the project's line, then the registry. These tests write what a
crash at each point would have left, with a real Redis and the real watcher, and
check that the job still runs and that nobody is blocked behind it.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx

from relay import keys
from relay.jobs import Job
from relay.settings import new_job_id
from tests.support.sse import read_stream
from tests.support.stack import Stack


def new_project() -> str:
    return f"steps-{uuid.uuid4().hex[:10]}"


async def chat(client: httpx.AsyncClient, message: str, project: str) -> str:
    """Start a chat, read it to its end; its answer."""
    response = await client.post(
        "/api/chat/start", json={"message": message, "project": project, "cache": False}
    )
    assert response.status_code == 202, response.text
    result = await read_stream(client, response.json()["stream_url"], timeout_s=20)
    assert result.ended and result.events[-1].type == "done", result.events[-3:]
    return str(result.events[-1].data["result"])


async def status_of(client: httpx.AsyncClient, job_id: str, wanted: str) -> dict:
    for _ in range(100):
        status = (await client.get(f"/api/chat/status/{job_id}")).json()
        if status.get("status") == wanted:
            return status
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {job_id} never became {wanted}: {status}")


def committed_only(stack: Stack, project: str, message: str) -> Job:
    """Steps 1 and 2 of a submit, as if the app died before the project's line."""
    job = Job(id=new_job_id(), message=message, project=project, model="echo")
    job.created_ts = time.time()
    shard = keys.shard_of(project)
    with stack.redis.client() as redis:
        redis.hset(keys.job(job.id), mapping=job.to_hash())
        redis.xadd(keys.jobs_stream(shard), {"job_id": job.id, "project": project})
    return job


async def test_a_job_committed_without_its_project_line_entry_runs_and_blocks_nobody(
    stack: Stack,
) -> None:
    project = new_project()
    orphan = committed_only(stack, project, "never listed in its line")
    async with httpx.AsyncClient(base_url=stack.url) as client:
        assert await chat(client, "asked after it", project) == "asked after it"
        finished = await status_of(client, orphan.id, "complete")
    assert finished["text"] == "never listed in its line"


async def test_a_stale_head_left_by_a_late_line_entry_is_dropped(stack: Stack) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        response = await client.post(
            "/api/chat/start", json={"message": "first", "project": project, "cache": False}
        )
        first = response.json()
        await read_stream(client, first["stream_url"], timeout_s=20)
        await status_of(client, first["job_id"], "complete")
        # Step 3 arriving after the watcher already ran and finished the job.
        with stack.redis.client() as redis:
            redis.lpush(keys.project_order(project), first["job_id"])
        assert await chat(client, "second", project) == "second"
    with stack.redis.client() as redis:
        assert first["job_id"].encode() not in redis.lrange(keys.project_order(project), 0, -1)


async def test_a_submit_cut_before_its_commit_point_leaves_nothing_to_run(
    stack: Stack,
) -> None:
    project = new_project()
    job = Job(id=new_job_id(), message="never enqueued", project=project, model="echo")
    with stack.redis.client() as redis:
        redis.hset(keys.job(job.id), mapping=job.to_hash())  # step 1 only
    async with httpx.AsyncClient(base_url=stack.url) as client:
        assert await chat(client, "the project goes on", project) == "the project goes on"
        orphan = (await client.get(f"/api/chat/status/{job.id}")).json()
    assert orphan["status"] == "pending", "a hash nobody enqueued is never run"
