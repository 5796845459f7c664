"""Per-request telemetry: the HTTP histogram, the server span and ``Server-Timing``.

Redis time is measured by the clients themselves (``relay.connections.TimedRedis``
wraps every command and pipeline in :func:`relay.connections.timed_redis`): inside a
request the durations add up into that request's ``redis;dur=`` entry of the
``Server-Timing`` header and the span's ``relay.redis.*`` attributes (calls that
overlap, e.g. under ``asyncio.gather``, add up too: it is Redis time, not wall time).
"""

from __future__ import annotations

import time
from contextvars import Token
from typing import Any

import falcon.asgi
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter

from relay import telemetry
from relay.connections import RedisTimer, redis_timer
from relay.connections import timed_redis as timed_redis  # re-exported for callers

UNMATCHED_ROUTE = "unmatched"
#: The ``method`` label's values: any other method the client sends counts as ``other``.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Paths that get metrics but no span: scrapes and health checks would drown real traces.
UNTRACED_PATHS = frozenset({"/metrics", "/health", "/api/health"})


class _RequestTelemetry:
    """One request's clock, Redis time, span and the context tokens to reset.

    A plain slotted class: made twice per chat (its POST and its stream), where a
    dataclass with a default factory cost two generated ``__init__`` calls.
    """

    __slots__ = ("context_token", "span", "start", "timer", "timer_token")

    def __init__(self, start: float) -> None:
        self.start = start
        self.timer = RedisTimer()
        self.timer_token: Token[RedisTimer | None] | None = None
        self.span: trace.Span | None = None
        self.context_token: Token[otel_context.Context] | None = None


class _RequestHeaders(Getter[falcon.asgi.Request]):
    """Lets OpenTelemetry propagators read a Falcon request's headers."""

    def get(self, carrier: falcon.asgi.Request, key: str) -> list[str] | None:
        value = carrier.get_header(key)
        return None if value is None else [value]

    def keys(self, carrier: falcon.asgi.Request) -> list[str]:
        return [name.lower() for name in carrier.headers]


_HEADERS = _RequestHeaders()


class RequestMetricsMiddleware:
    """Falcon ASGI middleware timing every request.

    - ``relay_http_request_duration_seconds{route,method,status}`` with the route
      template (``req.uri_template``, or ``unmatched``), never the raw path;
    - a server span ``HTTP <METHOD> <route>`` continuing an incoming ``traceparent``;
    - ``Server-Timing: total;dur=<ms>, redis;dur=<ms>``.

    For SSE responses all three measure the time to headers. At start-up it sets up
    tracing for ``service_name``; on shutdown it drops this worker's live gauges.
    """

    def __init__(
        self, service_name: str = "relay-app", untraced_paths: frozenset[str] = UNTRACED_PATHS
    ) -> None:
        self.service_name = service_name
        self.untraced_paths = untraced_paths

    async def process_startup(self, scope: dict[str, Any], event: dict[str, Any]) -> None:
        """Configure tracing and settle the garbage collector in this worker (after
        Granian started it)."""
        telemetry.setup_tracing(self.service_name)
        telemetry.settle_garbage_collector()

    async def process_shutdown(self, scope: dict[str, Any], event: dict[str, Any]) -> None:
        """Drop this worker's live gauges from the multiprocess folder."""
        telemetry.mark_this_process_dead()

    async def process_request(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        """Start the clock, the Redis accumulator and the server span."""
        state = _RequestTelemetry(start=time.perf_counter())
        state.timer_token = redis_timer.set(state.timer)
        if req.path not in self.untraced_paths:
            # Only a request that names a parent has one to extract (the propagators'
            # lookups cost a tenth of a small request's CPU otherwise).
            parent = (
                propagate.extract(req, getter=_HEADERS)
                if req.get_header("traceparent") or req.get_header("baggage")
                else None
            )
            state.span = span = telemetry.tracer.start_span(
                f"HTTP {req.method}", context=parent, kind=trace.SpanKind.SERVER
            )
            if span.is_recording():  # attributes of a dropped span go nowhere
                span.set_attributes(
                    {
                        "http.request.method": req.method,
                        "url.path": req.path,
                        "url.scheme": req.scheme,
                        "user_agent.original": req.user_agent or "",
                    }
                )
            state.context_token = otel_context.attach(trace.set_span_in_context(span))
        req.context.telemetry = state

    async def process_response(
        self,
        req: falcon.asgi.Request,
        resp: falcon.asgi.Response,
        resource: object,
        req_succeeded: bool,
    ) -> None:
        """Record the histogram, set ``Server-Timing`` and end the span."""
        state: _RequestTelemetry | None = req.context.get("telemetry")
        if state is None:  # an earlier middleware failed before ours ran
            return
        elapsed = time.perf_counter() - state.start
        route = req.uri_template or UNMATCHED_ROUTE
        status = resp.status_code
        resp.append_header(
            "Server-Timing",
            f"total;dur={elapsed * 1000:.3f}, redis;dur={state.timer.seconds * 1000:.3f}",
        )
        method = req.method if req.method in KNOWN_METHODS else "other"
        telemetry.observe_with_exemplar(
            telemetry.HTTP_REQUEST_DURATION.labels(route, method, str(status)), elapsed
        )
        if state.timer_token is not None:
            redis_timer.reset(state.timer_token)
        if state.span is not None:
            _finish_span(state.span, method, route, status, state.timer)
        if state.context_token is not None:
            otel_context.detach(state.context_token)


def _finish_span(span: trace.Span, method: str, route: str, status: int, timer: RedisTimer) -> None:
    if not span.is_recording():
        span.end()
        return
    span.update_name(f"HTTP {method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    span.set_attribute("relay.redis.duration_ms", round(timer.seconds * 1000, 3))
    span.set_attribute("relay.redis.calls", timer.calls)
    if status >= 500:
        span.set_status(trace.StatusCode.ERROR)
    span.end()


def telemetry_middleware() -> list[RequestMetricsMiddleware]:
    """The middleware ``create_app`` adds, first in the list so it times everything."""
    return [RequestMetricsMiddleware()]
