"""Metrics and tracing, shared by the app and the watcher.

Every metric Relay exposes is defined here, once, in the registry of the process
that owns it (APP_REGISTRY or WATCHER_REGISTRY): each process exports only its own.
Names carry units; labels are bounded by configuration (route templates, route
names, outcomes, tiers), never job ids or client-chosen strings.

Multiprocess: when ``PROMETHEUS_MULTIPROC_DIR`` is set *before this module is first
imported* (the launcher sets it for Granian and empties the folder at start), every
worker writes its samples to files there and :func:`metrics_exposition` merges them,
so one scrape of ``/metrics`` covers all Granian workers. Exemplars exist only in
single-process mode (prometheus-client keeps none in the shared files), i.e. on the
watcher's endpoint and on a one-worker app without the variable.

Tracing: :func:`setup_tracing` configures OpenTelemetry from the standard ``OTEL_*``
variables; :data:`tracer` is the one tracer Relay's code starts spans with. The
trace context travels inside the job as a W3C ``traceparent`` string
(:func:`inject_traceparent` on submit, :func:`context_from_traceparent` in the watcher).
"""

from __future__ import annotations

import contextlib
import functools
import glob
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from wsgiref.simple_server import WSGIServer

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    multiprocess,
)
from prometheus_client.exposition import choose_encoder, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from relay import collector, sampling
from relay.buffered_histogram import BufferedHistogram

log = logging.getLogger(__name__)

# Buckets from 0.5 ms to 120 s: the targets live at 5-20 ms, the seed's at 100-500 ms,
# and a stalled queue (a paused or saturated watcher) must still land in a bucket.
# fmt: off
LATENCY_BUCKETS_S = (
    0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
    0.1, 0.15, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
)
DURATION_BUCKETS_S = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
# fmt: on

#: The metrics each process owns and exports: the app's ``/metrics`` serves
#: APP_REGISTRY (or, with several workers, only these names from the shared files),
#: the watcher's endpoint WATCHER_REGISTRY. A process never exports another's
#: metric, so ``max(relay_watchers_alive)`` can never be a watcher's idle 0.
APP_REGISTRY = CollectorRegistry()
WATCHER_REGISTRY = CollectorRegistry()
for _registry in (APP_REGISTRY, WATCHER_REGISTRY):
    ProcessCollector(registry=_registry)
    PlatformCollector(registry=_registry)
    GCCollector(registry=_registry)

# --- watcher side ------------------------------------------------------------------
FIRST_CHUNK_EMITTED = Histogram(
    "relay_first_chunk_emitted_seconds",
    "Job submitted -> first chunk emitted by the watcher (the backend side of first token)",
    ["model"],
    buckets=LATENCY_BUCKETS_S,
    registry=WATCHER_REGISTRY,
)
QUEUE_WAIT = Histogram(
    "relay_queue_wait_seconds",
    "Job submitted -> claimed and started by a watcher",
    buckets=LATENCY_BUCKETS_S,
    registry=WATCHER_REGISTRY,
)
CHUNK_GAP = Histogram(
    "relay_chunk_gap_seconds",
    "Time between consecutive chunks of one job, as emitted",
    ["model"],
    buckets=LATENCY_BUCKETS_S,
    registry=WATCHER_REGISTRY,
)
JOB_DURATION = Histogram(
    "relay_job_duration_seconds",
    "Job started -> finished, by outcome",
    ["model", "outcome"],
    buckets=DURATION_BUCKETS_S,
    registry=WATCHER_REGISTRY,
)
JOBS_FINISHED = Counter(
    "relay_jobs_total",
    "Jobs finished, by outcome",
    ["model", "outcome"],
    registry=WATCHER_REGISTRY,
)
BACKEND_RUNS = Counter(
    "relay_backend_runs_total", "Backend rounds started", ["backend"], registry=WATCHER_REGISTRY
)
JOBS_RUNNING = Gauge(
    "relay_jobs_running",
    "Jobs this watcher is running now",
    multiprocess_mode="livesum",
    registry=WATCHER_REGISTRY,
)

# --- app side ----------------------------------------------------------------------
TIME_TO_FIRST_TOKEN = Histogram(
    "relay_time_to_first_token_seconds",
    "Job submitted -> its first chunk written to a client (the first token as users see it)",
    ["model"],
    buckets=LATENCY_BUCKETS_S,
    registry=APP_REGISTRY,
)
CHUNK_DELIVERY = Histogram(
    "relay_chunk_delivery_seconds",
    "Watcher emitted a chunk -> written to an SSE client that was listening (no replays)",
    buckets=LATENCY_BUCKETS_S,
    registry=APP_REGISTRY,
)
#: The SSE path observes through this buffer (see relay/buffered_histogram.py).
CHUNK_DELIVERY_BUFFER = BufferedHistogram(CHUNK_DELIVERY)


