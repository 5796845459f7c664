"""Redis clients for the app and the watcher (one pool per process), timed per request.

:func:`connect` gives a client for one Redis or, when the settings name a cluster's
seed nodes, redis-py's asyncio :class:`~redis.asyncio.cluster.RedisCluster`. Both
offer the same command methods, so the rest of Relay is written once; the few places
where a cluster differs (pub/sub, raw pipelined writes) ask :func:`is_cluster`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import redis.asyncio as aioredis
from redis import exceptions as redis_errors
from redis.asyncio.client import Pipeline
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.connection import (
    AbstractConnection,
    BlockingConnectionPool,
    Connection,
    ConnectionPool,
)
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, ExponentialWithJitterBackoff, NoBackoff

if TYPE_CHECKING:
    from relay.settings import Settings

#: Errors that mean "Redis is not reachable right now" (as opposed to a bad command).
#: On a cluster that includes a slot without a master (a failover under way, no
#: quorum): ``CLUSTERDOWN``, ``TRYAGAIN``, ``MASTERDOWN``, an uncovered slot.
REDIS_DOWN_ERRORS: tuple[type[BaseException], ...] = (
    aioredis.ConnectionError,
    aioredis.TimeoutError,
    ConnectionError,
    OSError,
    redis_errors.ClusterDownError,
    redis_errors.TryAgainError,
    redis_errors.SlotNotCoveredError,
    redis_errors.ClusterError,
)

#: Delays between attempts of a long-lived loop to reach Redis again (the hub's
#: subscription, the watcher's loops): ``compute(n)`` after n failures, 50 ms doubling
#: up to 1 s.
RECONNECT_BACKOFF = ExponentialBackoff(cap=1.0, base=0.05)


@dataclass
class RedisTimer:
    """Redis time accumulated by one request."""

    seconds: float = 0.0
    calls: int = 0


#: The current request's Redis accumulator (None outside a request).
redis_timer: ContextVar[RedisTimer | None] = ContextVar("relay_redis_timer", default=None)


@contextmanager
def timed_redis() -> Iterator[None]:
    """Add the time spent in the ``with`` block to the current request's Redis time.

    Outside a request it does nothing and costs one context-variable read.
    """
    timer = redis_timer.get()
    if timer is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timer.seconds += time.perf_counter() - start
        timer.calls += 1


#: Where redis-py's connection code, and the asyncio transport under it, fail when a
#: connection is torn down under a command (see :func:`torn_down_under_command`).
_TRANSPORT_FILES = (
    "redis/asyncio/connection.py",
    "asyncio/streams.py",
    "asyncio/selector_events.py",
)


def torn_down_under_command(exc: BaseException) -> bool:
    """Whether ``exc`` is redis-py meeting a connection closed under a command.

    redis-py then fails with the bare ``AttributeError`` or ``TypeError`` of a socket
    already cleared (``_writer`` is None), not a ``ConnectionError``. This happens in
    two cases:

    - a cluster node's pool disconnects its free connections after a node failure
      while another command is connecting one of them;
    - a write lands on a connection the peer reset (redis-py issue 4287).

    It is told apart from a bug of ours by where it was raised: in redis-py's
    connection code or in the asyncio transport.
    """
    if not isinstance(exc, AttributeError | TypeError):
        return False
    traceback = exc.__traceback__
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback is not None and traceback.tb_frame.f_code.co_filename.endswith(
        _TRANSPORT_FILES
    )


def as_connection_error(exc: BaseException) -> BaseException:
    """``exc``, or the ``ConnectionError`` it stands for when
    :func:`torn_down_under_command` (its cause kept), for callers to raise."""
    if not torn_down_under_command(exc):
        return exc
    lost = redis_errors.ConnectionError(f"the Redis connection closed under the command: {exc}")
    lost.__cause__ = exc
    return lost


@contextmanager
def torn_down_as_connection_error() -> Iterator[None]:
    """Raise :func:`as_connection_error` of what the block raised: a connection torn
    down under its command fails as a ``ConnectionError``, anything else as it was."""
    try:
        yield
    except (AttributeError, TypeError) as exc:
        lost = as_connection_error(exc)
        if lost is exc:
            raise
        raise lost from exc


class TimedRedis(aioredis.Redis):
    """A client whose commands and pipelines count as the current request's Redis time.

    A connection torn down under a command fails as the ``ConnectionError`` it is
    (:func:`torn_down_under_command`), so callers that wait out an outage do so.
    """

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        with timed_redis(), torn_down_as_connection_error():
            return await super().execute_command(*args, **options)  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> Pipeline:
        return TimedPipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)


class TimedPipeline(Pipeline):
    """A pipeline whose round trip counts as the current request's Redis time (one call)."""

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        with timed_redis():
            return await super().execute(raise_on_error)


