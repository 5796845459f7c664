"""Recently finished jobs kept in memory: bounded in number and in time."""

from __future__ import annotations

import time

from relay.jobs import Event, EventType
from relay.recent import RecentJobs


def events_of(job_id: str) -> list[Event]:
    return [Event.create(job_id, 1, EventType.DONE, 1.0, {"result": "x"})]


def test_keeps_then_forgets_the_oldest_beyond_the_bound() -> None:
    recent = RecentJobs(max_jobs=2)
    for job_id in ("a", "b", "c"):
        recent.remember(job_id, events_of(job_id))
    assert recent.events("a") is None
    assert recent.events("b") == events_of("b")
    assert recent.events("c") == events_of("c")


def test_forgets_after_the_ttl() -> None:
    recent = RecentJobs(ttl_s=0.01)
    recent.remember("a", events_of("a"))
    time.sleep(0.02)
    assert recent.events("a") is None
