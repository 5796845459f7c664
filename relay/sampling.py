"""The trace sampler: spans are recorded only when something will receive them.

With no span processor (no OTLP endpoint: the default), a recorded span is built,
filled with attributes and thrown away, which cost about 30 % of the app's CPU for a
small request (BENCHMARKS.md). :class:`RecordWhenExported` drops spans until a processor
is added (``relay.telemetry.setup_tracing``), then defers to the sampler configured by
``OTEL_TRACES_SAMPLER``. A dropped span still has a valid trace id, so traceparents
still reach jobs (the watcher continues the same trace) and exemplars still carry
trace ids.

:class:`DroppingTracer` is the tracer in front of the SDK's: while the sampler drops
everything, it makes those non-recording spans itself, as the SDK would (the parent's
trace id, or a new one, and a new span id), without the SDK's sampling call, its
``SamplingResult`` and its context manager. Those were a tenth of a chat's CPU in the
app and in the watcher, measured with tracing on and off.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import TracerProvider, sampling
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes


class RecordWhenExported(sampling.Sampler):
    """Drops every span while :attr:`exporting` is False, else asks ``configured``."""

    def __init__(self, configured: sampling.Sampler) -> None:
        self.configured = configured
        #: Set once a span processor receives this provider's spans.
        self.exporting = False

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> sampling.SamplingResult:
        if self.exporting:
            return self.configured.should_sample(
                parent_context, trace_id, name, kind, attributes, links, trace_state
            )
        parent = trace.get_current_span(parent_context).get_span_context()
        return sampling.SamplingResult(sampling.Decision.DROP, None, parent.trace_state)

    def get_description(self) -> str:
        return f"RecordWhenExported{{{self.configured.get_description()}}}"


def from_environment() -> RecordWhenExported:
    """The sampler for a new provider, wrapping the one ``OTEL_TRACES_SAMPLER`` names."""
    # The SDK's own reading of OTEL_TRACES_SAMPLER(_ARG), which TracerProvider uses too.
    return RecordWhenExported(sampling._get_from_env_or_default())


class DroppingTracer:
    """Starts spans like ``delegate``, cheaply while a :class:`RecordWhenExported`
    sampler drops them all.

    Until :meth:`follow` is given a provider with such a sampler (none installed, a
    provider someone else configured, ``OTEL_SDK_DISABLED``), every call goes to
    ``delegate``; so it does once that sampler's spans are exported.
    """

    def __init__(self, delegate: trace.Tracer) -> None:
        self._delegate = delegate
        self._sampler: RecordWhenExported | None = None
        self._ids: IdGenerator | None = None

    def follow(self, provider: TracerProvider) -> None:
        """Drop spans cheaply whenever ``provider``'s sampler drops them."""
        if isinstance(provider.sampler, RecordWhenExported):
            self._sampler, self._ids = provider.sampler, provider.id_generator

    def start_span(
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> trace.Span:
        """``Tracer.start_span``; a non-recording span while nothing is exported."""
        sampler, ids = self._sampler, self._ids
        if sampler is None or ids is None or sampler.exporting:
            return self._delegate.start_span(
                name, context, kind, attributes, links, start_time,
                record_exception, set_status_on_exception,
            )  # fmt: skip
        parent = trace.get_current_span(context).get_span_context()
        trace_id = parent.trace_id if parent.is_valid else ids.generate_trace_id()
        span_context = trace.SpanContext(
            trace_id,
            ids.generate_span_id(),
            is_remote=False,
            trace_flags=trace.TraceFlags(trace.TraceFlags.DEFAULT),
            trace_state=parent.trace_state,
        )
        return trace.NonRecordingSpan(span_context)

    @contextlib.contextmanager
    def start_as_current_span(
        self, name: str, *, end_on_exit: bool = True, **span: Any
    ) -> Iterator[trace.Span]:
        """``Tracer.start_as_current_span``: :meth:`start_span` with ``span``'s keywords
        (``context``, ``kind``, ``attributes``, ``links``, ``start_time``), made current."""
        with trace.use_span(self.start_span(name, **span), end_on_exit=end_on_exit) as current:
            yield current