@functools.cache
def chunk_gaps(route: str) -> BufferedHistogram:
    """``CHUNK_GAP``'s child for ``route`` behind a buffer: the watcher observes it per
    chunk, and a histogram's lock and two updates were a twentieth of a chunk's CPU.
    The runner flushes it when a job ends."""
    return BufferedHistogram(CHUNK_GAP.labels(route))


HTTP_REQUEST_DURATION = Histogram(
    "relay_http_request_duration_seconds",
    "HTTP request handling time (SSE: time to headers)",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS_S,
    registry=APP_REGISTRY,
)
# Live modes drop the samples of a worker that exited; "mostrecent" makes a value read
# from Redis by any worker (queue depth, watchers) the one shown, whichever wrote last.
SSE_CONNECTIONS = Gauge(
    "relay_sse_connections",
    "SSE streams open",
    multiprocess_mode="livesum",
    registry=APP_REGISTRY,
)
#: What a process's event hub receives: only its own clients' jobs (per-job channels).
HUB_MESSAGES = Counter(
    "relay_hub_messages",
    "Event messages this process's hub received on the jobs' live channels",
    registry=APP_REGISTRY,
)
HUB_CHANNELS = Gauge(
    "relay_hub_channels",
    "Job channels the hub is subscribed to (jobs the process's clients follow)",
    multiprocess_mode="livesum",
    registry=APP_REGISTRY,
)
JOBS_SUBMITTED = Counter(
    "relay_jobs_submitted_total", "Jobs accepted, by path", ["path"], registry=APP_REGISTRY
)
#: Semantic tier: how alike a hit's prompt was to the one it reused, and the model's cost.
SEMANTIC_SIMILARITY = Histogram(
    "relay_semantic_cache_hit_similarity",
    "Cosine similarity of semantic cache hits to the prompt they reused",
    buckets=(0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98, 0.99, 1.0),
    registry=APP_REGISTRY,
)
EMBEDDING_SECONDS = Histogram(
    "relay_embedding_seconds",
    "Time to embed one batch of prompts (semantic cache)",
    buckets=LATENCY_BUCKETS_S,
    registry=APP_REGISTRY,
)
EMBEDDING_BATCH = Histogram(
    "relay_embedding_batch_size",
    "Prompts embedded together in one batch",
    buckets=(1, 2, 4, 8, 16, 32),
    registry=APP_REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "relay_queue_depth",
    "Jobs submitted and not started yet (unclaimed, or claimed and waiting), per backend",
    ["backend"],
    multiprocess_mode="livemostrecent",
    registry=APP_REGISTRY,
)
QUEUE_OLDEST_JOB_AGE = Gauge(
    "relay_queue_oldest_job_age_seconds",
    "Age of the oldest job submitted and not started yet (0 when none waits)",
    multiprocess_mode="livemostrecent",
    registry=APP_REGISTRY,
)
WATCHERS_ALIVE = Gauge(
    "relay_watchers_alive",
    "Watchers with a fresh heartbeat",
    multiprocess_mode="livemostrecent",
    registry=APP_REGISTRY,
)
FALLBACK_MODE = Gauge(
    "relay_fallback_mode",
    "1 when Redis is unreachable and the file queue is used",
    multiprocess_mode="livemax",
    registry=APP_REGISTRY,
)

# --- both --------------------------------------------------------------------------
CACHE_REQUESTS = Counter(
    "relay_cache_requests_total",
    "Cache lookups by tier and result",
    ["tier", "result"],
    registry=APP_REGISTRY,
)
WATCHER_REGISTRY.register(CACHE_REQUESTS)
GC_PAUSE_SECONDS = Counter(
    "relay_gc_pause_seconds",
    "Time the cyclic garbage collector stopped the process, by generation",
    ["generation"],
    registry=APP_REGISTRY,
)
WATCHER_REGISTRY.register(GC_PAUSE_SECONDS)
GC_LONGEST_PAUSE = Gauge(
    "relay_gc_longest_pause_seconds",
    "The longest single collection since the process settled, by generation",
    ["generation"],
    multiprocess_mode="livemax",
    registry=APP_REGISTRY,
)
WATCHER_REGISTRY.register(GC_LONGEST_PAUSE)
#: The smallest across the app's workers (each sets it once it settled).
GC_FROZEN = Gauge(
    "relay_gc_frozen_objects",
    "Objects start-up built that the garbage collector no longer walks (gc.freeze)",
    multiprocess_mode="livemin",
    registry=APP_REGISTRY,
)
WATCHER_REGISTRY.register(GC_FROZEN)


