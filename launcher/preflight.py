"""Checks made before anything starts: exposure without a token, ports already taken."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from relay.settings import Settings

#: A Redis Cluster node's bus (node-to-node) port is its client port + 10000.
BUS_PORT_OFFSET = 10000
#: The highest port a cluster node may have: its bus port must exist too.
MAX_CLUSTER_PORT = 65535 - BUS_PORT_OFFSET


class LaunchRefused(Exception):
    """The stack must not start; the message is one line meant for a person."""


@dataclass(frozen=True)
class Port:
    """A port one part of the stack will listen on."""

    owner: str
    host: str
    port: int


def free_port() -> int:
    """A loopback port nobody listens on right now (the kernel picks it)."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports (each held open until all are picked)."""
    with contextlib.ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        ports: list[int] = [sock.getsockname()[1] for sock in sockets]
        return ports


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; False for any other name or address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings) -> None:
    """Refuse to listen beyond loopback without a token: agents can run code on this host."""
    for name, host in (("RELAY_HOST", settings.host), ("RELAY_APP_HOST", settings.app_host)):
        if not is_loopback(host) and not settings.api_token:
            raise LaunchRefused(
                f"refusing to listen on {host} ({name}) without RELAY_API_TOKEN: "
                "set a token, or listen on 127.0.0.1"
            )


def ports_needed(
    settings: Settings, private_redis: bool, cluster_ports: Iterable[int] = ()
) -> list[Port]:
    """Every port the stack listens on (a local cluster's nodes: client and bus ports)."""
    ports = [
        Port("nginx", settings.host, settings.port),
        Port("nginx status", "127.0.0.1", settings.nginx_status_port),
        Port("app", settings.app_host, settings.app_port),
        Port("watcher metrics", "127.0.0.1", settings.watcher_metrics_port),
    ]
    if private_redis:
        ports.append(Port("redis", "127.0.0.1", settings.redis_port))
    for port in cluster_ports:
        ports.append(Port(f"redis cluster node {port}", "127.0.0.1", port))
        ports.append(Port(f"redis cluster node {port} (bus)", "127.0.0.1", port + BUS_PORT_OFFSET))
    return ports


def check_ports(ports: list[Port]) -> None:
    """Raise ``LaunchRefused`` naming the first port that is taken (or listed twice)."""
    seen: dict[int, str] = {}
    for port in ports:
        if port.port in seen:
            raise LaunchRefused(
                f"port {port.port} is configured for both {seen[port.port]} and {port.owner}"
            )
        seen[port.port] = port.owner
        problem = _bind_problem(port.host, port.port)
        if problem is not None:
            raise LaunchRefused(f"port {port.port} {problem}; {port.owner} needs it on {port.host}")


def _bind_problem(host: str, port: int) -> str | None:
    """None when ``host:port`` can be listened on, else what stands in the way."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return f"cannot be used: {host!r} is not a known address"
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR: a port in TIME_WAIT after a previous run is free; a listener is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return "is already in use (is another Relay running?)"
            if exc.errno == errno.EACCES:
                return "needs privileges to listen on"
            return f"cannot be used: {exc.strerror}"
    return None
