"""Cache tiers through aiocache: L1 in-process memory (LRU-bounded), L2 Redis.

``TieredCache`` is cache-aside: ``get`` tries L1, then L2 (and fills L1 from it);
``set`` writes both. The cache is never a reason for a request to fail: a Redis
error, a timeout or an entry that does not decode is a miss (logged at debug), and
a corrupt entry is deleted so that the next ``set`` replaces it.

Every lookup is counted per tier through :func:`count` (the one place that feeds
``relay_cache_requests_total``). Keys are sha256 digests (:func:`digest`), so user
text never appears in a key and a huge prompt makes a key of the same size.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import orjson
import redis.asyncio as aioredis
from aiocache import RedisCache, SimpleMemoryCache
from aiocache.serializers import BaseSerializer
from redis.asyncio.connection import BlockingConnectionPool, parse_url
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from relay import keys, telemetry

log = logging.getLogger(__name__)

#: Connections of the L2 client per process. The app must hold O(1) Redis
#: connections; cache reads and writes are single commands, so two are plenty.
L2_POOL_SIZE = 2
#: Longest wait for any L2 operation (connect, pool slot, reply). Past it the
#: lookup is a miss: a slow Redis must not make a cached answer slower than no cache.
L2_TIMEOUT_S = 0.5

Validator = Callable[[Any], bool]


def count(tier: str, result: str) -> None:
    """Count one lookup of ``tier`` (``l1``, ``l2``, ``snapshot``) as ``hit`` or ``miss``."""
    telemetry.CACHE_REQUESTS.labels(tier, result).inc()


def digest(*parts: str | bytes) -> str:
    """sha256 hex of ``parts``; each is length-prefixed so no two tuples collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(b"%d:" % len(data))
        hasher.update(data)
    return hasher.hexdigest()


class OrjsonSerializer(BaseSerializer):  # type: ignore[misc]  # aiocache has no types
    """JSON through orjson; bytes in and out (no str round trip)."""

    DEFAULT_ENCODING = None

    def dumps(self, value: Any) -> bytes:
        return orjson.dumps(value)

    def loads(self, value: bytes | None) -> Any:
        return None if value is None else orjson.loads(value)


class BoundedMemoryCache(SimpleMemoryCache):  # type: ignore[misc]  # aiocache has no types
    """aiocache's memory cache with a size limit: the least recently used entry goes.

    aiocache keeps entries in a plain dict with one expiry timer each; here the dict
    is an ``OrderedDict`` kept in use order, and ``_set`` evicts from its front
    through ``_delete`` (which also cancels the evicted entry's timer).
    """

    def __init__(self, max_entries: int, **kwargs: Any) -> None:
        # No per-call timeout: aiocache wraps timed calls in a task, which costs more
        # than a dict lookup.
        kwargs.setdefault("timeout", None)
        super().__init__(**kwargs)
        self.max_entries = max(1, max_entries)
        self._cache: OrderedDict[str, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._cache)

    async def _get(self, key: str, encoding: str | None = "utf-8", _conn: Any = None) -> Any:
        value = self._cache.get(key)
        if value is not None:
            self._cache.move_to_end(key)
        return value

    async def _set(
        self,
        key: str,
        value: Any,
        ttl: float | None = None,
        _cas_token: Any = None,
        _conn: Any = None,
    ) -> Any:
        stored = await super()._set(key, value, ttl=ttl, _cas_token=_cas_token, _conn=_conn)
        if key in self._cache:
            self._cache.move_to_end(key)
        while len(self._cache) > self.max_entries:
            await self._delete(next(iter(self._cache)))
        return stored

    async def _clear(self, namespace: str | None = None, _conn: Any = None) -> bool:
        await super()._clear(namespace, _conn=_conn)
        if not isinstance(self._cache, OrderedDict):
            self._cache = OrderedDict(self._cache)
        return True


