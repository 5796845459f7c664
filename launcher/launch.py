"""Start a whole Relay stack in the foreground and keep it running until told to stop.

Order: Redis (unless ``REDIS_URL`` names one), the watcher, Granian, nginx; each
is waited for before the next depends on it. Once all are up, a part that dies is
started again (``launcher.supervisor``: backoff, the reason logged); SIGINT or
SIGTERM stops everything and exits 0; a part that keeps failing stops everything
and exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import TextIO
from urllib.parse import urlsplit

import httpx

from launcher import stack
from launcher.health import StartupFailed, http_ok, redis_ping, wait_until_healthy
from launcher.preflight import check_exposure, check_ports, ports_needed
from launcher.supervisor import Supervisor
from relay.settings import Settings

REDIS_TIMEOUT_S = 30.0
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


async def launch(settings: Settings, out: TextIO = sys.stdout) -> int:
    """Run the stack until a signal (returns 0) or a part that keeps failing (returns 1).

    Raises ``LaunchRefused`` or ``MissingBinaryError`` before starting anything.
    """
    private_redis = not settings.redis_url
    check_exposure(settings)
    check_ports(ports_needed(settings, private_redis))
    for name in ("nginx", *(["redis-server"] if private_redis else [])):
        stack.find_binary(name)
    stack.raise_open_files_limit()

    supervisor = Supervisor(out)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    try:
        return await _run(settings, supervisor, stopping, private_redis)
    finally:
        await supervisor.stop_all()
        supervisor.say("relay", "stopped")


async def _run(
    settings: Settings, supervisor: Supervisor, stopping: asyncio.Event, private_redis: bool
) -> int:
    stop_requested = asyncio.create_task(stopping.wait())
    startup = asyncio.create_task(_start(settings, supervisor, private_redis))
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
    preparations = {
        "redis": lambda: stack.prepare_redis(settings),
        "app": lambda: stack.prepare_app(settings),
        "nginx": lambda: stack.prepare_nginx(settings),
    }
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


async def _start(settings: Settings, supervisor: Supervisor, private_redis: bool) -> None:
    headers = {"Authorization": f"Bearer {settings.api_token}"} if settings.api_token else {}
    async with httpx.AsyncClient(timeout=2.0, headers=headers, trust_env=False) as client:
        if private_redis:
            stack.prepare_redis(settings)
            redis = await supervisor.start(stack.redis_command(settings))
            ping = redis_ping(settings.effective_redis_url)
            await wait_until_healthy("redis", ping, REDIS_TIMEOUT_S, redis)
        elif not await redis_ping(settings.redis_url)():
            supervisor.say(
                "relay",
                f"warning: Redis at {_redacted(settings.redis_url)} is not answering; "
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


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"***@{parts.hostname}{port}").geturl()
