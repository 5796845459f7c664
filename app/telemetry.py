"""Metrics and tracing, shared by the app and the watcher.

Every metric Relay exposes is defined here, once. Names carry units; labels are
low-cardinality (route templates, outcomes, tiers), never job ids.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Buckets from 0.5 ms to 10 s: the targets live at 5-20 ms, the seed's at 100-500 ms.
LATENCY_BUCKETS_S = (
    0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
    0.1, 0.15, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0,
)
DURATION_BUCKETS_S = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

# --- watcher side ------------------------------------------------------------------
TIME_TO_FIRST_TOKEN = Histogram(
    "relay_time_to_first_token_seconds",
    "Job submitted -> first chunk emitted by the watcher",
    ["model"],
    buckets=LATENCY_BUCKETS_S,
)
QUEUE_WAIT = Histogram(
    "relay_queue_wait_seconds",
    "Job submitted -> claimed and started by a watcher",
    buckets=LATENCY_BUCKETS_S,
)
CHUNK_GAP = Histogram(
    "relay_chunk_gap_seconds",
    "Time between consecutive chunks of one job, as emitted",
    ["model"],
    buckets=LATENCY_BUCKETS_S,
)
JOB_DURATION = Histogram(
    "relay_job_duration_seconds",
    "Job started -> finished, by outcome",
    ["model", "outcome"],
    buckets=DURATION_BUCKETS_S,
)
JOBS_FINISHED = Counter("relay_jobs_total", "Jobs finished, by outcome", ["model", "outcome"])
BACKEND_RUNS = Counter("relay_backend_runs_total", "Backend rounds started", ["backend"])
JOBS_RUNNING = Gauge("relay_jobs_running", "Jobs this watcher is running now")

# --- app side ----------------------------------------------------------------------
CHUNK_DELIVERY = Histogram(
    "relay_chunk_delivery_seconds",
    "Watcher emitted a chunk -> written to the SSE client",
    buckets=LATENCY_BUCKETS_S,
)
HTTP_REQUEST_DURATION = Histogram(
    "relay_http_request_duration_seconds",
    "HTTP request handling time (SSE: time to headers)",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS_S,
)
SSE_CONNECTIONS = Gauge("relay_sse_connections", "SSE streams open", multiprocess_mode="livesum")
JOBS_SUBMITTED = Counter("relay_jobs_submitted_total", "Jobs accepted, by path", ["path"])
CACHE_REQUESTS = Counter(
    "relay_cache_requests_total", "Cache lookups by tier and result", ["tier", "result"]
)
QUEUE_DEPTH = Gauge("relay_queue_depth", "Jobs waiting in the queue", multiprocess_mode="max")
WATCHERS_ALIVE = Gauge("relay_watchers_alive", "Watchers with a fresh heartbeat", multiprocess_mode="max")
FALLBACK_MODE = Gauge(
    "relay_fallback_mode", "1 when Redis is unreachable and the file queue is used",
    multiprocess_mode="max",
)
