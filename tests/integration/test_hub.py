"""The app's event hub survives malformed messages, and /api/health says when it is down."""

from __future__ import annotations

import asyncio

import httpx
import redis.asyncio as aioredis

from app.app import create_app
from relay import keys
from relay.hub import EventHub, Wake
from relay.jobs import Event, EventType
from relay.settings import Settings
from tests.support.poison import malformed_event_messages
from tests.support.processes import RedisServer
from tests.support.sse import read_stream
from tests.support.stack import Stack

ASKING = "poison me [[ASK]]\nready?\n[[/ASK]]"


async def test_malformed_event_messages_are_skipped_and_the_next_event_arrives(
    redis_server: RedisServer,
) -> None:
    redis = aioredis.from_url(redis_server.url)
    hub = EventHub(redis, heartbeat_s=30)
    await hub.start()
    try:
        subscription = hub.subscribe("poisoned-job-0001")
        assert await subscription.next() is Wake.RESYNC, "a new subscription replays first"
        assert await asyncio.wait_for(subscription.next(), 5) is Wake.RESYNC, (
            "and again once Redis confirmed the job's channel"
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
    finally:
        await hub.stop()
        await redis.aclose()


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
