"""Events of jobs this process just finished answering, kept briefly in memory.

A cache hit is stored in Redis and its id handed to the browser, which opens the
event stream a moment later — almost always on the same process. Keeping those
immutable events here lets that stream replay without touching Redis.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from relay.jobs import Event


class RecentJobs:
    """A bounded, time-limited map of finished job id -> its events."""

    def __init__(self, max_jobs: int = 10_000, ttl_s: float = 60.0) -> None:
        self._jobs: OrderedDict[str, tuple[float, list[Event], str]] = OrderedDict()
        self._max_jobs = max_jobs
        self._ttl_s = ttl_s

    def remember(self, job_id: str, events: list[Event], traceparent: str = "") -> None:
        """Keep the complete, finished event list of ``job_id`` (and its trace context)."""
        self._jobs[job_id] = (time.monotonic() + self._ttl_s, events, traceparent)
        self._jobs.move_to_end(job_id)
        while len(self._jobs) > self._max_jobs:
            self._jobs.popitem(last=False)

    def events(self, job_id: str) -> list[Event] | None:
        """The job's events, or None when not kept (or kept too long)."""
        entry = self._jobs.get(job_id)
        if entry is None:
            return None
        expires, events, _ = entry
        if time.monotonic() > expires:
            del self._jobs[job_id]
            return None
        return events

    def traceparent(self, job_id: str) -> str:
        """The kept job's W3C traceparent ("" when none or not kept)."""
        entry = self._jobs.get(job_id)
        return entry[2] if entry is not None else ""
