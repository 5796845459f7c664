"""``make bench-cluster`` cannot rot: one tiny run of it on the session's cluster."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from loadtest import cluster_fanout
from relay.settings import Settings
from tests.support.cluster import LocalCluster


def test_each_app_process_receives_the_events_of_its_own_streams_only(
    redis_cluster: LocalCluster, cluster_settings: Settings, logs_dir: Path
) -> None:
    redis_cluster.ensure_healthy()
    # Slow enough that the streams are followed live, not replayed from the log.
    base = dataclasses.replace(cluster_settings, echo_interval_ms=25.0)
    run = cluster_fanout.measure(redis_cluster, base, apps=2, streams=6, words=30, logs=logs_dir)
    assert run["failed"] == 0
    first, second = run["rows"]
    assert (first["streams"], second["streams"]) == (2, 4)
    assert run["total_events"] == first["own_events"] + second["own_events"]
    for row in run["rows"]:
        # Live messages of its own jobs only: at most their events (the first few
        # may be replayed from the log instead), far from every job's.
        assert 0.5 * row["own_events"] < row["hub_messages"] <= row["own_events"], row
        assert row["of_all_events"] < 0.8, row