#: How long a request waits for a free connection of a blocking pool before it is
#: answered 503 (Redis busy, not down).
POOL_WAIT_S = 10.0
#: Most connections the cluster client opens to one node (each in-flight command holds one).
CLUSTER_NODE_CONNECTIONS = 1024
#: How long a cluster command may wait for its reply before its node counts as failed.
CLUSTER_SOCKET_TIMEOUT_S = 30.0


class TimedRedisCluster(RedisCluster):
    """A cluster client whose commands count as the current request's Redis time.

    As :class:`TimedRedis`, a connection torn down under a command is a
    ``ConnectionError``. That happens on a cluster after a node failure: the node's
    pool disconnects its free connections while other commands connect them.
    """

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        with timed_redis(), torn_down_as_connection_error():
            return await super().execute_command(*args, **kwargs)


def connect(
    settings: Settings, max_connections: int, *, blocking: bool, client_name: str | None = None
) -> aioredis.Redis:
    """The process's client: a cluster client if the settings name seeds, else one Redis.

    On a cluster each node's pool holds up to :data:`CLUSTER_NODE_CONNECTIONS`
    (redis-py's cluster client has no blocking pool: a burst beyond it fails at once,
    so the bound is set far above what a burst needs; a full pool is "busy", 503).
    """
    seeds = settings.cluster_seeds
    if not seeds:
        return make_redis(
            settings.effective_redis_url,
            max_connections,
            blocking=blocking,
            client_name=client_name,
        )
    cluster = TimedRedisCluster(
        startup_nodes=[ClusterNode(host, port) for host, port in seeds],
        max_connections=max(max_connections, CLUSTER_NODE_CONNECTIONS),
        socket_connect_timeout=1.0,
        # A command slowed by a starved CPU must not count as a dead node: redis-py
        # then marks every connection of the node for reconnection, in-flight ones too.
        socket_timeout=CLUSTER_SOCKET_TIMEOUT_S,
        socket_keepalive=True,
        client_name=client_name,
        # A failover takes the cluster a second or two: retry across it, refreshing
        # the slot map, before a caller sees the error (and falls back to files).
        # redis-py's own backoff for it (10 ms doubling, jittered, at most 1 s).
        retry=Retry(ExponentialWithJitterBackoff(base=0.01, cap=1.0), retries=3),
    )
    # Same command methods as one Redis (see the module's docstring).
    return cast(aioredis.Redis, cluster)


def socket_reader(connection: AbstractConnection) -> asyncio.StreamReader:
    """The connected socket's reader (redis-py keeps it on the connection), for code
    that parses replies off it with hiredis; ConnectionError if it is not open."""
    reader: asyncio.StreamReader | None = getattr(connection, "_reader", None)
    if reader is None:
        raise aioredis.ConnectionError("the Redis connection is not open")
    return reader


def is_cluster(redis: aioredis.Redis | RedisCluster) -> bool:
    """True for a Redis Cluster client (see :func:`connect`)."""
    return isinstance(redis, RedisCluster)


def as_cluster(redis: aioredis.Redis) -> RedisCluster:
    """``redis`` as the cluster client it is (call only when :func:`is_cluster`)."""
    return cast(RedisCluster, redis)


def owner(cluster: RedisCluster, key: str) -> ClusterNode:
    """The master node that owns ``key``'s slot; raises SlotNotCoveredError if none does."""
    try:
        node = cluster.get_node_from_key(key)
    except KeyError:  # the client has not read the slot map yet
        node = None
    if node is None:
        raise redis_errors.SlotNotCoveredError(f"no node serves the slot of {key!r}")
    return node


async def ready(redis: aioredis.Redis) -> None:
    """Read a cluster's slot map if the client has not yet (nothing for one Redis).

    Raises what Redis raises when it is unreachable.
    """
    if is_cluster(redis):
        await as_cluster(redis).initialize()


