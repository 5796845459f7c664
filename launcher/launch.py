"""Start a whole Relay stack in the foreground and keep it running until told to stop.

Order: Redis (unless ``REDIS_URL`` or ``RELAY_REDIS_CLUSTER_NODES`` names one; with
``local_cluster``, six cluster nodes instead, see ``launcher.cluster``), the watcher,
Granian, nginx; each is waited for before the next depends on it. Once all are up, a
part that dies is started again (``launcher.supervisor``: backoff, the reason logged);
SIGINT or SIGTERM stops everything and exits 0; a part that keeps failing stops
everything and exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
import sys
import time
from collections.abc import Callable
from typing import TextIO
from urllib.parse import urlsplit

import httpx

from launcher import cluster, stack
from launcher.health import StartupFailed, http_ok, redis_ping, wait_until_healthy
from launcher.preflight import check_exposure, check_ports, ports_needed
from launcher.supervisor import Supervisor
from relay.settings import Settings

REDIS_TIMEOUT_S = 30.0
CLUSTER_TIMEOUT_S = 60.0
APP_TIMEOUT_S = 60.0
NGINX_TIMEOUT_S = 30.0
EXIT_STOPPED = 0
EXIT_FAILED = 1


def local_address(host: str) -> str:
    """The address to reach a server bound to ``host`` from this machine."""
    return host if host not in {"", "0.0.0.0", "::", "[::]"} else "127.0.0.1"


def public_url(settings: Settings) -> str:
    """The chat page's URL, as printed when the stack is up."""
    host = local_address(settings.host)
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{host}:{settings.port}/"


async def launch(settings: Settings, out: TextIO = sys.stdout, local_cluster: bool = False) -> int:
    """Run the stack until a signal (returns 0) or a part that keeps failing (returns 1).

    ``local_cluster``: six Redis Cluster nodes (``launcher.cluster``) in place of the
    private Redis, the app and the watcher pointed at them. Raises ``LaunchRefused``
    or ``MissingBinaryError`` before starting anything.
    """
    node_ports: list[int] = []
    if local_cluster:
        settings = cluster.with_local_cluster(settings)
        node_ports = cluster.cluster_ports(settings)
    private_redis = not settings.redis_url and not settings.redis_cluster_nodes
    check_exposure(settings)
    check_ports(ports_needed(settings, private_redis, node_ports))
    binaries = ["redis-server", "redis-cli"] if local_cluster else []
    binaries += ["redis-server"] if private_redis else []
    for name in ("nginx", *binaries):
        stack.find_binary(name)
    stack.raise_open_files_limit()

    supervisor = Supervisor(out)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    try:
        return await _run(settings, supervisor, stopping, private_redis, node_ports)
    finally:
        await supervisor.stop_all()
        supervisor.say("relay", "stopped")


async def _run(
    settings: Settings,
    supervisor: Supervisor,
    stopping: asyncio.Event,
    private_redis: bool,
    node_ports: list[int],
) -> int:
    stop_requested = asyncio.create_task(stopping.wait())
    startup = asyncio.create_task(_start(settings, supervisor, private_redis, node_ports))
    await asyncio.wait({startup, stop_requested}, return_when=asyncio.FIRST_COMPLETED)
    if not startup.done():
        startup.cancel()
        with contextlib.suppress(asyncio.CancelledError, StartupFailed):
            await startup
        supervisor.say("relay", "stopping (signal received while starting)")
        return EXIT_STOPPED
    try:
        startup.result()
    except StartupFailed as exc:
        supervisor.say("relay", f"error: {exc}; stopping")
        stop_requested.cancel()
        return EXIT_FAILED

    supervisor.say("relay", f"Relay is up at {public_url(settings)}  (Ctrl-C stops it)")
    preparations: dict[str, Callable[[], object]] = {
        "redis": lambda: stack.prepare_redis(settings),
        "app": lambda: stack.prepare_app(settings),
        "nginx": lambda: stack.prepare_nginx(settings),
    }
    for port in node_ports:  # a restarted node rejoins through its nodes.conf
        preparations[cluster.node_name(port)] = functools.partial(
            cluster.prepare_nodes, cluster.cluster_dir(settings), [port]
        )
    for child in list(supervisor.children):
        supervisor.supervise(child, preparations.get(child.name))
    gave_up = asyncio.create_task(supervisor.gave_up())
    await asyncio.wait({gave_up, stop_requested}, return_when=asyncio.FIRST_COMPLETED)
    if stop_requested.done():
        gave_up.cancel()
        supervisor.say("relay", "stopping")
        return EXIT_STOPPED
    stop_requested.cancel()
    supervisor.say("relay", f"error: {gave_up.result()}; stopping")
    return EXIT_FAILED


