"""The cluster-safe layout without a server: how a cluster is named, and where keys land."""

from __future__ import annotations

import pytest
from redis.crc import key_slot

from relay import keys
from relay.settings import Settings


def test_a_cluster_is_named_by_its_seeds_or_a_cluster_url() -> None:
    by_list = Settings(redis_cluster_nodes="127.0.0.1:7002, 127.0.0.1:7001")
    by_url = Settings(redis_url="redis+cluster://127.0.0.1:7001,127.0.0.1:7002/0")
    assert (
        by_list.cluster_seeds == by_url.cluster_seeds == [("127.0.0.1", 7001), ("127.0.0.1", 7002)]
    )
    assert Settings(redis_url="redis://127.0.0.1:6379/0").cluster_seeds == []
    with pytest.raises(ValueError, match="host:port"):
        _ = Settings(redis_cluster_nodes="127.0.0.1").cluster_seeds


def test_replicas_are_awaited_on_a_cluster_only_unless_set() -> None:
    assert Settings().wait_replicas == 0
    assert Settings(redis_cluster_nodes="h:1").wait_replicas == 1
    assert Settings(redis_cluster_nodes="h:1", redis_wait_replicas=0).wait_replicas == 0


def test_every_key_of_a_job_and_of_a_project_shares_one_slot() -> None:
    job_keys = [keys.job("j1"), keys.job_events("j1"), keys.job_text("j1"), keys.job_live("j1")]
    project_keys = [
        keys.project_order("p"),
        keys.project_active("p"),
        keys.project_history("p"),
        keys.cache_generation("p"),
    ]
    for group in (job_keys, project_keys):
        assert len({key_slot(key.encode()) for key in group}) == 1, group
    assert keys.job_of_live(keys.job_live("j1")) == "j1"


def test_each_shard_keeps_its_stream_and_backlogs_together_and_shards_spread_over_the_slots() -> (
    None
):
    count = keys.shard_count()
    for shard in range(count):
        together = {
            keys.jobs_stream(shard),
            keys.backlog(shard, "echo"),
            keys.backlog(shard, "openai"),
        }
        assert len({key_slot(key.encode()) for key in together}) == 1
    slots = [key_slot(stream.encode()) for stream in keys.jobs_streams()]
    for shard, slot in enumerate(slots):
        assert shard * keys.SLOTS // count <= slot < (shard + 1) * keys.SLOTS // count
    # Three masters with equal ranges (redis-cli --cluster create): every one gets a shard.
    masters = {slot * 3 // keys.SLOTS for slot in slots}
    assert masters == {0, 1, 2}
