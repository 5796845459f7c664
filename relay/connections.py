"""Redis clients for the app and the watcher (one pool per process)."""

from __future__ import annotations

import logging
import time

import redis.asyncio as aioredis
from redis.asyncio.connection import BlockingConnectionPool, ConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

#: Errors that mean "Redis is not reachable right now" (as opposed to a bad command).
REDIS_DOWN_ERRORS: tuple[type[BaseException], ...] = (
    aioredis.ConnectionError,
    aioredis.TimeoutError,
    ConnectionError,
    OSError,
)


def make_redis(
    url: str, max_connections: int, *, blocking: bool, client_name: str | None = None
) -> aioredis.Redis:
    """A client over a bounded pool.

    The app uses a *blocking* pool so that a burst of SSE clients waits for one of a
    few connections instead of opening one each: its connection count stays O(1).
    The watcher's pool is not blocking (its BLPOP/XREADGROUP calls park connections).
    ``client_name`` shows in CLIENT LIST, so each process's connections can be counted.

    A command that meets a connection closed by the server is retried once on a fresh
    connection: after a Redis restart every pooled socket is dead, and without the
    retry each of them would fail one request.
    """
    pool_class = BlockingConnectionPool if blocking else ConnectionPool
    options = {"timeout": 5} if blocking else {}
    pool = pool_class.from_url(
        url,
        max_connections=max_connections,
        socket_connect_timeout=1.0,
        socket_keepalive=True,
        retry_on_timeout=False,
        retry=Retry(NoBackoff(), retries=1),
        retry_on_error=[aioredis.ConnectionError],
        client_name=client_name,
        **options,
    )
    return aioredis.Redis(connection_pool=pool)


def pool_exhausted(exc: BaseException) -> bool:
    """True when no pooled connection freed up in time: Redis is busy, not down."""
    return isinstance(exc, aioredis.ConnectionError) and str(exc) == "No connection available."


class OutageLog:
    """Says "Redis is unreachable" once per outage, and once that it is back.

    Every job, loop and request that meets the outage reports it here instead of
    logging on its own: an outage with 40 jobs in flight is two lines, not 40
    tracebacks. Each process has one (``REDIS_OUTAGE``).
    """

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger
        self._down_since: float | None = None
        self.interrupted = 0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def lost(self, exc: BaseException, *, interrupted_job: bool = False) -> None:
        """Redis failed us (``exc``); logs only if it was thought reachable."""
        self.interrupted += interrupted_job
        if self._down_since is None:
            self._down_since = time.monotonic()
            self._log.warning(
                "Redis unreachable (%s: %s); interrupted jobs resume when it is back",
                type(exc).__name__,
                exc,
            )

    def back(self) -> None:
        """Redis answered; logs the end of an outage if one was under way."""
        if self._down_since is not None:
            self._log.warning(
                "Redis reachable again after %.1f s; jobs interrupted meanwhile: %d",
                time.monotonic() - self._down_since,
                self.interrupted,
            )
            self._down_since, self.interrupted = None, 0


#: This process's outage log.
REDIS_OUTAGE = OutageLog(logging.getLogger("relay.redis"))
