"""Readiness checks: is Redis answering PING, is an HTTP health endpoint 200?"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from launcher.supervisor import Child

POLL_INTERVAL_S = 0.05


class StartupFailed(Exception):
    """A part did not become healthy; the message is one line meant for a person."""


async def wait_until_healthy(
    what: str,
    check: Callable[[], Awaitable[bool]],
    timeout_s: float,
    child: Child | None = None,
) -> float:
    """Poll ``check`` until it is true; returns seconds waited.

    Fails early if ``child`` exits meanwhile, and after ``timeout_s`` otherwise.
    """
    started = time.monotonic()
    while True:
        if child is not None and not child.running:
            code = child.process.returncode
            raise StartupFailed(f"{child.name} exited with code {code} while starting")
        if await check():
            return time.monotonic() - started
        if time.monotonic() - started > timeout_s:
            raise StartupFailed(f"{what} was not healthy after {timeout_s:g} s")
        await asyncio.sleep(POLL_INTERVAL_S)


def redis_ping(url: str) -> Callable[[], Awaitable[bool]]:
    """A check that Redis at ``url`` answers PING (and has loaded its data)."""

    async def check() -> bool:
        client = aioredis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(await client.ping())
        except (RedisError, OSError):
            return False
        finally:
            await client.aclose()

    return check


def http_ok(client: httpx.AsyncClient, url: str) -> Callable[[], Awaitable[bool]]:
    """A check that GET ``url`` answers 200."""

    async def check() -> bool:
        try:
            response = await client.get(url)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    return check
