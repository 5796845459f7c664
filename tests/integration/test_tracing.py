"""One trace follows a chat: the HTTP request, through Redis, into the watcher's job,
its backend call and the first token.

The app (falcon.testing, same event loop) and a watcher (``Watcher`` + ``JobRunner``)
run in this process against a real Redis, so one in-memory exporter sees every span;
the trace context crosses Redis only inside the job, as in production.
"""

from __future__ import annotations

import asyncio
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
from tests.support.processes import RedisServer, running
from tests.support.stack import make_settings, with_redis
from watcher.__main__ import build_watcher
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


async def test_one_trace_holds_the_http_request_the_job_the_backend_and_first_token(
    tmp_path: Path, private_redis: RedisServer, exporter: InMemorySpanExporter
) -> None:
    settings = with_redis(make_settings(tmp_path / "state"), private_redis)
    exporter.clear()
    async with testing.ASGIConductor(create_app(settings)) as conductor:
        redis = make_redis(settings.effective_redis_url, 32, blocking=False)
        runner = JobRunner(settings, BackendRegistry(settings), "tracing-test")
        watcher = build_watcher(settings, redis, runner, "tracing-test")
        watching = asyncio.create_task(watcher.run())
        try:
            result = await conductor.simulate_post(
                "/api/chat/start",
                json={"message": "follow this chat", "model": "echo", "cache": False},
                headers={"traceparent": f"00-{BROWSER_TRACE_ID}-{BROWSER_SPAN_ID}-01"},
            )
            assert result.status_code == 202, result.text
            await wait_for_span(exporter, "job", timeout_s=20)
        finally:
            watcher.stop()
            await asyncio.wait_for(watching, timeout=20)
            await redis.aclose()

    spans = exporter.get_finished_spans()
    by_id = {s.context.span_id: s for s in spans}
    trace_ids = {s.name: trace.format_trace_id(s.context.trace_id) for s in spans}
    (http,) = [s for s in spans if s.name == "HTTP POST /api/chat/start"]
    (job,) = [s for s in spans if s.name == "job"]
    backends = [s for s in spans if s.name == "backend"]
    first_tokens = [s for s in spans if s.name == "first_token"]

    # The browser's trace is continued by the request and followed into the watcher.
    assert http.kind == trace.SpanKind.SERVER
    assert trace.format_span_id(http.parent.span_id) == BROWSER_SPAN_ID
    for name in ("HTTP POST /api/chat/start", "job", "backend", "first_token"):
        assert trace_ids[name] == BROWSER_TRACE_ID, name
    assert http.name in ancestors(job, by_id), "the job span descends from the HTTP span"
    assert len(backends) == 1 and ancestors(backends[0], by_id)[0] == "job"
    assert len(first_tokens) == 1 and "backend" in ancestors(first_tokens[0], by_id)
    assert job.attributes["relay.outcome"] == "complete"
    assert http.start_time <= job.start_time <= backends[0].start_time <= first_tokens[0].start_time
