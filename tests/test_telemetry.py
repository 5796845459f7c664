"""Telemetry: exemplars, trace context in jobs, the request middleware, exposition."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import falcon.asgi
import httpx
import pytest
from falcon import testing
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider, sampling
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.openmetrics.exposition import generate_latest as openmetrics_latest
from prometheus_client.parser import text_string_to_metric_families

from app.middleware import RequestMetricsMiddleware, telemetry_middleware, timed_redis
from app.resources.metrics import MetricsResource
from relay import telemetry
from relay.sampling import DroppingTracer, RecordWhenExported

ROOT = Path(__file__).resolve().parent.parent
OPENMETRICS_ACCEPT = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
# Flags: sampled (01), plus "random trace id" (02) from W3C Trace Context level 2.
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-0[13]$")


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    spans = InMemorySpanExporter()
    provider = telemetry.setup_tracing("relay-test", span_processors=[SimpleSpanProcessor(spans)])
    assert provider is not None
    return spans


@pytest.fixture
def spans(exporter: InMemorySpanExporter) -> Iterator[InMemorySpanExporter]:
    exporter.clear()
    yield exporter
    exporter.clear()


def sample_value(name: str, labels: dict[str, str]) -> float:
    return telemetry.APP_REGISTRY.get_sample_value(name, labels) or 0.0


# --- exemplars and trace context ---------------------------------------------------


def test_observation_inside_a_span_carries_the_trace_id_as_exemplar(spans):
    registry = CollectorRegistry()
    histogram = Histogram("demo_seconds", "demo", buckets=(0.01, 0.1), registry=registry)
    with telemetry.tracer.start_as_current_span("work") as span:
        telemetry.observe_with_exemplar(histogram, 0.05)
        trace_id = trace.format_trace_id(span.get_span_context().trace_id)

    text = openmetrics_latest(registry).decode()
    assert f'demo_seconds_bucket{{le="0.1"}} 1.0 # {{trace_id="{trace_id}"}} 0.05' in text


def test_observation_outside_a_span_has_no_exemplar(spans):
    registry = CollectorRegistry()
    histogram = Histogram("demo_seconds", "demo", buckets=(0.01, 0.1), registry=registry)
    telemetry.observe_with_exemplar(histogram, 0.05)

    text = openmetrics_latest(registry).decode()
    assert 'demo_seconds_bucket{le="0.1"} 1.0\n' in text
    assert "trace_id" not in text


def test_traceparent_stored_in_a_job_parents_the_watchers_span(spans):
    with telemetry.tracer.start_as_current_span("enqueue") as request_span:
        traceparent = telemetry.inject_traceparent()
    request_context = request_span.get_span_context()

    match = TRACEPARENT.match(traceparent)
    assert match, traceparent
    assert match.group(1) == trace.format_trace_id(request_context.trace_id)
    assert match.group(2) == trace.format_span_id(request_context.span_id)

    parent = telemetry.context_from_traceparent(traceparent)
    with telemetry.tracer.start_as_current_span("job", context=parent) as job_span:
        pass
    job = job_span.get_span_context()
    assert job.trace_id == request_context.trace_id
    assert job_span.parent is not None and job_span.parent.span_id == request_context.span_id


def test_no_traceparent_starts_a_fresh_trace_even_inside_another_span(spans):
    assert telemetry.inject_traceparent() == ""
    fresh = telemetry.context_from_traceparent("")
    with (
        telemetry.tracer.start_as_current_span("unrelated") as outer,
        telemetry.tracer.start_as_current_span("job", context=fresh) as job_span,
    ):
        pass
    assert job_span.parent is None
    assert job_span.get_span_context().trace_id != outer.get_span_context().trace_id


def test_interval_span_is_recorded_with_the_given_times(spans):
    with telemetry.tracer.start_as_current_span("job") as job_span:
        telemetry.record_interval_span("queue_wait", 1000.0, 1000.25)
    (queue_wait,) = [s for s in spans.get_finished_spans() if s.name == "queue_wait"]
    assert queue_wait.end_time - queue_wait.start_time == 250_000_000
    assert queue_wait.parent.span_id == job_span.get_span_context().span_id


# --- the request middleware ------------------------------------------------------


class SlowRedisItem:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, item_id: str):
        with timed_redis():
            await asyncio.sleep(0.02)
        with timed_redis():
            await asyncio.sleep(0.01)
        resp.media = {"id": item_id}


class Broken:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response):
        raise RuntimeError("boom")


def tiny_app() -> falcon.asgi.App:
    app = falcon.asgi.App(middleware=telemetry_middleware())
    app.add_route("/items/{item_id}", SlowRedisItem())
    app.add_route("/broken", Broken())
    app.add_route("/metrics", MetricsResource())
    return app


SERVER_TIMING = re.compile(r"^total;dur=([0-9.]+), redis;dur=([0-9.]+)$")


async def test_server_timing_reports_total_and_redis_time(spans):
    async with testing.ASGIConductor(tiny_app()) as conductor:
        result = await conductor.simulate_get("/items/42")

    assert result.status_code == 200
    match = SERVER_TIMING.match(result.headers["server-timing"])
    assert match, result.headers["server-timing"]
    total_ms, redis_ms = float(match.group(1)), float(match.group(2))
    assert 30 <= redis_ms <= total_ms


async def test_redis_timer_is_per_request_and_idle_outside_requests(spans):
    with timed_redis():  # no request: nothing to add to, nothing breaks
        pass
    async with testing.ASGIConductor(tiny_app()) as conductor:
        result = await conductor.simulate_get("/broken")
    assert result.status_code == 500
    match = SERVER_TIMING.match(result.headers["server-timing"])
    assert match and float(match.group(2)) == 0.0


async def test_request_duration_is_labelled_by_route_template_method_and_status(spans):
    name = "relay_http_request_duration_seconds_count"
    item = {"route": "/items/{item_id}", "method": "GET", "status": "200"}
    missing = {"route": "unmatched", "method": "GET", "status": "404"}
    broken = {"route": "/broken", "method": "GET", "status": "500"}
    before = {
        key: sample_value(name, labels)
        for key, labels in (("item", item), ("missing", missing), ("broken", broken))
    }

    async with testing.ASGIConductor(tiny_app()) as conductor:
        await conductor.simulate_get("/items/1")
        await conductor.simulate_get("/items/2")
        await conductor.simulate_get("/no/such/page")
        await conductor.simulate_get("/broken")

    assert sample_value(name, item) == before["item"] + 2
    assert sample_value(name, missing) == before["missing"] + 1
    assert sample_value(name, broken) == before["broken"] + 1


async def test_server_span_continues_the_incoming_trace_and_names_the_route(spans):
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    async with testing.ASGIConductor(tiny_app()) as conductor:
        await conductor.simulate_get(
            "/items/7", headers={"traceparent": f"00-{trace_id}-{parent_id}-01"}
        )
        await conductor.simulate_get("/broken")
        await conductor.simulate_get("/metrics")

    by_name = {s.name: s for s in spans.get_finished_spans()}
    assert set(by_name) == {"HTTP GET /items/{item_id}", "HTTP GET /broken"}  # /metrics untraced
    item = by_name["HTTP GET /items/{item_id}"]
    assert item.kind == trace.SpanKind.SERVER
    assert trace.format_trace_id(item.context.trace_id) == trace_id
    assert trace.format_span_id(item.parent.span_id) == parent_id
    assert item.attributes["http.route"] == "/items/{item_id}"
    assert item.attributes["http.response.status_code"] == 200
    assert item.attributes["relay.redis.calls"] == 2
    assert by_name["HTTP GET /broken"].status.status_code == trace.StatusCode.ERROR


async def test_spans_started_by_a_responder_are_children_of_the_request_span(spans):
    class Traced:
        async def on_post(self, req, resp):
            with telemetry.tracer.start_as_current_span("enqueue"):
                resp.media = {"traceparent": telemetry.inject_traceparent()}

    app = falcon.asgi.App(middleware=[RequestMetricsMiddleware()])
    app.add_route("/api/chat/start", Traced())
    async with testing.ASGIConductor(app) as conductor:
        result = await conductor.simulate_post("/api/chat/start")

    by_name = {s.name: s for s in spans.get_finished_spans()}
    request, enqueue = by_name["HTTP POST /api/chat/start"], by_name["enqueue"]
    assert enqueue.parent.span_id == request.context.span_id
    assert trace.format_trace_id(request.context.trace_id) in result.json["traceparent"]


# --- /metrics ---------------------------------------------------------------------------


async def test_metrics_resource_negotiates_openmetrics_and_runs_refresh(spans):
    refreshed: list[bool] = []

    async def refresh() -> None:
        refreshed.append(True)
        telemetry.QUEUE_DEPTH.labels("echo").set(3)

    app = falcon.asgi.App()
    app.add_route("/metrics", MetricsResource(refresh=refresh))
    async with testing.ASGIConductor(app) as conductor:
        plain = await conductor.simulate_get("/metrics")
        openmetrics = await conductor.simulate_get(
            "/metrics", headers={"Accept": OPENMETRICS_ACCEPT}
        )

    assert refreshed == [True, True]
    assert plain.headers["content-type"].startswith("text/plain")
    assert 'relay_queue_depth{backend="echo"} 3.0' in plain.text
    assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
    assert openmetrics.text.endswith("# EOF\n")


async def test_metrics_resource_still_answers_when_refresh_fails(spans):
    async def refresh() -> None:
        raise ConnectionError("redis down")

    app = falcon.asgi.App()
    app.add_route("/metrics", MetricsResource(refresh=refresh))
    async with testing.ASGIConductor(app) as conductor:
        result = await conductor.simulate_get("/metrics")
    assert result.status_code == 200
    assert "relay_time_to_first_token_seconds" in result.text


def test_watcher_metrics_server_serves_openmetrics_with_exemplars(spans):
    with telemetry.tracer.start_as_current_span("job") as span:
        telemetry.observe_with_exemplar(
            telemetry.FIRST_CHUNK_EMITTED.labels("exemplar-test"), 0.004
        )
    trace_id = trace.format_trace_id(span.get_span_context().trace_id)

    server, thread = telemetry.start_watcher_metrics_server(0)
    try:
        response = httpx.get(
            f"http://127.0.0.1:{server.server_port}/metrics",
            headers={"Accept": OPENMETRICS_ACCEPT},
            timeout=5,
        )
    finally:
        server.shutdown()
        server.server_close()
    thread.join(timeout=5)

    assert response.status_code == 200
    assert f'# {{trace_id="{trace_id}"}} 0.004' in response.text


# --- multiprocess mode (real processes) ----------------------------------------------

WORKER = textwrap.dedent(
    """
    import sys
    from relay import telemetry
    telemetry.SSE_CONNECTIONS.inc()
    telemetry.CHUNK_DELIVERY.observe(0.003)
    telemetry.QUEUE_OLDEST_JOB_AGE.set(float(sys.argv[1]))
    telemetry.QUEUE_WAIT.observe(0.003)  # the watcher's metric: never in the app's output
    print("ready", flush=True)
    sys.stdin.readline()  # stay alive until told
    """
)


def test_multiprocess_exposition_merges_workers_and_forgets_dead_ones_live_gauges(
    tmp_path, monkeypatch
):
    env = {**os.environ, telemetry.MULTIPROC_ENV: str(tmp_path)}
    workers = []
    for depth in ("5", "9"):  # the second worker writes last: its depth is the one shown
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, depth],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert worker.stdout.readline().strip() == "ready"
        workers.append(worker)
    monkeypatch.setenv(telemetry.MULTIPROC_ENV, str(tmp_path))

    def scrape() -> dict[str, float]:
        body, content_type = telemetry.metrics_exposition(None)
        assert content_type.startswith("text/plain")
        return {
            sample.name: sample.value
            for family in text_string_to_metric_families(body.decode())
            for sample in family.samples
            if not sample.labels or sample.labels == {"le": "+Inf"}
        }

    try:
        both = scrape()
        assert both["relay_sse_connections"] == 2
        assert both["relay_chunk_delivery_seconds_count"] == 2
        assert both["relay_queue_oldest_job_age_seconds"] == 9
        assert not any(name.startswith("relay_queue_wait") for name in both)
        assert not any(name.startswith("relay_jobs_running") for name in both)
        workers[0].communicate("\n", timeout=10)  # one worker dies without cleaning up
        one = scrape()
        assert one["relay_sse_connections"] == 1  # its open streams are gone with it
        assert one["relay_chunk_delivery_seconds_count"] == 2  # what it counted stays counted
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.communicate("\n", timeout=10)


# --- tracing set-up from the environment (fresh processes) ------------------------

PROBE = textwrap.dedent(
    """
    import json
    from relay import telemetry
    provider = telemetry.setup_tracing("relay-probe")
    if provider is None:
        print(json.dumps(None))
    else:
        processors = provider._active_span_processor._span_processors
        exporters = [type(p).__name__ for p in processors]
        name = provider.resource.attributes["service.name"]
        print(json.dumps({"processors": exporters, "service": name}))
    """
)


def probe(**env: str) -> dict | None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)


def test_tracing_exports_over_otlp_only_when_an_endpoint_is_set():
    assert probe() == {"processors": [], "service": "relay-probe"}
    assert probe(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318")["processors"] == [
        "BatchSpanProcessor"
    ]
    assert probe(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://127.0.0.1:4318/v1/traces")[
        "processors"
    ] == ["BatchSpanProcessor"]


def test_tracing_honours_service_name_and_sdk_disabled():
    assert probe(OTEL_SERVICE_NAME="custom")["service"] == "custom"
    assert probe(OTEL_SDK_DISABLED="true") is None


RECORDING_PROBE = textwrap.dedent(
    """
    import json
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from relay import telemetry

    def one_span():
        with telemetry.tracer.start_as_current_span("probe") as span:
            return {
                "recording": span.is_recording(),
                "trace_id": telemetry.current_trace_id(),
                "traceparent": telemetry.inject_traceparent(),
            }

    telemetry.setup_tracing("relay-probe")
    unexported = one_span()
    spans = InMemorySpanExporter()
    telemetry.setup_tracing("relay-probe", span_processors=[SimpleSpanProcessor(spans)])
    exported = one_span()
    names = [span.name for span in spans.get_finished_spans()]
    print(json.dumps({"unexported": unexported, "exported": exported, "names": names}))
    """
)


def test_spans_are_recorded_only_once_something_receives_them_and_keep_trace_ids_either_way():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    out = subprocess.run(
        [sys.executable, "-c", RECORDING_PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(out.stdout)
    unexported, exported = seen["unexported"], seen["exported"]
    assert unexported["recording"] is False, "no exporter: the span is not built up"
    assert exported["recording"] is True
    for span in (unexported, exported):
        assert re.fullmatch(r"[0-9a-f]{32}", span["trace_id"]), "exemplars keep a trace id"
        assert span["traceparent"].split("-")[1] == span["trace_id"], "and jobs the trace"
    assert seen["names"] == ["probe"], "only the span recorded once an exporter was added"


def test_a_dropped_span_continues_its_parents_trace_and_a_root_starts_a_new_one():
    """While nothing is exported, DroppingTracer makes the spans the SDK would have."""
    provider = TracerProvider(sampler=RecordWhenExported(sampling.ALWAYS_ON))
    tracer = DroppingTracer(provider.get_tracer("test"))
    tracer.follow(provider)
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with tracer.start_as_current_span(
        "process", context=telemetry.context_from_traceparent(parent)
    ) as span:
        assert not span.is_recording()
        continued = telemetry.inject_traceparent()
    assert continued.startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert not continued.startswith("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")
    first, second = (tracer.start_span("root").get_span_context() for _ in range(2))
    assert first.is_valid and second.is_valid and first.trace_id != second.trace_id
    # Once something receives spans, the SDK records them.
    provider.sampler.exporting = True
    with tracer.start_as_current_span("recorded") as recorded:
        assert recorded.is_recording()
