"""One trace follows a chat: the HTTP request, the PRODUCER span that enqueues the
job, through Redis into the watcher's CONSUMER span, its queue wait, backend call and
first token; the event stream, opened later, is linked to it.

The app (falcon.testing, same event loop) and a watcher (``Watcher`` + ``JobRunner``)
run in this process against a real Redis, so one in-memory exporter sees every span;
the trace context crosses Redis only inside the job, as in production.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from falcon import testing
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.app import create_app
from relay import telemetry
from relay.connections import make_redis
from relay.settings import Settings
from tests.support.processes import RedisServer, running
from tests.support.stack import make_settings, with_redis
from watcher.__main__ import build_watcher, install_cache_hooks
from watcher.backends.registry import BackendRegistry
from watcher.runner import JobRunner

BROWSER_TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
BROWSER_SPAN_ID = "b7ad6b7169203331"


@pytest.fixture(scope="module")
def private_redis(
    tmp_path_factory: pytest.TempPathFactory, logs_dir: Path
) -> Iterator[RedisServer]:
    """A Redis of our own: no watcher process of another test can take our job."""
    with running(RedisServer(logs_dir, tmp_path_factory.mktemp("tracing-redis"))) as server:
        yield server


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    spans = InMemorySpanExporter()
    assert telemetry.setup_tracing("relay-test", span_processors=[SimpleSpanProcessor(spans)])
    return spans


def ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    """Names of the span's recorded ancestors, nearest first."""
    names = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        names.append(span.name)
    return names


