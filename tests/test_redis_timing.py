"""Server-Timing's ``redis;dur`` is the Redis time the request really spent."""

from __future__ import annotations

import re

import httpx

from app.app import create_app
from relay.connections import RedisTimer, make_redis, redis_timer
from relay.settings import Settings

REDIS_DUR = re.compile(r"redis;dur=([0-9.]+)")


async def test_a_request_that_reads_redis_reports_its_redis_time(settings: Settings) -> None:
    transport = httpx.ASGITransport(app=create_app(settings))  # type: ignore[arg-type]  # falcon types __call__ narrower than httpx
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        missing = await client.get("/api/chat/status/" + "n" * 32)  # one HGETALL, then 404
        models = await client.get("/api/models")  # no Redis at all
    assert missing.status_code == 404
    (redis_ms,) = REDIS_DUR.findall(missing.headers["Server-Timing"])
    assert float(redis_ms) > 0
    assert REDIS_DUR.findall(models.headers["Server-Timing"]) == ["0.000"]


async def test_commands_and_pipelines_count_into_the_current_request_only(
    settings: Settings,
) -> None:

    redis = make_redis(settings.effective_redis_url, 2, blocking=False)
    try:
        await redis.ping()  # outside a request: counted nowhere
        timer = RedisTimer()
        token = redis_timer.set(timer)
        try:
            await redis.set("timing-probe", "1")
            async with redis.pipeline(transaction=False) as pipe:
                pipe.get("timing-probe")
                pipe.delete("timing-probe")
                await pipe.execute()
        finally:
            redis_timer.reset(token)
        await redis.ping()
    finally:
        await redis.aclose()
    assert timer.calls == 2  # one command, one pipeline round trip
    assert timer.seconds > 0