def settle_garbage_collector() -> None:
    """This process's collector settled after start-up, its pauses counted here.

    Called from the process's event loop: the pauses reach the metrics from it.
    """
    pauses = collector.PauseRecorder(GC_PAUSE_SECONDS, GC_LONGEST_PAUSE)
    collector.settle_after_startup(pauses, GC_FROZEN)
    pauses.flush_every(collector.FLUSH_EVERY_S)


# --- exposition --------------------------------------------------------------------
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w+?_(\d+)\.db$")


def multiprocess_dir() -> str | None:
    """The multiprocess folder when prometheus-client runs in multiprocess mode."""
    return os.environ.get(MULTIPROC_ENV) or None


#: Whether observations keep exemplars: prometheus-client keeps none in multiprocess
#: mode (its mode is fixed when it is imported), so there none is made per request.
_EXEMPLARS_KEPT = multiprocess_dir() is None


def metrics_exposition(accept_header: str | None) -> tuple[bytes, str]:
    """The ``/metrics`` body and its content type, for the scraper's ``Accept`` header.

    OpenMetrics when the scraper accepts it (Prometheus does; exemplars need it),
    the classic text format otherwise. In multiprocess mode the samples of every
    worker are merged, after dropping the live gauges of workers that have died.
    """
    encoder, content_type = choose_encoder(accept_header or "")
    directory = multiprocess_dir()
    if directory is None:
        return encoder(APP_REGISTRY), content_type
    mark_dead_processes(directory)
    registry = CollectorRegistry()
    registry.register(
        _OwnedFamilies(multiprocess.MultiProcessCollector(None, path=directory), _app_families())
    )
    return encoder(registry), content_type


class _OwnedFamilies(Collector):
    """Only the families named: the shared files may also hold metrics a worker merely
    imported (a label-less metric writes its 0 as soon as it is defined)."""

    def __init__(self, inner: Collector, names: frozenset[str]) -> None:
        self._inner = inner
        self._names = names

    def collect(self) -> Iterable[Metric]:
        return [family for family in self._inner.collect() if family.name in self._names]


@functools.cache
def _app_families() -> frozenset[str]:
    return frozenset(family.name for family in APP_REGISTRY.collect())


def mark_dead_processes(directory: str) -> list[int]:
    """Drop the live-gauge files of processes that no longer exist; return their pids.

    Granian restarts a crashed worker without telling the app, so the scrape itself
    notices (a worker that shuts down cleanly calls :func:`mark_this_process_dead`).
    """
    dead: set[int] = set()
    for path in glob.glob(os.path.join(directory, "gauge_live*_*.db")):
        match = _LIVE_GAUGE_FILE.search(os.path.basename(path))
        if match and not _process_alive(pid := int(match.group(1))):
            dead.add(pid)
    for pid in dead:
        multiprocess.mark_process_dead(pid, directory)
    return sorted(dead)


def mark_this_process_dead() -> None:
    """Forget this process's live gauges (call on a worker's clean shutdown)."""
    directory = multiprocess_dir()
    if directory is not None:
        multiprocess.mark_process_dead(os.getpid(), directory)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_watcher_metrics_server(
    port: int, addr: str = "127.0.0.1"
) -> tuple[WSGIServer, threading.Thread]:
    """Serve the watcher's metrics (``/metrics``, any path) from a daemon thread.

    Only WATCHER_REGISTRY: the metrics this process owns.
    ``port`` 0 picks a free port (``server.server_port`` tells which). Content is
    negotiated like the app's, so Prometheus gets OpenMetrics with exemplars.
    Call ``server.shutdown()`` to stop it.
    """
    server, thread = start_http_server(port, addr=addr, registry=WATCHER_REGISTRY)
    log.info("watcher metrics on http://%s:%d/metrics", addr, server.server_port)
    return server, thread


# --- tracing -----------------------------------------------------------------------
#: The tracer every Relay span is started with: the SDK's (a proxy until setup_tracing
#: runs), in front of which dropped spans are made cheaply (:mod:`relay.sampling`).
tracer = sampling.DroppingTracer(trace.get_tracer("relay"))

_PROPAGATOR = TraceContextTextMapPropagator()
_provider: TracerProvider | None = None
_provider_lock = threading.Lock()


def setup_tracing(
    service_name: str, *, span_processors: Sequence[SpanProcessor] = ()
) -> TracerProvider | None:
    """Install the process's TracerProvider, configured by the ``OTEL_*`` variables.

    Spans are exported only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` or
    ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` is set: OTLP over HTTP behind a
    BatchSpanProcessor (``OTEL_BSP_*``, ``OTEL_EXPORTER_OTLP_HEADERS`` etc. apply), and
    recorded only when exported (:mod:`relay.sampling`; trace ids reach exemplars and
    jobs either way). ``OTEL_SERVICE_NAME`` overrides ``service_name``;
    ``OTEL_TRACES_SAMPLER`` picks the sampler; ``OTEL_SDK_DISABLED=true`` turns tracing
    off (returns None). Idempotent: later calls only add ``span_processors`` (tests add
    an in-memory exporter this way).
    """
    global _provider
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    with _provider_lock:
        if _provider is None:
            _provider = _install_provider(service_name)
            tracer.follow(_provider)
        for processor in span_processors:
            _add_processor(_provider, processor)
        return _provider


