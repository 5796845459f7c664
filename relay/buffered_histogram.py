"""A histogram front that counts in plain Python and adds to Prometheus in bulk.

In prometheus-client's multiprocess mode every ``observe`` is an mmap write behind a
pid check; the SSE path would make one per chunk per client (a sixth of the app's
CPU under load, measured). Buffering keeps the exact bucket counts and sum: the
Prometheus histogram sees the same numbers, at most ``flush_every_s`` later.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left

from prometheus_client import Histogram


class BufferedHistogram:
    """Observations of one label-less histogram, flushed at most every ``flush_every_s``."""

    def __init__(self, histogram: Histogram, flush_every_s: float = 1.0) -> None:
        self._histogram = histogram
        # prometheus-client (pinned) keeps bounds, buckets and sum on these attributes;
        # the bucket of a value is the first bound >= it, as in Histogram.observe.
        self._bounds: list[float] = list(histogram._upper_bounds)
        self._counts = [0] * len(self._bounds)
        self._sum = 0.0
        self._pending = 0
        self._flush_every_s = flush_every_s
        self._flushed_at = time.monotonic()

    def observe(self, value: float) -> None:
        self._counts[bisect_left(self._bounds, value)] += 1
        self._sum += value
        self._pending += 1
        if time.monotonic() - self._flushed_at >= self._flush_every_s:
            self.flush()

    def flush(self) -> None:
        """Add everything counted so far to the Prometheus histogram."""
        self._flushed_at = time.monotonic()
        if not self._pending:
            return
        for index, count in enumerate(self._counts):
            if count:
                self._histogram._buckets[index].inc(count)
                self._counts[index] = 0
        self._histogram._sum.inc(self._sum)
        self._sum = 0.0
        self._pending = 0

    async def flush_periodically(self) -> None:
        """Flush on a timer too, so a quiet process does not hold counts back."""
        while True:
            await asyncio.sleep(self._flush_every_s)
            self.flush()
