"""The garbage collector settled after start-up: start-up's objects frozen, its
garbage freed, cycles made later still freed, every later collection timed."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge

from relay import collector


class Node:
    """A reference cycle's member (only the cyclic collector frees a cycle)."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> Node:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a


@dataclass
class Metrics:
    registry: CollectorRegistry
    seconds: Counter
    longest: Gauge
    frozen: Gauge

    def recorder(self) -> collector.PauseRecorder:
        return collector.PauseRecorder(self.seconds, self.longest)

    def value(self, name: str, generation: str | None = None) -> float:
        labels = {} if generation is None else {"generation": generation}
        found = self.registry.get_sample_value(name, labels)
        assert found is not None, (name, labels)
        return found


@pytest.fixture
def metrics() -> Iterator[Metrics]:
    registry = CollectorRegistry()
    found = Metrics(
        registry,
        Counter("gc_pause_seconds", "s", ["generation"], registry=registry),
        Gauge("gc_longest", "l", ["generation"], registry=registry),
        Gauge("gc_frozen", "f", registry=registry),
    )
    threshold = gc.get_threshold()
    callbacks = list(gc.callbacks)
    yield found
    gc.callbacks[:] = callbacks
    gc.unfreeze()
    gc.set_threshold(*threshold)


def tracked_ids() -> set[int]:
    return {id(o) for o in gc.get_objects()}


def test_start_up_objects_are_frozen_and_its_garbage_freed(metrics: Metrics) -> None:
    long_lived = {"built": ["at start-up"]}
    garbage = cycle()
    garbage_id = id(garbage)
    del garbage
    assert garbage_id in tracked_ids()

    collector.settle_after_startup(metrics.recorder(), metrics.frozen)

    assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
    tracked = tracked_ids()
    assert id(long_lived) not in tracked, "frozen: no collection walks it again"
    assert garbage_id not in tracked, "start-up's cycle was freed, not frozen"
    # Frozen objects can still be freed (no longer referenced), none are added.
    assert metrics.value("gc_frozen") >= gc.get_freeze_count() > 1000  # this process's modules
    # The settling collection is start-up's, not a pause while serving.
    assert metrics.value("gc_pause_seconds_total", "2") == 0


def test_cycles_made_after_settling_are_still_freed_and_timed(metrics: Metrics) -> None:
    pauses = metrics.recorder()
    collector.settle_after_startup(pauses, metrics.frozen)
    made = [id(cycle()) for _ in range(100)]
    assert set(made) <= tracked_ids(), "unreachable, but cycles: only the collector frees them"

    gc.collect()
    pauses.flush()

    assert not set(made) & tracked_ids()
    spent = metrics.value("gc_pause_seconds_total", "2")
    assert 0 < spent == metrics.value("gc_longest", "2")


def test_no_metric_is_written_inside_a_collection(metrics: Metrics) -> None:
    """The app's multiprocess metrics share one lock: a hook writing a metric from a
    collection set off while that lock is held would deadlock the worker."""
    pauses = metrics.recorder()
    pauses.install()
    gc.collect()
    assert metrics.value("gc_pause_seconds_total", "2") == 0, "held until the flush"
    pauses.flush()
    once = metrics.value("gc_pause_seconds_total", "2")
    assert once > 0
    pauses.flush()
    assert metrics.value("gc_pause_seconds_total", "2") == once, "each pause counted once"


def test_each_generation_is_timed_apart_with_its_longest_pause(metrics: Metrics) -> None:
    pauses = metrics.recorder()
    pauses.install()
    for _ in range(3):
        gc.collect(0)
    gc.collect(1)
    pauses.flush()
    young = metrics.value("gc_pause_seconds_total", "0")
    assert 0 < metrics.value("gc_longest", "0") < young, "one of three pauses, not the sum"
    assert metrics.value("gc_pause_seconds_total", "1") > 0
    assert metrics.value("gc_pause_seconds_total", "2") == 0


async def test_flushed_from_the_event_loop(metrics: Metrics) -> None:
    pauses = metrics.recorder()
    pauses.install()
    pauses.flush_every(0.01)
    gc.collect(0)
    for _ in range(200):
        await asyncio.sleep(0.01)
        if metrics.value("gc_pause_seconds_total", "0") > 0:
            break
    assert metrics.value("gc_pause_seconds_total", "0") > 0


def test_one_recorder_per_counter(metrics: Metrics) -> None:
    recorders = [metrics.recorder() for _ in range(3)]
    for recorder in recorders:
        recorder.install()
    ours = [
        cb
        for cb in gc.callbacks
        if isinstance(cb, collector.PauseRecorder) and cb._seconds is metrics.seconds
    ]
    assert ours == recorders[:1]
