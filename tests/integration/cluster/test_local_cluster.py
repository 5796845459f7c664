"""The test cluster itself (``tests.support.cluster``): shape, routing, failover, rejoin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from redis.exceptions import ConnectionError

from launcher import cluster as local_cluster
from relay.connections import as_cluster, connect
from relay.settings import Settings
from tests.support.cluster import LocalCluster
from tests.test_lean_redis import DisconnectedWhileConnecting


def test_three_masters_each_with_one_replica_cover_all_16384_slots(
    redis_cluster: LocalCluster, flush_cluster: Callable[[], None]
) -> None:
    masters = redis_cluster.masters()
    replicas = redis_cluster.replicas()
    assert len(masters) == 3 and len(replicas) == 3
    assert set(masters) | set(replicas) == set(redis_cluster.nodes)
    for master in masters:
        assert master.role() == "master"
        assert len(redis_cluster.replicas_of(master)) == 1
    held = sorted(
        slot
        for view in local_cluster.cluster_nodes(redis_cluster.nodes[0].port)
        if view.is_master
        for first, last in view.slots
        for slot in range(first, last + 1)
    )
    assert held == list(range(16384))  # every slot, none twice
    for node in redis_cluster.nodes:
        info = local_cluster.cluster_info(node.port)
        assert info["cluster_state"] == "ok"
        assert info["cluster_known_nodes"] == "6"
    assert redis_cluster.seeds == ",".join(f"127.0.0.1:{n.port}" for n in redis_cluster.nodes)


def test_a_key_written_through_the_cluster_client_is_read_back_and_lives_on_its_master(
    redis_cluster: LocalCluster, flush_cluster: Callable[[], None]
) -> None:
    keys = [f"relay:{{job-{index}}}:job" for index in range(12)]
    with redis_cluster.client(decode_responses=True) as client:
        for key in keys:
            client.set(key, f"value of {key}")
        assert [client.get(key) for key in keys] == [f"value of {key}" for key in keys]
    owners = {redis_cluster.master_of(key).port for key in keys}
    assert len(owners) > 1  # twelve hash tags do not all land on one master
    for key in keys:
        with redis_cluster.master_of(key).client() as node:
            assert node.get(key) == f"value of {key}"  # not a redirect: the slot is here


def test_killing_a_keys_master_promotes_its_replica_and_the_key_survives(
    redis_cluster: LocalCluster, flush_cluster: Callable[[], None]
) -> None:
    key = "relay:{failover}:job"
    old_master = redis_cluster.master_of(key)
    (replica,) = redis_cluster.replicas_of(old_master)
    with old_master.client() as node, node.pipeline(transaction=False) as pipe:
        # One connection: WAIT counts the replicas that have this connection's writes.
        pipe.set(key, "kept")
        pipe.execute_command("WAIT", 1, 2000)
        _, acknowledged = pipe.execute()
    assert acknowledged == 1

    with redis_cluster.client(decode_responses=True) as client:
        assert client.get(key) == "kept"
        redis_cluster.kill(old_master)
        new_master = redis_cluster.wait_for_failover(old_master)
        assert new_master is replica
        assert new_master.role() == "master"
        assert redis_cluster.master_of(key) is new_master
        assert client.get(key) == "kept"  # the same client finds the new master

    redis_cluster.restart(old_master)
    assert old_master.role() == "slave"
    assert redis_cluster.replicas_of(new_master) == [old_master]
    with redis_cluster.client(decode_responses=True) as client:
        assert client.get(key) == "kept"


async def test_a_cluster_connection_torn_down_while_it_connects_fails_as_a_connection_error(
    redis_cluster: LocalCluster, flush_cluster: Callable[[], None], cluster_settings: Settings
) -> None:
    """The race that stopped CI's watchers after a failover (see the connection class)."""
    cluster = as_cluster(connect(cluster_settings, 8, blocking=True))
    try:
        await cluster.initialize()
        for node in cluster.get_nodes():  # new connections are set up the racy way
            await node.disconnect()
            node._free.clear()  # redis-py keeps no public way to empty it
            node._connections.clear()
            node.connection_class = DisconnectedWhileConnecting
        DisconnectedWhileConnecting.torn_down = 0
        with pytest.raises(ConnectionError, match="closed under the command"):
            await cluster.set("relay:{torn}:key", "v")
        assert await cluster.set("relay:{torn}:key", "v")  # set up again on next use
        assert await cluster.get("relay:{torn}:key") == b"v"
    finally:
        await cluster.aclose()
