"""The trace sampler: spans are recorded only when something will receive them.

With no span processor (no OTLP endpoint: the default), a recorded span is built,
filled with attributes and thrown away, which cost about 30 % of the app's CPU for a
small request (BENCHMARKS.md). :class:`RecordWhenExported` drops spans until a processor
is added (``relay.telemetry.setup_tracing``), then defers to the sampler configured by
``OTEL_TRACES_SAMPLER``. A dropped span still has a valid trace id, so traceparents
still reach jobs (the watcher continues the same trace) and exemplars still carry
trace ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import sampling
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
