"""The stack's processes and their memory: found from the launcher's pid or by ports.

Roles: ``app`` (Granian's main process and its workers), ``watcher``, ``nginx``
(master and workers) and ``redis``. RSS is summed per role for the tables and kept
per process for the soak, where one growing worker must not hide in a sum.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psutil

ROLES = ("app", "watcher", "nginx", "redis")


@dataclass(frozen=True)
class StackProcess:
    """One process of the stack."""

    role: str
    pid: int
    label: str  # e.g. "app worker 1234"


def classify(process: psutil.Process) -> str | None:
    """The role of a process, from its name and command line; None if not ours."""
    try:
        name = process.name()
        cmdline = " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    if "redis-server" in name or "redis-server" in cmdline:
        return "redis"
    if name.startswith("nginx") or cmdline.startswith("nginx"):
        return "nginx"
    if "granian" in name or "granian" in cmdline:
        return "app"
    if "-m watcher" in cmdline:
        return "watcher"
    return None


def from_launcher(launcher_pid: int) -> list[StackProcess]:
    """Every process of the stack started by the launcher ``launcher_pid``."""
    try:
        children = psutil.Process(launcher_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return _labelled(children)


def from_ports(ports: dict[str, int]) -> list[StackProcess]:
    """The processes listening on ``ports`` (role -> port), and their children."""
    wanted = {port: role for role, port in ports.items() if role in ROLES}
    roots: list[psutil.Process] = []
    for conn in psutil.net_connections(kind="tcp"):
        port = getattr(conn.laddr, "port", None)  # laddr is () for some sockets
        if conn.status == psutil.CONN_LISTEN and port in wanted and conn.pid:
            roots.append(psutil.Process(conn.pid))
    found: dict[int, psutil.Process] = {}
    for root in map(_topmost_of_role, roots):
        for process in [root, *root.children(recursive=True)]:
            found[process.pid] = process
    return _labelled(list(found.values()))


def _topmost_of_role(process: psutil.Process) -> psutil.Process:
    """The listening socket may belong to a worker: climb to its master (same role)."""
    role = classify(process)
    while True:
        try:
            parent = process.parent()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return process
        if parent is None or classify(parent) != role:
            return process
        process = parent


def discover(
    launcher_pid: int | None = None, ports: dict[str, int] | None = None
) -> list[StackProcess]:
    """Stack processes from the launcher's pid when known, else from the ports."""
    if launcher_pid:
        found = from_launcher(launcher_pid)
        if found:
            return found
    return from_ports(ports or {})


def from_environment() -> list[StackProcess]:
    """Stack processes described by ``RELAY_STACK_PIDS`` / ``RELAY_STACK_PORTS`` (see stack.py)."""
    pid = int(os.environ.get("RELAY_STACK_PIDS", "0") or 0)
    ports: dict[str, int] = {}
    for item in os.environ.get("RELAY_STACK_PORTS", "").split(","):
        name, _, value = item.partition("=")
        if value.isdigit():
            ports[name] = int(value)
    return discover(pid or None, ports)


def _labelled(processes: list[psutil.Process]) -> list[StackProcess]:
    result = []
    for process in processes:
        role = classify(process)
        if role is None:
            continue
        try:
            parent = process.parent()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            parent = None
        is_worker = parent is not None and classify(parent) == role
        kind = "worker" if is_worker else "main"
        multi = role in ("app", "nginx")
        label = f"{role} {kind} {process.pid}" if multi else f"{role} {process.pid}"
        result.append(StackProcess(role, process.pid, label))
    return sorted(result, key=lambda p: (ROLES.index(p.role), p.pid))


def rss_by_process(processes: list[StackProcess]) -> dict[str, int]:
    """RSS in bytes per process label (processes that vanished are left out)."""
    sizes = {}
    for process in processes:
        try:
            sizes[process.label] = psutil.Process(process.pid).memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return sizes


def rss_by_role(processes: list[StackProcess]) -> dict[str, int]:
    """RSS in bytes summed per role."""
    per_process = rss_by_process(processes)
    totals = dict.fromkeys(ROLES, 0)
    for process in processes:
        totals[process.role] += per_process.get(process.label, 0)
    return totals


def cpu_times(processes: list[StackProcess]) -> dict[str, float]:
    """User + system CPU seconds used so far, summed per role."""
    totals = dict.fromkeys(ROLES, 0.0)
    for process in processes:
        try:
            times = psutil.Process(process.pid).cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        totals[process.role] += times.user + times.system
    return totals