class LeanConnection(Connection):
    """redis-py's connection, without a task per command sent.

    With a socket time-out set (redis-py's default is 5 s), redis-py sends every
    command inside ``asyncio.wait_for``, a new task each time (a sixth of a chat
    submit's CPU, by profile), to bound the wait for a full socket buffer to drain.
    Relay's commands are small: the bytes go to the kernel at once and there is
    nothing to wait for. Only when they do not (Redis has stopped reading, the
    buffer is full) is redis-py's own bounded send used.
    """

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        writer = self._writer
        if writer is None or (check_health and self.health_check_interval):
            await super().send_packed_command(command, check_health)
            return
        if isinstance(command, str):
            command = command.encode()
        if isinstance(command, bytes):
            command = [command]
        try:
            writer.writelines(command)
        except OSError as exc:
            await self.disconnect(nowait=True)
            raise aioredis.ConnectionError(f"Error while writing to socket: {exc}") from exc
        if writer.transport.get_write_buffer_size():  # not all taken: wait, bounded
            await super().send_packed_command([], check_health=False)


class LeanBlockingConnectionPool(BlockingConnectionPool):
    """redis-py's blocking pool, without its per-command cost while a connection is free.

    redis-py 8 takes a condition, arms a time-out, and records connection metrics
    (which Relay does not read) on every acquire and release: a fifth of a chat
    start's CPU in the app, by profile. While a connection is free and nobody waits,
    this takes and returns it directly (still checked like redis-py checks it); when
    the pool is exhausted, redis-py's own code waits and hands connections over.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._waiting = 0  # callers inside redis-py's slow path (they need its notify)

    async def get_connection(self, *args: Any, **kwargs: Any) -> AbstractConnection:
        if not self._available_connections or self._in_maintenance:
            self._waiting += 1
            try:
                waited: AbstractConnection = await super().get_connection()  # type: ignore[no-untyped-call]
                return waited
            finally:
                self._waiting -= 1
        # One is free, so redis-py's own pick takes it (it makes none).
        connection: AbstractConnection = self.get_available_connection()  # type: ignore[no-untyped-call]
        try:
            # Connected with nothing unread: ready, as ensure_connection() would find
            # (minus its retrying connect() call). Otherwise it reconnects or raises.
            if connection.is_connected and not await connection.can_read():
                return connection
            await self.ensure_connection(connection)
        except BaseException:
            await self.release(connection)
            raise
        return connection

    async def release(self, connection: AbstractConnection) -> None:
        if self._waiting or self._in_maintenance:
            await super().release(connection)
            return
        self._in_use_connections.remove(connection)
        if connection.should_reconnect():  # type: ignore[no-untyped-call]
            await connection.disconnect()
        self._available_connections.append(connection)


def make_redis(
    url: str, max_connections: int, *, blocking: bool, client_name: str | None = None
) -> aioredis.Redis:
    """A client over a bounded pool.

    The app and the watcher use *blocking* pools, so that a burst (of SSE clients, of
    jobs) waits for one of a bounded number of connections instead of opening one
    each, or failing once the bound is reached.
    ``client_name`` shows in CLIENT LIST, so each process's connections can be counted.

    A command that meets a connection closed by the server is retried once on a fresh
    connection: after a Redis restart every pooled socket is dead, and without the
    retry each of them would fail one request.
    """
    pool_class = LeanBlockingConnectionPool if blocking else ConnectionPool
    options: dict[str, Any] = {"timeout": POOL_WAIT_S} if blocking else {}
    if url.startswith("redis://"):  # TCP (a unix socket or TLS has a class of its own)
        options["connection_class"] = LeanConnection
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
    return TimedRedis(connection_pool=pool)


def text(value: bytes | str) -> str:
    """A Redis reply as text (our clients return bytes; redis-py types say either)."""
    return value.decode() if isinstance(value, bytes) else value


def pool_exhausted(exc: BaseException) -> bool:
    """True when no pooled connection freed up in time: Redis is busy, not down.

    On a cluster: a node's pool at its ``max_connections`` (``MaxConnectionsError``).
    """
    if isinstance(exc, redis_errors.MaxConnectionsError):
        return True
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