async def wait_for_span(exporter: InMemorySpanExporter, name: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not any(s.name == name for s in exporter.get_finished_spans()):
        assert time.monotonic() < deadline, f"no {name!r} span after {timeout_s} s"
        await asyncio.sleep(0.02)


PRODUCER_NAME = "send relay:jobs"
CONSUMER_NAME = "process relay:jobs"


def conductor_settings(settings: Settings) -> Settings:
    """``settings`` whose Host allow-list also takes the Falcon test client's host."""
    return dataclasses.replace(settings, allowed_hosts=f"127.0.0.1,{testing.helpers.DEFAULT_HOST}")


async def run_one_chat(
    settings: Settings, exporter: InMemorySpanExporter, *, read_stream_after: bool
) -> tuple[str, list[ReadableSpan]]:
    """Submit one echo chat with the browser's traceparent, let a watcher run it, and
    (optionally) open its event stream once it ended; the job id and every span."""
    exporter.clear()
    async with testing.ASGIConductor(create_app(conductor_settings(settings))) as conductor:
        redis = make_redis(settings.effective_redis_url, 32, blocking=False)
        runner = JobRunner(settings, BackendRegistry(settings), "tracing-test")
        watcher = build_watcher(settings, redis, runner, "tracing-test")
        watching = asyncio.create_task(watcher.run())
        try:
            result = await conductor.simulate_post(
                "/api/chat/start",
                json={"message": "follow this chat", "model": "echo", "cache": False},
                host="127.0.0.1",  # on the Host allow-list (the test client's default is not)
                headers={"traceparent": f"00-{BROWSER_TRACE_ID}-{BROWSER_SPAN_ID}-01"},
            )
            assert result.status_code == 202, result.text
            job_id = result.json["job_id"]
            await wait_for_span(exporter, CONSUMER_NAME, timeout_s=20)
            if read_stream_after:  # a finished job: the stream replays its log
                path = f"/api/sse/status/{job_id}"
                async with conductor.simulate_get_stream(path, host="127.0.0.1") as stream:
                    content = b""
                    async with asyncio.timeout(20):
                        while b"event: done" not in content:
                            content += await stream.stream.read()
                    assert stream.status_code == 200
        finally:
            watcher.stop()
            await asyncio.wait_for(watching, timeout=20)
            await redis.aclose()
    return job_id, list(exporter.get_finished_spans())


def only(spans: list[ReadableSpan], name: str) -> ReadableSpan:
    found = [s for s in spans if s.name == name]
    assert len(found) == 1, (name, [s.name for s in spans])
    return found[0]


async def test_a_chat_is_one_trace_of_producer_consumer_backend_and_a_linked_stream(
    tmp_path: Path, private_redis: RedisServer, exporter: InMemorySpanExporter
) -> None:
    settings = with_redis(make_settings(tmp_path / "state"), private_redis)
    job_id, spans = await run_one_chat(settings, exporter, read_stream_after=True)
    by_id = {s.context.span_id: s for s in spans}
    http = only(spans, "HTTP POST /api/chat/start")
    producer, consumer = only(spans, PRODUCER_NAME), only(spans, CONSUMER_NAME)
    queue_wait, backend = only(spans, "queue_wait"), only(spans, "backend")
    first_token = only(spans, "first_token")
    sse = only(spans, "HTTP GET /api/sse/status/{job_id}")

    # Kinds per the OpenTelemetry messaging conventions.
    assert http.kind == trace.SpanKind.SERVER and sse.kind == trace.SpanKind.SERVER
    assert producer.kind == trace.SpanKind.PRODUCER
    assert consumer.kind == trace.SpanKind.CONSUMER
    for span, operation in ((producer, "send"), (consumer, "process")):
        assert span.attributes["messaging.system"] == "redis"
        assert span.attributes["messaging.destination.name"] == telemetry.JOBS_DESTINATION
        assert span.attributes["messaging.message.id"] == job_id
        assert span.attributes["messaging.operation.type"] == operation

    # One trace, continued from the browser; each span's parent is the one before it.
    assert trace.format_span_id(http.parent.span_id) == BROWSER_SPAN_ID
    for span in (http, producer, consumer, queue_wait, backend, first_token):
        assert trace.format_trace_id(span.context.trace_id) == BROWSER_TRACE_ID, span.name
    assert producer.parent.span_id == http.context.span_id
    assert consumer.parent.span_id == producer.context.span_id
    assert queue_wait.parent.span_id == consumer.context.span_id
    assert backend.parent.span_id == consumer.context.span_id
    assert "backend" in ancestors(first_token, by_id)

    # Children lie inside their parents (the consumer may receive the message before
    # the producer has its reply from Redis, never before it sent it).
    assert http.start_time <= producer.start_time <= consumer.start_time
    assert consumer.start_time <= queue_wait.start_time <= queue_wait.end_time
    assert queue_wait.end_time <= backend.start_time <= backend.end_time <= consumer.end_time
    assert consumer.attributes["relay.outcome"] == "complete"
    assert consumer.status.status_code == trace.StatusCode.UNSET

    # The stream, opened later, is its own trace, linked to the job's.
    assert trace.format_trace_id(sse.context.trace_id) != BROWSER_TRACE_ID
    linked = [(link.context.trace_id, link.context.span_id) for link in sse.links]
    assert linked == [(producer.context.trace_id, producer.context.span_id)]


async def test_a_failed_job_marks_its_consumer_span_as_an_error(
    tmp_path: Path, private_redis: RedisServer, exporter: InMemorySpanExporter
) -> None:
    # A job that outlives its timeout ends in error (the echo model is slower than it).
    settings = with_redis(
        make_settings(tmp_path / "state", job_timeout_s=0.05, echo_interval_ms=200.0),
        private_redis,
    )
    _, spans = await run_one_chat(settings, exporter, read_stream_after=False)
    consumer = only(spans, CONSUMER_NAME)
    assert consumer.attributes["relay.outcome"] == "error"
    assert consumer.status.status_code == trace.StatusCode.ERROR
    assert "longer than" in (consumer.status.description or "")


async def test_the_stream_of_a_cached_answer_links_to_the_request_that_got_it(
    tmp_path: Path, private_redis: RedisServer, exporter: InMemorySpanExporter
) -> None:
    # The second identical question is a cache hit, replayed from the app's memory.
    settings = with_redis(make_settings(tmp_path / "state"), private_redis)
    exporter.clear()
    chat = {"message": "ask me twice", "model": "echo"}
    async with testing.ASGIConductor(create_app(conductor_settings(settings))) as conductor:
        redis = make_redis(settings.effective_redis_url, 32, blocking=False)
        runner = JobRunner(settings, BackendRegistry(settings), "tracing-test")
        answers = install_cache_hooks(runner, redis, settings)
        watcher = build_watcher(settings, redis, runner, "tracing-test")
        watching = asyncio.create_task(watcher.run())
        try:
            first = await conductor.simulate_post("/api/chat/start", json=chat)
            # Wait for the answer: not by reading its stream, because Falcon's conductor
            # disconnects the client at once, and a stream ends when its client goes.
            status_url = f"/api/chat/status/{first.json['job_id']}"
            for _ in range(1000):
                status = await conductor.simulate_get(status_url)
                if status.json["status"] == "complete":
                    break
                await asyncio.sleep(0.02)
            exporter.clear()
            hit = await conductor.simulate_post("/api/chat/start", json=chat)
            stream = await conductor.simulate_get(f"/api/sse/status/{hit.json['job_id']}")
            assert b'"cached":"exact"' in stream.content
        finally:
            watcher.stop()
            await asyncio.wait_for(watching, timeout=20)
            await answers.close()
            await redis.aclose()
    spans = list(exporter.get_finished_spans())
    request = only(spans, "HTTP POST /api/chat/start")
    sse = only(spans, "HTTP GET /api/sse/status/{job_id}")
    assert not [s for s in spans if s.name == PRODUCER_NAME]  # nothing was enqueued
    linked = [(link.context.trace_id, link.context.span_id) for link in sse.links]
    assert linked == [(request.context.trace_id, request.context.span_id)]
