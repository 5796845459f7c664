"""The buffered histogram adds exactly what direct observations would."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram

from relay.buffered_histogram import BufferedHistogram

BUCKETS = (0.001, 0.01, 0.1, 1.0)
VALUES = [0.0, 0.0005, 0.001, 0.002, 0.01, 0.05, 0.5, 1.0, 3.0, 0.001]


def samples(histogram: Histogram) -> dict[tuple[str, str], float]:
    return {
        (s.name, s.labels.get("le", "")): s.value
        for metric in histogram.collect()
        for s in metric.samples
        if not s.name.endswith("_created")
    }


def test_flushed_counts_equal_direct_observations() -> None:
    direct = Histogram("direct", "d", buckets=BUCKETS, registry=CollectorRegistry())
    buffered_target = Histogram("direct", "d", buckets=BUCKETS, registry=CollectorRegistry())
    buffered = BufferedHistogram(buffered_target, flush_every_s=3600)
    for value in VALUES:
        direct.observe(value)
        buffered.observe(value)
    assert samples(buffered_target)[("direct_count", "")] == 0, "held until the flush"
    buffered.flush()
    assert samples(buffered_target) == samples(direct)


def test_flushes_by_itself_once_the_interval_passed() -> None:
    target = Histogram("h", "h", buckets=BUCKETS, registry=CollectorRegistry())
    buffered = BufferedHistogram(target, flush_every_s=0.0)
    buffered.observe(0.05)
    assert samples(target)[("h_count", "")] == 1
    assert samples(target)[("h_bucket", "0.1")] == 1