def _add_processor(provider: TracerProvider, processor: SpanProcessor) -> None:
    provider.add_span_processor(processor)
    if isinstance(provider.sampler, sampling.RecordWhenExported):
        provider.sampler.exporting = True  # someone receives spans now: record them


def _install_provider(service_name: str) -> TracerProvider:
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):  # someone (a test, an agent) set one: share it
        return current
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service_name}
    provider = TracerProvider(
        resource=Resource.create(attributes), sampler=sampling.from_environment()
    )
    if _otlp_endpoint_configured():
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        _add_processor(provider, BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider


def _otlp_endpoint_configured() -> bool:
    if os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def inject_traceparent() -> str:
    """The W3C ``traceparent`` of the current span ("" when there is none): store it in the job."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent", "")


def context_from_traceparent(traceparent: str) -> otel_context.Context:
    """A context whose parent is the span ``traceparent`` names (a fresh root if empty/bad).

    Use it as ``tracer.start_as_current_span("job", context=...)`` in the watcher.
    """
    if not traceparent:
        return otel_context.Context()
    return _PROPAGATOR.extract({"traceparent": traceparent}, context=otel_context.Context())


def current_trace_id() -> str | None:
    """The current span's trace id as 32 hex digits (None outside a span).

    A span the sampler dropped has a trace id too: the trace its job continues.
    """
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return trace.format_trace_id(span_context.trace_id)


def observe_with_exemplar(histogram_child: Histogram, value: float) -> None:
    """Observe ``value``, attaching ``{"trace_id": ...}`` as exemplar inside a span.

    ``histogram_child`` is a histogram without labels or one ``.labels(...)`` child.
    """
    trace_id = current_trace_id() if _EXEMPLARS_KEPT else None
    if trace_id is None:
        histogram_child.observe(value)
    else:
        histogram_child.observe(value, exemplar={"trace_id": trace_id})


@contextlib.contextmanager
def child_span(name: str) -> Iterator[trace.Span]:
    """``tracer.start_as_current_span(name)``, unless the current span is not recorded.

    A child of a dropped span is dropped too (the sampler follows the parent), so
    its making is skipped: the current span stands in (its attributes go nowhere,
    its trace id is the same). Four spans a job cost the watcher a tenth of a job's
    start while no spans were exported.
    """
    current = trace.get_current_span()
    if not current.is_recording():
        yield current
        return
    with tracer.start_as_current_span(name) as span:
        yield span


def record_interval_span(
    name: str,
    start_s: float,
    end_s: float,
    *,
    context: otel_context.Context | None = None,
    attributes: Mapping[str, AttributeValue] | None = None,
) -> None:
    """Record a finished span after the fact, from unix-second timestamps.

    For intervals nobody was running code in, e.g. the queue wait: the watcher calls
    ``record_interval_span("queue_wait", job.created_ts, started_ts, context=parent)``.
    """
    if context is None and not trace.get_current_span().is_recording():
        return  # its parent was dropped, so would it be (see child_span)
    span = tracer.start_span(
        name, context=context, start_time=int(start_s * 1e9), attributes=attributes
    )
    span.end(end_time=int(max(end_s, start_s) * 1e9))


def link_current_span(traceparent: str) -> None:
    """Link the current span to the span ``traceparent`` names (nothing if empty/bad).

    The SSE request is its own trace (the browser opens it after the submit's
    trace ended); the link leads from it to the job's trace.
    """
    span = trace.get_current_span()
    if not traceparent or not span.is_recording():
        return  # a dropped span keeps no links: the traceparent is not worth parsing
    target = trace.get_current_span(context_from_traceparent(traceparent)).get_span_context()
    if target.is_valid:
        span.add_link(target, {"relay.link": "job"})


#: The queue's name in messaging spans (the job's stream is one of its shards).
JOBS_DESTINATION = "relay:jobs"


def messaging_attributes(
    operation: str, job_id: str, system: str = "redis"
) -> dict[str, AttributeValue]:
    """OpenTelemetry messaging attributes of a job crossing the queue.

    ``operation`` is ``send`` (the app's PRODUCER span) or ``process`` (the watcher's
    CONSUMER span); the message is the job, so its id is the message id; ``system``
    is ``redis``, or ``file`` for the fallback queue.
    """
    return {
        "messaging.system": system,
        "messaging.destination.name": JOBS_DESTINATION,
        "messaging.operation.type": operation,
        "messaging.operation.name": operation,
        "messaging.message.id": job_id,
    }
