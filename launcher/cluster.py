"""A local Redis Cluster: six ``redis-server`` nodes, three masters and three replicas.

The one place its command lines and its health are written down. ``python -m launcher
--cluster`` (``make run-cluster``) runs these nodes instead of the private Redis; the
tests (``tests/support/cluster.py``) and ``loadtest/cluster_fanout.py`` run the same
commands on free ports.

What the flags buy: a node that stops answering is marked failed after
``NODE_TIMEOUT_MS``, and ``cluster-replica-validity-factor 0`` lets its replica take
over however long ago it last heard from the master, so a SIGKILLed master is replaced
within a few seconds. The AOF is on, as on the single Redis, and ``nodes-<port>.conf``
keeps the node's identity: a restarted node rejoins the cluster it belonged to.

The probes are synchronous (plain ``redis.Redis`` to one node at a time); the launcher
runs them in a thread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import redis

from launcher.preflight import BUS_PORT_OFFSET, MAX_CLUSTER_PORT, LaunchRefused
from launcher.stack import Command, base_env, find_binary, redis_server_argv
from relay.settings import Settings

NODES = 6
REPLICAS_PER_MASTER = 1
MASTERS = NODES // (REPLICAS_PER_MASTER + 1)
#: The first port when ``RELAY_LOCAL_CLUSTER_PORT`` is 0 (not the single Redis's 6391).
DEFAULT_FIRST_PORT = 7001
SLOTS = 16384
NODE_TIMEOUT_MS = 1000
HOST = "127.0.0.1"
PROBE_TIMEOUT_S = 1.0


def cluster_ports(settings: Settings) -> list[int]:
    """The six client ports: ``local_cluster_port`` (or 7001) and the five after it.

    Raises ``LaunchRefused`` when the last one would have no bus port (above 55535).
    """
    first = settings.local_cluster_port or DEFAULT_FIRST_PORT
    ports = [first + index for index in range(NODES)]
    if first < 1 or ports[-1] > MAX_CLUSTER_PORT:
        raise LaunchRefused(
            f"RELAY_LOCAL_CLUSTER_PORT={first}: the six nodes need ports from 1 to "
            f"{MAX_CLUSTER_PORT} (each also listens on its port + {BUS_PORT_OFFSET})"
        )
    return ports


def with_local_cluster(settings: Settings) -> Settings:
    """``settings`` pointed at the local cluster: what the app and the watcher are given.

    Raises ``LaunchRefused`` if another Redis is configured: which one was meant?
    """
    if settings.redis_url or settings.redis_cluster_nodes:
        raise LaunchRefused(
            "--cluster starts a Redis Cluster of its own: unset REDIS_URL and "
            "RELAY_REDIS_CLUSTER_NODES"
        )
    return dataclasses.replace(settings, redis_cluster_nodes=seeds(cluster_ports(settings)))


def cluster_dir(settings: Settings) -> Path:
    """Where the launcher's local cluster keeps its nodes' folders."""
    return settings.state_dir / "cluster"


def node_dir(root: Path, port: int) -> Path:
    """One node's own folder (AOF and ``nodes-<port>.conf``) under ``root``."""
    return root / str(port)


def seeds(ports: Iterable[int], host: str = HOST) -> str:
    """``RELAY_REDIS_CLUSTER_NODES`` for these ports: ``host:p1,host:p2,...``."""
    return ",".join(f"{host}:{port}" for port in ports)


def node_name(port: int) -> str:
    """The log prefix of one node."""
    return f"redis-{port}"


def node_command(settings: Settings, port: int, root: Path, bus_port: int | None = None) -> Command:
    """One cluster node on loopback: its own folder under ``root``, AOF on.

    ``bus_port`` defaults to Redis's own choice, ``port + 10000``; the tests pick a
    free one instead (a free client port above 55535 would have no bus port).
    """
    folder = node_dir(root, port)
    bus = [] if bus_port is None else ["--cluster-port", str(bus_port)]
    argv = [
        *redis_server_argv(settings, port, folder),
        "--cluster-enabled", "yes",
        "--cluster-config-file", str(folder / f"nodes-{port}.conf"),
        "--cluster-node-timeout", str(NODE_TIMEOUT_MS),
        # A replica may take over however stale it is: with WAIT the writes that
        # mattered are on it, and a quick failover is what the tests exercise.
        "--cluster-replica-validity-factor", "0",
        # A replica (re)joining gets its full copy at once, not after the default 5 s
        # a master waits for more replicas to share one transfer.
        "--repl-diskless-sync-delay", "0",
        *bus,
    ]  # fmt: skip
    return Command(node_name(port), argv, base_env(settings))


def create_command(settings: Settings, ports: Iterable[int], host: str = HOST) -> Command:
    """``redis-cli --cluster create``: slots over three masters, one replica each."""
    argv = [
        find_binary("redis-cli"),
        "--cluster", "create",
        *(f"{host}:{port}" for port in ports),
        "--cluster-replicas", str(REPLICAS_PER_MASTER),
        "--cluster-yes",
    ]  # fmt: skip
    env = base_env(settings)
    env["TERM"] = "dumb"  # redis-cli colours its report for an xterm, even into a pipe
    return Command("cluster", argv, env)


def prepare_nodes(root: Path, ports: Iterable[int]) -> None:
    """Create each node's folder (kept across restarts: it holds the node's identity)."""
    for port in ports:
        node_dir(root, port).mkdir(parents=True, exist_ok=True)


# --- what the nodes say ---------------------------------------------------------------


