"""A real Redis Cluster for tests and benchmarks: six ``redis-server`` nodes on free ports.

Three masters, one replica each, made with ``redis-cli --cluster create`` exactly as
the launcher's ``--cluster`` makes its own (the commands are ``launcher.cluster``'s).
Nodes are :class:`ManagedProcess` es: logged, in their own process group, always
stopped. A node can be SIGKILLed, its replica's promotion awaited, and the node
started again, when it rejoins as a replica of its successor::

    with LocalCluster(logs_dir, data_dir) as cluster:
        settings = dataclasses.replace(settings, redis_cluster_nodes=cluster.seeds)
        old = cluster.master_of("relay:{job}:job")
        cluster.kill(old)
        new = cluster.wait_for_failover(old)
        cluster.restart(old)
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import redis
from redis.cluster import ClusterNode, RedisCluster

from launcher import cluster
from launcher.cluster import NodeView
from relay.settings import Settings
from tests.support.processes import POLL_INTERVAL_S, ManagedProcess, ProcessFailed, free_port

CREATE_TIMEOUT_S = 60.0
READY_TIMEOUT_S = 30.0
FAILOVER_TIMEOUT_S = 15.0


class ClusterNodeProcess(ManagedProcess):
    """One node of a :class:`LocalCluster`: ``.port``, ``.client()``, ``.node_id``."""

    def __init__(
        self, settings: Settings, port: int, bus_port: int, root: Path, log_dir: Path
    ) -> None:
        self.port = port
        self.bus_port = bus_port
        self.root = root
        self._node_id: str | None = None
        super().__init__(cluster.node_command(settings, port, root, bus_port), log_dir)

    def __repr__(self) -> str:
        return f"<node {self.port}{'' if self.alive else ' (down)'}>"

    @property
    def address(self) -> str:
        """``127.0.0.1:<port>``."""
        return f"{cluster.HOST}:{self.port}"

    @property
    def node_id(self) -> str:
        """The node's cluster id (kept in its nodes.conf, so the same after a restart)."""
        if self._node_id is None:
            with self.client() as client:
                self._node_id = str(client.execute_command("CLUSTER", "MYID"))
        return self._node_id

    def client(self) -> redis.Redis:
        """A plain (not cluster-aware) client to this node; close it after use."""
        return cluster.node_client(self.port)

    def role(self) -> str:
        """``master`` or ``slave``, as the node itself says."""
        with self.client() as client:
            return str(client.info("replication")["role"])

    def prepare(self) -> None:
        cluster.prepare_nodes(self.root, [self.port])

    def is_ready(self) -> bool:
        return cluster.answers(self.port)


