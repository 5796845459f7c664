"""The app's event hub survives malformed messages, and /api/health says when it is down."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import redis.asyncio as aioredis

from app.app import create_app
from relay import keys
from relay.emitter import EventEmitter
from relay.hub import EventHub, Wake
from relay.jobs import Event, EventType, Job, JobStatus
from relay.redis_queue import RedisJobQueue
from relay.settings import Settings
from tests.support.poison import malformed_event_messages
from tests.support.processes import RedisServer
from tests.support.sse import read_stream
from tests.support.stack import Stack

ASKING = "poison me [[ASK]]\nready?\n[[/ASK]]"


@pytest.fixture
async def started_hub(redis_server: RedisServer) -> AsyncIterator[tuple[EventHub, aioredis.Redis]]:
    """An event hub on the test Redis, started, and a client to publish with."""
    redis = aioredis.from_url(redis_server.url)
    hub = EventHub(redis, heartbeat_s=30)
    await hub.start()
    try:
        yield hub, redis
    finally:
        await hub.stop()
        await redis.aclose()


async def test_malformed_event_messages_are_skipped_and_the_next_event_arrives(
    started_hub: tuple[EventHub, aioredis.Redis],
) -> None:
    hub, redis = started_hub
    subscription = hub.subscribe("poisoned-job-0001")
    assert await asyncio.wait_for(subscription.next(), 5) is Wake.RESYNC, (
        "a new subscription reads the log once Redis confirmed the job's channel"
    )
    assert hub.listening("poisoned-job-0001")
    channel = keys.job_live("poisoned-job-0001")
    poison = malformed_event_messages("poisoned-job-0001")
    for message in poison:
        await redis.spublish(channel, message)
    real = Event.create("poisoned-job-0001", 1, EventType.CHUNK, 1.0, {"text": "hi"})
    await redis.spublish(channel, real.to_message())
    assert await asyncio.wait_for(subscription.next(), 5) is Wake.EVENTS
    assert subscription.drain() == [real]
    assert hub.running, "the hub goes on after malformed messages"
    assert hub.malformed == len(poison), "each was seen, logged and skipped"


async def test_a_subscription_reads_the_log_once_whether_its_channel_is_new_or_live(
    started_hub: tuple[EventHub, aioredis.Redis],
) -> None:
    hub, redis = started_hub
    first = hub.subscribe("once-job-0001")
    assert not hub.listening("once-job-0001"), "not live before Redis confirms"
    assert await asyncio.wait_for(first.next(), 5) is Wake.RESYNC
    second = hub.subscribe("once-job-0001")  # the channel is live already
    assert await asyncio.wait_for(second.next(), 1) is Wake.RESYNC, "reads the log at once"
    event = Event.create("once-job-0001", 1, EventType.CHUNK, 1.0, {"text": "hi"})
    await redis.spublish(keys.job_live("once-job-0001"), event.to_message())
    for subscription in (first, second):
        # No second read pending: a RESYNC would come before the events.
        assert await asyncio.wait_for(subscription.next(), 5) is Wake.EVENTS
        assert subscription.drain() == [event]


async def test_a_chat_s_stream_reads_neither_the_job_nor_its_log_more_than_once(
    stack: Stack, redis_server: RedisServer
) -> None:
    def calls(command: str) -> int:
        with redis_server.client() as redis:
            stats = redis.info("commandstats")
        return int(stats.get(f"cmdstat_{command}", {}).get("calls", 0))

    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as client:
        before = {command: calls(command) for command in ("xrange", "hgetall")}
        job = (
            await client.post("/api/chat/start", json={"message": "count my reads", "cache": False})
        ).json()
        result = await read_stream(client, job["stream_url"], timeout_s=20)
        assert result.events[-1].type == "done"
        after = {command: calls(command) for command in before}
        # A reconnect is a new stream: it reads the job (the app's hash read) and its log.
        again = await read_stream(client, job["stream_url"], timeout_s=20)
        assert [(e.id, e.data) for e in again.events] == [(e.id, e.data) for e in result.events]
        reconnected = {command: calls(command) for command in before}
    assert after["xrange"] - before["xrange"] == 1, "the stream read the job's log once"
    # The watcher reads the job to run it; the app's stream took the job as it submitted it.
    assert after["hgetall"] - before["hgetall"] == 1
    assert reconnected["hgetall"] - after["hgetall"] == 1, "a later stream reads the job"
    assert reconnected["xrange"] - after["xrange"] == 1


async def test_a_stream_still_gets_its_events_after_poison_on_the_events_channel(
    stack: Stack, redis_server: RedisServer
) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        job = (
            await client.post("/api/chat/start", json={"message": ASKING, "cache": False})
        ).json()
        stream = asyncio.create_task(read_stream(client, job["stream_url"], timeout_s=20))
        await asyncio.sleep(0.5)  # the stream is open and live
        publisher = aioredis.from_url(redis_server.url)
        try:
            for message in malformed_event_messages(job["job_id"]):
                await publisher.spublish(keys.job_live(job["job_id"]), message)
        finally:
            await publisher.aclose()
        health = (await client.get("/api/health")).json()
        assert health["hub"] == "up"
        await client.post("/api/chat/answers", json={"job_id": job["job_id"], "answers": ["y"]})
        result = await stream
    assert result.events[-1].type == "done", "the events after the poison reached the stream"
    assert [e.id for e in result.events] == list(range(1, len(result.events) + 1))


async def test_health_reports_the_hub_down_when_its_task_is_not_running(
    settings: Settings,
) -> None:
    # No lifespan start-up here: the hub's task never ran, as if it had died.
    transport = httpx.ASGITransport(app=create_app(settings))  # type: ignore[arg-type]  # falcon types __call__ narrower than httpx
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        health = (await client.get("/api/health")).json()
    assert health["hub"] == "down"
    assert health["status"] == "degraded"


async def test_one_channel_subscription_per_followed_job_dropped_with_its_last_client(
    stack: Stack, redis_server: RedisServer
) -> None:
    def subscribers(channel: str) -> int:
        with redis_server.client() as redis:
            reply = redis.execute_command("PUBSUB", "SHARDNUMSUB", channel)
        return int(reply[1])

    async with httpx.AsyncClient(base_url=stack.app.url, timeout=30) as client:
        job = (
            await client.post("/api/chat/start", json={"message": ASKING, "cache": False})
        ).json()
        channel = keys.job_live(job["job_id"])
        streams = [
            asyncio.create_task(read_stream(client, job["stream_url"], timeout_s=20))
            for _ in range(3)
        ]
        for _ in range(100):
            health = (await client.get("/api/health")).json()
            if health["process"]["sse_streams"] >= 3 and subscribers(channel) == 1:
                break
            await asyncio.sleep(0.05)
        assert subscribers(channel) == 1, "three clients of one job: one subscription"
        assert subscribers(keys.job_live("some-other-job")) == 0, "nothing else is followed"
        for _ in range(100):  # the job waits for its answer once it has asked
            status = (await client.get(job["status_url"])).json()["status"]
            if status == "waiting_for_answers":
                break
            await asyncio.sleep(0.05)
        answered = await client.post(
            "/api/chat/answers", json={"job_id": job["job_id"], "answers": ["y"]}
        )
        assert answered.status_code == 200, answered.text
        results = await asyncio.gather(*streams)
        for _ in range(100):
            if subscribers(channel) == 0:
                break
            await asyncio.sleep(0.05)
    assert all(r.events[-1].type == "done" for r in results)
    assert subscribers(channel) == 0, "the last client gone, the channel is dropped"


class _StaysConnected:
    """A client that never goes (``ClientGone``)."""

    def on_gone(self, listener: Callable[[], None]) -> None:
        pass


async def test_a_stream_whose_log_read_failed_reads_it_again_though_its_channel_stayed_live(
    started_hub: tuple[EventHub, aioredis.Redis], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read after the subscription went live fails (on a cluster: a pooled
    connection to a node that restarted) while the hub's feed stays up, so no resync
    comes from the hub, and the job has ended: nothing more is published for it."""
    hub, redis = started_hub
    queue = RedisJobQueue(redis, EventEmitter(redis, 60), hub)
    job = Job(id="reread-" + uuid.uuid4().hex, message="m", status=JobStatus.PROCESSING)
    await redis.hset(keys.job(job.id), mapping=job.to_hash())  # type: ignore[arg-type]  # invariant Mapping key in redis-py's stubs
    await queue.emitter.emit(job.id, EventType.CHUNK, {"text": "all "}, 1.0, text="all ")
    await queue.emitter.finish(job.id, JobStatus.COMPLETE, EventType.DONE, {"result": "all "}, 2.0)
    read_log = queue.events_after
    failed: list[str] = []

    async def failing_once(job_id: str, after_seq: int) -> list[Event]:
        if not failed:
            failed.append(job_id)
            raise aioredis.ConnectionError("Connection closed by server.")
        return await read_log(job_id, after_seq)

    monkeypatch.setattr(queue, "events_after", failing_once)
    # The job as the app has it from its own submit: still running, so it is followed.
    async with asyncio.timeout(10):
        frames = b"".join([frame async for frame in queue.stream(job, 0, _StaysConnected())])
    assert failed == [job.id], "the first read failed"
    assert b"event: chunk" in frames and b"event: done" in frames, frames
