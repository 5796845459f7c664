"""The cyclic garbage collector, set for a long-running server process.

CPython's collector walks every object it tracks in a full (generation 2)
collection. After start-up a Relay process tracks about 60,000 objects (its
modules, Falcon, OpenTelemetry, redis-py, aiohttp) that live as long as the process,
so each full collection walked them all again: under waves of 100 chats a full
collection stopped the watcher for up to 90 ms and an app worker for 70 ms, in the
middle of a burst of chat starts (BENCHMARKS.md). The young collections ran every
700 allocations, a few times per chat.

:func:`settle_after_startup` moves what start-up built out of the collector's
sight (``gc.freeze``: those objects are never collected, which they would not be
anyway) and lets the young generation grow before it is collected. Cycles made
while serving are still found and freed: only when they are looked for changes.
:class:`PauseRecorder` keeps the collector's time visible: the seconds each
generation took (``relay_gc_pause_seconds_total``) and its longest pause.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

from prometheus_client import Counter, Gauge

#: Allocations (net of frees) between two young collections; CPython's default is 700.
#: A request allocates hundreds of container objects that mostly die with it: a
#: larger young generation collects them in fewer passes over the survivors.
YOUNG_THRESHOLD = 20_000
#: Young collections per middle one, middle per full one: CPython's defaults.
OLDER_THRESHOLDS = (10, 10)
#: How often the collector's time reaches the metrics.
FLUSH_EVERY_S = 1.0


def settle_after_startup(pauses: PauseRecorder | None = None, frozen: Gauge | None = None) -> None:
    """Collect start-up's garbage once, freeze the rest, then raise the young threshold.

    Call once the process has built its long-lived parts (imports, clients, the app),
    before it serves: what exists then is never walked by a collection again. With
    ``pauses``, every later collection is timed (not this settling one, which is
    start-up's); ``frozen`` is set to the number of objects frozen.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
    if frozen is not None:
        frozen.set(gc.get_freeze_count())
    if pauses is not None:
        pauses.install()


class PauseRecorder:
    """Adds up each generation's collection time and keeps its longest pause.

    A ``gc.callbacks`` hook runs inside the collector, in whichever thread allocated
    last, so it only adds to plain floats. The metrics are written by :meth:`flush`,
    outside any collection: prometheus-client's multiprocess values (the app's) share
    one non-reentrant lock, and a collection set off while some metric held it would
    wait forever for itself if the hook wrote a metric.
    """

    def __init__(self, seconds: Counter, longest: Gauge) -> None:
        self._seconds = seconds
        self._spent = [seconds.labels(str(generation)) for generation in range(3)]
        self._longest = [longest.labels(str(generation)) for generation in range(3)]
        # Written only by the hook: total and longest per generation.
        self._total_s = [0.0, 0.0, 0.0]
        self._longest_s = [0.0, 0.0, 0.0]
        # Written only by flush(): what the metrics already hold.
        self._flushed_s = [0.0, 0.0, 0.0]
        self._flushed_longest_s = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        generation = info["generation"]
        pause = time.perf_counter() - self._started
        self._total_s[generation] += pause
        if pause > self._longest_s[generation]:
            self._longest_s[generation] = pause

    def flush(self) -> None:
        """Write the time collected since the last flush into the metrics."""
        for generation in range(3):
            total = self._total_s[generation]
            if total > self._flushed_s[generation]:
                self._spent[generation].inc(total - self._flushed_s[generation])
                self._flushed_s[generation] = total
            longest = self._longest_s[generation]
            if longest > self._flushed_longest_s[generation]:
                self._longest[generation].set(longest)
                self._flushed_longest_s[generation] = longest

    def flush_every(self, interval_s: float) -> None:
        """Flush from the running event loop every ``interval_s``, for good."""
        loop = asyncio.get_running_loop()

        def tick() -> None:
            self.flush()
            loop.call_later(interval_s, tick)

        loop.call_later(interval_s, tick)

    def install(self) -> None:
        """Start timing collections, unless a recorder into the same counter does."""
        for callback in gc.callbacks:
            if isinstance(callback, PauseRecorder) and callback._seconds is self._seconds:
                return
        gc.callbacks.append(self)