@dataclass(frozen=True)
class NodeView:
    """One line of ``CLUSTER NODES``: a node as another node sees it."""

    node_id: str
    host: str
    port: int
    flags: frozenset[str]
    master_id: str | None
    link_connected: bool
    slots: tuple[tuple[int, int], ...] = field(default=())

    @property
    def is_master(self) -> bool:
        return "master" in self.flags

    @property
    def failed(self) -> bool:
        """Marked failed (``fail``) or suspected by this observer (``fail?``)."""
        return bool({"fail", "fail?", "noaddr", "handshake"} & self.flags)

    def holds(self, slot: int) -> bool:
        """Whether ``slot`` is in one of this node's slot ranges."""
        return any(first <= slot <= last for first, last in self.slots)


def parse_cluster_nodes(text: str) -> list[NodeView]:
    """Parse ``CLUSTER NODES`` (``id ip:port@bus[,hostname] flags master ... slots``)."""
    views = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 8:
            continue
        address = parts[1].split("@", 1)[0]
        host, _, port = address.rpartition(":")
        slots = []
        for item in parts[8:]:
            if item.startswith("["):  # a slot being migrated or imported: not held yet
                continue
            first, _, last = item.partition("-")
            slots.append((int(first), int(last or first)))
        views.append(
            NodeView(
                node_id=parts[0],
                host=host,
                port=int(port) if port.isdigit() else 0,
                flags=frozenset(parts[2].split(",")),
                master_id=None if parts[3] == "-" else parts[3],
                link_connected=parts[7] == "connected",
                slots=tuple(slots),
            )
        )
    return views


def parse_info(text: str) -> dict[str, str]:
    """``CLUSTER INFO`` / ``INFO`` text as a dict of its ``name:value`` lines."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.strip().partition(":")
        if sep and not name.startswith("#"):
            fields[name] = value
    return fields


def node_client(port: int, host: str = HOST) -> redis.Redis:
    """A plain client to one node (not cluster-aware); close it after use."""
    return redis.Redis(
        host=host,
        port=port,
        socket_connect_timeout=PROBE_TIMEOUT_S,
        socket_timeout=PROBE_TIMEOUT_S,
        decode_responses=True,
    )


def _raw_text(client: redis.Redis, *command: str) -> str:
    # redis-py turns "CLUSTER INFO" / "CLUSTER NODES" (one argument) into dicts of its
    # own design; as two arguments no reply callback matches and the text comes back.
    reply = client.execute_command(*command)
    return reply.decode() if isinstance(reply, bytes) else str(reply)


def cluster_info(port: int, host: str = HOST) -> dict[str, str]:
    """``CLUSTER INFO`` of one node; raises ``redis.RedisError`` / ``OSError``."""
    with node_client(port, host) as client:
        return parse_info(_raw_text(client, "CLUSTER", "INFO"))


def cluster_nodes(port: int, host: str = HOST) -> list[NodeView]:
    """The cluster as the node on ``port`` sees it."""
    with node_client(port, host) as client:
        return parse_cluster_nodes(_raw_text(client, "CLUSTER", "NODES"))


def answers(port: int, host: str = HOST) -> bool:
    """The node answers PING (it has loaded its data)."""
    try:
        with node_client(port, host) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def is_fresh(port: int, host: str = HOST) -> bool:
    """The node has never been part of a cluster: it knows only itself, holds no slot."""
    info = cluster_info(port, host)
    return info.get("cluster_known_nodes") == "1" and info.get("cluster_slots_assigned") == "0"


def not_ready(ports: Iterable[int], host: str = HOST, replicas_online: bool = True) -> str | None:
    """Why the cluster on ``ports`` is not ready yet, or None when it is.

    Ready: every node answers and says ``cluster_state:ok`` with all 16384 slots
    assigned and ok; every node sees three live masters covering every slot; and
    (``replicas_online``) every node sees three replicas, and each master has a
    replica in sync, so a ``WAIT 1`` after a write can succeed.
    """
    ports = list(ports)
    try:
        for port in ports:
            info = cluster_info(port, host)
            if info.get("cluster_state") != "ok":
                return f"node {port}: cluster_state:{info.get('cluster_state')}"
            for name in ("cluster_slots_assigned", "cluster_slots_ok"):
                if info.get(name) != str(SLOTS):
                    return f"node {port}: {name}:{info.get(name)}"
            # Roles travel by gossip: a node may still see a new replica as a master.
            views = cluster_nodes(port, host)
            masters = live_masters(views)
            covered = sum(last - first + 1 for m in masters for first, last in m.slots)
            if len(masters) != MASTERS or covered != SLOTS:
                return f"node {port} sees {len(masters)} masters covering {covered} slots"
            replicas = [v for v in views if not v.is_master and not v.failed]
            if replicas_online and len(replicas) != NODES - MASTERS:
                return f"node {port} sees {len(replicas)} replicas"
        if replicas_online:
            for master in masters:
                if not replica_in_sync(master.port, master.host or host):
                    return f"master {master.port}: no replica in sync"
    except (redis.RedisError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def live_masters(views: Iterable[NodeView]) -> list[NodeView]:
    """The masters that hold slots and are not failed (or suspected) in ``views``."""
    return [v for v in views if v.is_master and not v.failed and v.slots]


def replica_in_sync(port: int, host: str = HOST) -> bool:
    """The master on ``port`` has at least one replica whose link is ``online``."""
    with node_client(port, host) as client:
        replication = client.info("replication")
    # redis-py parses "slave0:ip=...,state=online,..." into a dict per replica.
    return any(
        name.startswith("slave") and isinstance(value, dict) and value.get("state") == "online"
        for name, value in replication.items()
    )
