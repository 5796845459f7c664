"""A cache hit's stream, served from memory, is byte for byte the logged one."""

from __future__ import annotations

import httpx

from relay import keys
from relay.jobs import Event
from tests.support.stack import Stack


def test_cache_hit_stream_from_memory_equals_the_event_log(stack: Stack) -> None:
    with httpx.Client(base_url=stack.url, timeout=10) as client:
        body = {"message": "remember this answer", "project": "recent-replay"}
        first = client.post("/api/chat/start", json=body).json()
        client.get(first["stream_url"])  # to the end
        hit = client.post("/api/chat/start", json=body).json()
        streamed = client.get(hit["stream_url"]).content
        resumed = client.get(hit["stream_url"], headers={"Last-Event-ID": "2"}).content
    with stack.redis.client() as redis:
        logged = [Event.from_fields(f) for _, f in redis.xrange(keys.job_events(hit["job_id"]))]
    frames = b"".join(event.frame for event in logged)
    assert b'"cached":"exact"' in frames
    assert streamed == b"retry: 1000\n\n" + frames
    assert resumed == b"retry: 1000\n\n" + b"".join(e.frame for e in logged if e.seq > 2)
