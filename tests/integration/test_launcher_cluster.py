"""The launcher's local Redis Cluster (``--cluster``): made once, reused, nodes supervised.

Only the cluster part of the launch runs here (``start_local_cluster`` under a real
``Supervisor``): the app and the watcher on a cluster are the pipeline tests' concern.
"""

from __future__ import annotations

import asyncio
import io
import random
import signal
import time
from pathlib import Path

from launcher import cluster
from launcher.launch import start_local_cluster
from launcher.preflight import LaunchRefused, check_ports, ports_needed
from launcher.supervisor import RestartPolicy, Supervisor
from relay.settings import Settings

READY_TIMEOUT_S = 20.0


def free_cluster_settings(state_dir: Path) -> Settings:
    """Settings whose six node ports and their bus ports are all free right now."""
    for _ in range(50):
        # Node and bus ports (+10000) both below Linux's ephemeral range (32768 up): a
        # bus port there could be taken by some connection's local end before the node
        # starts (CI saw a node exit at start).
        first = random.randrange(12000, 22000)
        settings = Settings(state_dir=state_dir, local_cluster_port=first)
        try:
            check_ports(ports_needed(settings, False, cluster.cluster_ports(settings)))
        except LaunchRefused:
            continue
        return settings
    raise RuntimeError("no six free ports (and bus ports) found")


def node_ids(ports: list[int]) -> dict[int, str]:
    ids = {}
    for port in ports:
        with cluster.node_client(port) as client:
            ids[port] = str(client.execute_command("CLUSTER", "MYID"))
    return ids


async def wait_ready(ports: list[int]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while (why := await asyncio.to_thread(cluster.not_ready, ports)) is not None:
        assert time.monotonic() < deadline, why
        await asyncio.sleep(0.1)


async def test_the_cluster_is_made_on_the_first_start_reused_after_and_its_nodes_restarted(
    tmp_path: Path,
) -> None:
    settings = free_cluster_settings(tmp_path)
    ports = cluster.cluster_ports(settings)

    first_out = io.StringIO()
    first = Supervisor(first_out, stop_timeout_s=5.0)
    try:
        await start_local_cluster(settings, first, ports)
        assert cluster.not_ready(ports) is None
        made = node_ids(ports)
    finally:
        await first.stop_all()
    assert "creating the local Redis Cluster" in first_out.getvalue()
    assert "cluster | >>> Performing hash slots allocation on 6 nodes" in first_out.getvalue()
    for port in ports:
        assert (tmp_path / "cluster" / str(port) / f"nodes-{port}.conf").is_file()

    again_out = io.StringIO()
    again = Supervisor(again_out, stop_timeout_s=5.0, policy=RestartPolicy(first_delay_s=0.2))
    try:
        await start_local_cluster(settings, again, ports)
        assert "creating" not in again_out.getvalue()  # the nodes found each other again
        assert node_ids(ports) == made

        for child in again.children:
            again.supervise(child)
        (victim,) = [c for c in again.children if c.name == cluster.node_name(ports[0])]
        victim.process.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while f"{victim.name} restarted" not in again_out.getvalue():
            assert time.monotonic() < deadline, again_out.getvalue()[-2000:]
            await asyncio.sleep(0.1)
        await wait_ready(ports)
        assert node_ids(ports) == made  # the same node, back in its cluster
    finally:
        await again.stop_all()