async def _start(
    settings: Settings, supervisor: Supervisor, private_redis: bool, node_ports: list[int]
) -> None:
    headers = {"Authorization": f"Bearer {settings.api_token}"} if settings.api_token else {}
    async with httpx.AsyncClient(timeout=2.0, headers=headers, trust_env=False) as client:
        if node_ports:
            await start_local_cluster(settings, supervisor, node_ports)
        elif private_redis:
            stack.prepare_redis(settings)
            redis = await supervisor.start(stack.redis_command(settings))
            ping = redis_ping(settings.effective_redis_url)
            await wait_until_healthy("redis", ping, REDIS_TIMEOUT_S, redis)
        elif not await _configured_redis_answers(settings):
            where = settings.redis_cluster_nodes or _redacted(settings.redis_url)
            supervisor.say(
                "relay",
                f"warning: Redis at {where} is not answering; "
                "chats use the file fallback until it does",
            )

        await supervisor.start(stack.watcher_command(settings))

        stack.prepare_app(settings)
        app = await supervisor.start(stack.app_command(settings))
        app_health = f"http://{local_address(settings.app_host)}:{settings.app_port}/api/health"
        await wait_until_healthy("app", http_ok(client, app_health), APP_TIMEOUT_S, app)

        stack.prepare_nginx(settings)
        nginx = await supervisor.start(stack.nginx_command(settings))
        proxied_health = public_url(settings) + "api/health"
        await wait_until_healthy("nginx", http_ok(client, proxied_health), NGINX_TIMEOUT_S, nginx)


async def start_local_cluster(settings: Settings, supervisor: Supervisor, ports: list[int]) -> None:
    """Start the six nodes, create the cluster on the first start, wait until ready.

    A later start finds each node's ``nodes-<port>.conf`` and the nodes find each other
    again: nothing is created twice.
    """
    root = cluster.cluster_dir(settings)
    cluster.prepare_nodes(root, ports)
    for port in ports:
        node = await supervisor.start(cluster.node_command(settings, port, root))
        ping = redis_ping(f"redis://{cluster.HOST}:{port}/0")
        await wait_until_healthy(node.name, ping, REDIS_TIMEOUT_S, node)
    fresh = await asyncio.to_thread(lambda: [cluster.is_fresh(port) for port in ports])
    if all(fresh):
        supervisor.say("relay", f"creating the local Redis Cluster in {root} (first start)")
        code = await supervisor.run_once(cluster.create_command(settings, ports))
        if code != 0:
            raise StartupFailed(f"redis-cli --cluster create exited with code {code}")
    elif any(fresh):
        raise StartupFailed(
            f"{sum(fresh)} of the local cluster's nodes in {root} never joined it: "
            f"stop, delete {root}, start again"
        )
    deadline = time.monotonic() + CLUSTER_TIMEOUT_S
    while (why := await asyncio.to_thread(cluster.not_ready, ports)) is not None:
        if time.monotonic() > deadline:
            raise StartupFailed(
                f"the local Redis Cluster was not ready after {CLUSTER_TIMEOUT_S:g} s: {why}"
            )
        await asyncio.sleep(0.1)
    supervisor.say("relay", f"Redis Cluster ready at {settings.redis_cluster_nodes}")


async def _configured_redis_answers(settings: Settings) -> bool:
    """Whether the Redis named by ``REDIS_URL`` (or one cluster seed) answers PING."""
    seeds = settings.cluster_seeds
    if not seeds:
        return await redis_ping(settings.redis_url)()
    for host, port in seeds:
        if await redis_ping(f"redis://{host}:{port}/0")():
            return True
    return False


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"***@{parts.hostname}{port}").geturl()