def make_redis_tier(
    url: str, client_name: str, cluster: aioredis.Redis | None = None
) -> RedisCache:
    """aiocache's Redis cache for ``url``, on a tiny blocking pool named ``client_name``.

    On a Redis Cluster, ``cluster`` is the process's cluster client: aiocache's own
    client speaks to one node only, so the tier's commands (all single-key) go
    through the cluster client instead.

    aiocache 0.12 builds its own client from host/port/db/password; the rest of the
    URL (username, TLS) goes through ``connection_pool_kwargs``. The name makes these
    connections show in CLIENT LIST under the process's name, like its main pool.
    """
    options = parse_url(url)
    pool_kwargs: dict[str, Any] = {
        "client_name": client_name,
        "timeout": L2_TIMEOUT_S,  # wait for a free pool slot
        "socket_timeout": L2_TIMEOUT_S,
        "socket_keepalive": True,
        # After a Redis restart every pooled connection is dead once: retry on a new one.
        "retry": Retry(NoBackoff(), 1),
    }
    if options.get("username"):
        pool_kwargs["username"] = options["username"]
    cache = RedisCache(
        serializer=OrjsonSerializer(),
        namespace=keys.cache_namespace().rstrip(":"),  # aiocache adds the ":" itself
        timeout=L2_TIMEOUT_S,
        endpoint=options.get("host", "127.0.0.1"),
        port=options.get("port", 6379),
        db=options.get("db", 0),
        password=options.get("password"),
        ssl=urlsplit(url).scheme == "rediss",
        pool_max_size=L2_POOL_SIZE,
        create_connection_timeout=L2_TIMEOUT_S,
        connection_pool_class=BlockingConnectionPool,
        connection_pool_kwargs=pool_kwargs,
    )
    if cluster is not None:
        cache.client = cluster  # the same command methods (relay.connections.connect)
    return cache


class TieredCache:
    """Cache-aside over an optional L1 and an optional L2, counted per tier."""

    def __init__(
        self,
        l1: BoundedMemoryCache | None,
        l2: RedisCache | None,
        ttl_s: float,
        tier_names: tuple[str, str] = ("l1", "l2"),
    ) -> None:
        self.l1 = l1
        self.l2 = l2
        self.ttl_s = ttl_s
        self._l1_name, self._l2_name = tier_names

    async def get(self, key: str, valid: Validator | None = None) -> Any:
        """The value of ``key`` (L1 first), or None. An invalid value is a miss."""
        if self.l1 is not None:
            value = await self.l1.get(key)
            if value is not None and (valid is None or valid(value)):
                count(self._l1_name, "hit")
                return value
            count(self._l1_name, "miss")
        if self.l2 is None:
            return None
        value = await self._l2_get(key, valid)
        count(self._l2_name, "miss" if value is None else "hit")
        if value is not None and self.l1 is not None:
            await self.l1.set(key, value, ttl=self.ttl_s)
        return value

    async def _l2_get(self, key: str, valid: Validator | None) -> Any:
        assert self.l2 is not None
        try:
            value = await self.l2.get(key)
        except orjson.JSONDecodeError:
            log.debug("cache entry %s does not decode; dropping it", key)
            await self._l2_delete(key)
            return None
        except Exception as exc:  # any L2 failure is a miss, never a failed request
            log.debug("L2 get failed: %s: %s", type(exc).__name__, exc)
            return None
        if value is not None and valid is not None and not valid(value):
            log.debug("cache entry %s has an unexpected shape; dropping it", key)
            await self._l2_delete(key)
            return None
        return value

    async def set(self, key: str, value: Any, ttl_s: float | None = None) -> None:
        """Store ``value`` in every tier; an L2 failure is logged and ignored."""
        ttl = self.ttl_s if ttl_s is None else ttl_s
        if self.l1 is not None:
            await self.l1.set(key, value, ttl=ttl)
        if self.l2 is not None:
            try:
                # A float TTL makes aiocache use PSETEX (redis-py deprecates its SETEX).
                await self.l2.set(key, value, ttl=float(ttl))
            except Exception as exc:
                log.debug("L2 set failed: %s: %s", type(exc).__name__, exc)

    async def delete(self, key: str) -> None:
        """Remove ``key`` from every tier."""
        if self.l1 is not None:
            await self.l1.delete(key)
        await self._l2_delete(key)

    async def _l2_delete(self, key: str) -> None:
        if self.l2 is None:
            return
        try:
            await self.l2.delete(key)
        except Exception as exc:
            log.debug("L2 delete failed: %s: %s", type(exc).__name__, exc)

    async def close(self) -> None:
        """Close the L2 client's connections."""
        if self.l2 is not None:
            await self.l2.client.aclose()