class LocalCluster:
    """Six cluster nodes, three masters and three replicas, on free loopback ports.

    ``start()`` (or ``with``) starts the nodes, creates the cluster the first time and
    returns once every node says ``cluster_state:ok``, all 16384 slots are covered and
    every master has a replica in sync.
    """

    def __init__(
        self,
        log_dir: Path,
        data_dir: Path,
        appendfsync: str = Settings.redis_appendfsync,
    ) -> None:
        self.log_dir = log_dir
        self.data_dir = data_dir
        self.settings = Settings(state_dir=data_dir, redis_appendfsync=appendfsync)
        self.nodes: list[ClusterNodeProcess] = [
            ClusterNodeProcess(self.settings, free_port(), free_port(), data_dir, log_dir)
            for _ in range(cluster.NODES)
        ]
        #: Slots each killed master held, by node id: what its successor must hold.
        self._slots_of_killed: dict[str, tuple[tuple[int, int], ...]] = {}

    # --- lifecycle ------------------------------------------------------------------
    def __enter__(self) -> LocalCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start every node, create the cluster if it is new, wait until it is ready."""
        try:
            for node in self.nodes:
                node.start()
            if all(cluster.is_fresh(node.port) for node in self.nodes):
                self._create()
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop every node (SIGTERM, then SIGKILL of its group)."""
        for node in self.nodes:
            node.stop()

    def kill(self, node: ClusterNodeProcess) -> None:
        """SIGKILL ``node`` and reap it; nothing is flushed, as in a crash."""
        view = self._view_of(node)
        if view is not None:
            node._node_id = view.node_id  # it cannot be asked once dead
            if view.is_master:
                self._slots_of_killed[view.node_id] = view.slots
        node.kill(signal.SIGKILL)
        node.wait()
        node.stop()  # only reaps and forgets it: the process is gone already

    def restart(self, node: ClusterNodeProcess, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Start a stopped or killed node again; it rejoins (a former master as a replica).

        Returns once the whole cluster is ready again, ``node``'s replication included.
        """
        node.start()
        self.wait_ready(timeout_s)

    def ensure_healthy(self) -> None:
        """Start whatever a test stopped or killed and wait until the cluster is ready."""
        for node in self.nodes:
            node.start()
        self.wait_ready()

    # --- waiting --------------------------------------------------------------------
    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Wait until every node is up, ``cluster_state:ok``, and every master replicated."""
        self._wait(lambda: cluster.not_ready(self.ports), timeout_s, "cluster ready")

    def wait_for_failover(
        self, old_master: ClusterNodeProcess, timeout_s: float = FAILOVER_TIMEOUT_S
    ) -> ClusterNodeProcess:
        """Wait until a replica of the killed ``old_master`` holds its slots; returns it.

        Done when every surviving node says ``cluster_state:ok`` with all slots
        covered by three live masters, and the slots ``old_master`` held (when
        :meth:`kill` ed) belong to another node.
        """
        old_id = old_master.node_id
        slots = self._slots_of_killed.get(old_id)
        if not slots:
            raise ValueError(f"{old_master!r} was not a master killed with kill()")
        survivors = [node.port for node in self.nodes if node.alive]
        successor: list[ClusterNodeProcess] = []

        def problem() -> str | None:
            why = cluster.not_ready(survivors, replicas_online=False)
            if why is not None:
                return why
            holder = self._holder_of(slots[0][0], survivors[0])
            if holder is None or holder is old_master:
                return f"slot {slots[0][0]} still with {old_master!r}"
            successor[:] = [holder]
            return None

        self._wait(problem, timeout_s, f"failover of {old_master!r}")
        return successor[0]

    def wait_for_state(
        self, node: ClusterNodeProcess, state: str, timeout_s: float = FAILOVER_TIMEOUT_S
    ) -> None:
        """Wait until ``node`` says ``cluster_state:<state>`` (``fail``: it noticed that
        too many masters are gone and refuses every key, its own slots' too)."""

        def problem() -> str | None:
            seen = cluster.cluster_info(node.port).get("cluster_state")
            return None if seen == state else f"{node!r} says cluster_state:{seen}"

        self._wait(problem, timeout_s, f"cluster_state:{state} on {node!r}")

    # --- the topology -----------------------------------------------------------------
    @property
    def ports(self) -> list[int]:
        """The nodes' client ports."""
        return [node.port for node in self.nodes]

    @property
    def seeds(self) -> str:
        """``RELAY_REDIS_CLUSTER_NODES``: ``127.0.0.1:p1,127.0.0.1:p2,...``."""
        return cluster.seeds(self.ports)

    def master_of(self, key: str) -> ClusterNodeProcess:
        """The node that holds ``key``'s slot now (``CLUSTER KEYSLOT`` + ``CLUSTER NODES``)."""
        port = self._live_port()
        with cluster.node_client(port) as client:
            slot = int(client.execute_command("CLUSTER", "KEYSLOT", key))
        holder = self._holder_of(slot, port)
        if holder is None:
            raise LookupError(f"no live master holds slot {slot} (key {key!r})")
        return holder

    def masters(self) -> list[ClusterNodeProcess]:
        """The live masters, as a live node sees them."""
        return [self._node(v.port) for v in cluster.live_masters(self._views())]

    def replicas(self) -> list[ClusterNodeProcess]:
        """The live replicas, as a live node sees them."""
        return [self._node(v.port) for v in self._views() if not v.is_master and not v.failed]

    def replicas_of(self, master: ClusterNodeProcess) -> list[ClusterNodeProcess]:
        """The live replicas of ``master``."""
        master_id = master.node_id
        return [
            self._node(v.port)
            for v in self._views()
            if v.master_id == master_id and not v.failed and not v.is_master
        ]

    # --- data ---------------------------------------------------------------------------
    def client(self, **options: Any) -> RedisCluster:
        """A synchronous ``redis.cluster.RedisCluster`` over the seeds; close it after use."""
        options.setdefault("socket_connect_timeout", 1.0)
        options.setdefault("socket_timeout", 5.0)
        startup = [ClusterNode(cluster.HOST, port) for port in self.ports]
        return RedisCluster(startup_nodes=startup, **options)

    def flush(self) -> None:
        """FLUSHALL on every master (replicas follow)."""
        for master in self.masters():
            with master.client() as client:
                client.flushall()

    # --- internals ------------------------------------------------------------------------
    def _create(self) -> None:
        command = cluster.create_command(self.settings, self.ports)
        log_path = self.log_dir / "cluster-create.log"
        with log_path.open("ab") as log:
            result = subprocess.run(
                command.argv,
                env=command.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=CREATE_TIMEOUT_S,
                check=False,
            )
        if result.returncode != 0:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
            raise ProcessFailed(f"redis-cli --cluster create exited {result.returncode}:\n{tail}")

    def _wait(self, problem: Callable[[], str | None], timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while (why := _asked(problem)) is not None:
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {n.name}:\n{n.log_tail(8)}" for n in self.nodes)
                raise ProcessFailed(f"{what}: not after {timeout_s:g} s ({why})\n{tails}")
            time.sleep(POLL_INTERVAL_S * 5)

    def _live_port(self) -> int:
        for node in self.nodes:
            if node.alive and cluster.answers(node.port):
                return node.port
        raise ProcessFailed("no node of the cluster answers")

    def _views(self) -> list[NodeView]:
        return cluster.cluster_nodes(self._live_port())

    def _view_of(self, node: ClusterNodeProcess) -> NodeView | None:
        return next((v for v in self._views() if v.port == node.port), None)

    def _holder_of(self, slot: int, observer_port: int) -> ClusterNodeProcess | None:
        for view in cluster.live_masters(cluster.cluster_nodes(observer_port)):
            if view.holds(slot):
                return self._node(view.port)
        return None

    def _node(self, port: int) -> ClusterNodeProcess:
        return next(node for node in self.nodes if node.port == port)


def _asked(problem: Callable[[], str | None]) -> str | None:
    # A node that is going down or coming up may refuse a probe: not ready yet.
    try:
        return problem()
    except (redis.RedisError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
