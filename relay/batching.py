"""Redis commands of concurrent callers, sent together: one write and one read per node.

A caller hands :meth:`CommandBatcher.execute` one or more *calls*, each a few commands
for the keys of one hash slot, and awaits their replies. A call made while the
connection is idle leaves at once (on the next loop iteration, with whatever else that
iteration sends); calls made while a batch is in flight, or within
:data:`BATCH_WINDOW_S` of the last one leaving, travel together in the next. A hundred
chats starting in the same millisecond so pay one socket write and one read between
them, not a redis-py round trip each (its command packing, a time-out, a pool
checkout and a socket write per command were most of a chat start's CPU, by
profile).

A batch is written as RESP bytes on one pooled connection (on a cluster, one per
node, the nodes in parallel) and its replies are parsed with hiredis as they arrive.
Each call's commands stay together and in order on its node, and on one Redis the
calls of one :meth:`~CommandBatcher.execute` keep their order too: Redis runs one
connection's commands in the order they came.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import hiredis
import redis.asyncio as aioredis
from redis._parsers.base import BaseParser
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.exceptions import AskError, TryAgainError

from relay.connections import (
    REDIS_DOWN_ERRORS,
    as_cluster,
    as_connection_error,
    is_cluster,
    owner,
    redis_timer,
    socket_reader,
    torn_down_as_connection_error,
)

#: Shortest time between two batches leaving: calls made meanwhile wait and join.
BATCH_WINDOW_S = 0.001
#: How long a batch waits for its replicas (``WAIT``) before it goes on without them.
WAIT_TIMEOUT_MS = 200
#: A node whose ``WAIT`` came back short is asked (``ROLE``) this often whether its
#: replicas are back; until they are, its batches do not wait for them.
REPLICA_PROBE_S = 1.0
#: Replies meaning "ask the slot's new owner": the slot map is out of date.
_MOVED_ERRORS = (AskError, TryAgainError, *REDIS_DOWN_ERRORS)
#: How much one socket read asks for.
_READ_SIZE = 65536

#: One command's arguments (str as UTF-8, numbers as their decimal text).
Command = Sequence[str | bytes | int | float]
#: A call: a key naming the slot its commands are for, and the commands.
Call = tuple[str, Sequence[Command]]


def pack_command(args: Command) -> bytes:
    """One command in RESP, as redis-py's encoder would write it (str as UTF-8).

    hiredis's packer, in C: three times as fast as the same in Python, and a chat's
    start packs a dozen commands.
    """
    command = args if isinstance(args, tuple) else tuple(args)
    packed: bytes = hiredis.pack_command(command)  # type: ignore[arg-type]  # its stub: a 1-tuple
    return packed


class _Pending:
    """One call waiting for its batch: its bytes, how many replies, who waits (for the
    one reply itself when ``single``, else for the list of them)."""

    __slots__ = ("count", "future", "packed", "single", "slot_key")

    def __init__(
        self,
        slot_key: str,
        packed: bytes,
        count: int,
        future: asyncio.Future[Any],
        single: bool = False,
    ) -> None:
        self.slot_key = slot_key
        self.packed = packed
        self.count = count
        self.future = future
        self.single = single


class CommandBatcher:
    """Runs calls of concurrent callers, those made close together as one batch.

    With ``wait_replicas``, every node's batch ends with ``WAIT``: it counts as
    written once that many replicas have it, so a failover cannot lose a write a
    client has already seen. A node whose ``WAIT`` comes back short (its replica is
    down, or it is a replica just promoted, whose old master has not rejoined) has
    no replica a failover could promote, so there is nothing to wait for: its
    batches skip ``WAIT`` (each would stall :data:`WAIT_TIMEOUT_MS`, and a stream
    crawl at a few chunks a second) and end with ``ROLE`` every
    :data:`REPLICA_PROBE_S` instead, until it lists enough replicas again.
    """

    def __init__(self, redis: aioredis.Redis, *, wait_replicas: int = 0) -> None:
        self._redis = redis
        self._cluster = is_cluster(redis)  # asked once: an isinstance through a Protocol
        self._wait_replicas = wait_replicas
        self._wait_command = pack_command((b"WAIT", wait_replicas, WAIT_TIMEOUT_MS))
        self._pending: list[_Pending] = []
        self._flush_scheduled = False
        self._last_flush = 0.0
        #: Nodes short of replicas (by ``host:port``): when to ask them again.
        self._short_of_replicas: dict[str, float] = {}

    @property
    def keeps_order_across_calls(self) -> bool:
        """True when all calls of one :meth:`execute` run in order (one Redis, not a
        cluster, whose nodes run their shares in parallel)."""
        return not self._cluster

    async def execute(self, *calls: Call) -> list[list[Any]]:
        """Each call's replies, in order; an error reply is the exception, in its place.

        Raises what the round trip raised when the call's node could not be reached.
        """
        futures = [
            self._enqueue(slot_key, b"".join(map(pack_command, commands)), len(commands))
            for slot_key, commands in calls
        ]
        timer = redis_timer.get()  # the caller's wait counts as its request's Redis time
        started = time.perf_counter() if timer is not None else 0.0
        try:
            replies = []
            for future in futures:  # a loop, not an async comprehension: no frame of its own
                replies.append(await future)
            return replies
        finally:
            if timer is not None:
                timer.seconds += time.perf_counter() - started
                timer.calls += 1
            for future in futures:  # after a failure or a cancel: nobody waits for the rest
                if not future.done():
                    future.cancel()
                elif not future.cancelled():
                    future.exception()  # retrieved: no "never retrieved" warning

    def command_future(self, slot_key: str, command: Command) -> asyncio.Future[Any]:
        """One command's reply as a future (an error reply is its result, not raised).

        The emitter's path, once per chunk: no coroutine and no lists of its own, and
        not counted as a request's Redis time (:meth:`execute` is).
        """
        return self._enqueue(slot_key, pack_command(command), 1, single=True)

    def _enqueue(
        self, slot_key: str, packed: bytes, count: int, *, single: bool = False
    ) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append(_Pending(slot_key, packed, count, future, single))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            # Idle: next loop iteration (what else this iteration sends joins). Busy:
            # after the window, so that many callers' calls share one write.
            loop.call_at(max(loop.time(), self._last_flush + BATCH_WINDOW_S), self._flush)
        return future

    def _flush(self) -> None:
        self._flush_scheduled = False
        self._last_flush = asyncio.get_running_loop().time()
        batch, self._pending = self._pending, []
        task = asyncio.ensure_future(self._run(batch))
        task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    async def _run(self, batch: list[_Pending]) -> None:
        if self._cluster:
            try:
                await self._run_on_cluster(as_cluster(self._redis), batch)
            except BaseException as exc:  # whatever went wrong, no caller waits forever
                for call in batch:
                    _fail(call, exc)
                raise
            return
        try:
            pool = self._redis.connection_pool
            connection = await pool.get_connection()
            try:
                replies = await self._exchange(connection, batch, "")
            finally:
                await pool.release(connection)
        except Exception as exc:  # the whole round trip failed: every caller learns why
            failure = as_connection_error(exc)  # a connection torn down under it: lost
            for call in batch:
                _fail(call, failure)
            return
        for call, call_replies in zip(batch, replies, strict=True):
            _answer(call, call_replies)

    async def _run_on_cluster(self, cluster: RedisCluster, batch: list[_Pending]) -> None:
        """The calls grouped by the node owning their slot, the nodes in parallel.

        A call whose slot moved (a failover promoted a replica) is retried once on
        its new owner, after the client re-reads the slot map; a node that cannot be
        reached fails only its own calls.
        """
        pending = batch
        for attempt in range(2):
            groups: dict[str, tuple[ClusterNode, list[_Pending]]] = {}
            unplaced: list[tuple[_Pending, BaseException]] = []
            for call in pending:
                try:
                    node = owner(cluster, call.slot_key)
                except REDIS_DOWN_ERRORS as exc:
                    unplaced.append((call, exc))
                    continue
                groups.setdefault(node.name, (node, []))[1].append(call)
            outcomes = await asyncio.gather(
                *(self._on_node(node, calls) for node, calls in groups.values()),
                return_exceptions=True,
            )
            retry: list[_Pending] = []
            last = attempt == 1
            for (_, calls), outcome in zip(groups.values(), outcomes, strict=True):
                for index, call in enumerate(calls):
                    if isinstance(outcome, BaseException):
                        if isinstance(outcome, _MOVED_ERRORS) and not last:
                            retry.append(call)
                        else:
                            _fail(call, outcome)
                    elif not last and any(isinstance(r, _MOVED_ERRORS) for r in outcome[index]):
                        retry.append(call)
                    else:
                        _answer(call, outcome[index])
            for call, unreachable in unplaced:
                if last:
                    _fail(call, unreachable)
                else:
                    retry.append(call)
            if not retry:
                return
            pending = retry
            try:
                await cluster.nodes_manager.initialize()  # the slot map changed
            except Exception as map_error:
                for call in pending:
                    _fail(call, map_error)
                return

    async def _on_node(self, node: ClusterNode, calls: list[_Pending]) -> list[list[Any]]:
        connection = node.acquire_connection()
        try:
            with torn_down_as_connection_error():
                return await self._exchange(connection, calls, node.name)
        finally:
            node.release(connection)

    async def _exchange(
        self, connection: Any, calls: list[_Pending], node_name: str
    ) -> list[list[Any]]:
        """Write the calls at once on ``connection`` and read their replies, per call.

        A connection failure is retried as redis-py retries its own pipelines, on a
        fresh connection. With ``wait_replicas``, the ``WAIT`` (or ``ROLE``) reply is
        read last.
        """
        packed = b"".join(call.packed for call in calls)
        count = sum(call.count for call in calls)
        check = self._replica_check(node_name) if self._wait_replicas else None
        if check is not None:
            packed += check
            count += 1
        try:
            replies: list[Any] = await connection.retry.call_with_retry(
                lambda: _send(connection, packed, count), lambda _error: connection.disconnect()
            )
        except BaseException:
            await connection.disconnect()  # never hand back a half-read connection
            raise
        if check is not None:
            self._note_replicas(node_name, check is self._wait_command, replies[-1])
        per_call = []
        start = 0
        for call in calls:
            per_call.append(replies[start : start + call.count])
            start += call.count
        return per_call

    def _replica_check(self, node_name: str) -> bytes | None:
        """What ends a batch to ``node_name``: ``WAIT``, a ``ROLE`` probe, or nothing."""
        probe_at = self._short_of_replicas.get(node_name)
        if probe_at is None:
            return self._wait_command
        if time.monotonic() < probe_at:
            return None
        self._short_of_replicas[node_name] = time.monotonic() + REPLICA_PROBE_S
        return _ROLE

    def _note_replicas(self, node_name: str, waited: bool, reply: Any) -> None:
        """Remember whether ``node_name`` has the replicas a batch waits for."""
        if waited:
            replicas = reply if isinstance(reply, int) else 0
        else:  # ROLE: ["master", offset, [[host, port, offset], ...]]; a replica: no list
            listed = reply[2] if isinstance(reply, list) and len(reply) > 2 else None
            replicas = len(listed) if isinstance(listed, list) else 0
        if replicas >= self._wait_replicas:
            self._short_of_replicas.pop(node_name, None)
        elif node_name not in self._short_of_replicas:
            self._short_of_replicas[node_name] = time.monotonic() + REPLICA_PROBE_S


async def _send(connection: Any, packed: bytes, count: int) -> list[Any]:
    """Send ``packed`` and read ``count`` replies straight off the socket with hiredis.

    One time-out for the whole read (redis-py arms one per reply). Push messages
    (RESP3 notifications) are skipped; bytes read past the last reply (a push
    arriving after it) are not another caller's to read, so the connection is closed
    rather than handed back with them.
    """
    await connection.send_packed_command(packed, check_health=False)
    socket = socket_reader(connection)
    more = _MORE
    parser = hiredis.Reader(replyError=BaseParser.parse_error, notEnoughData=more)
    replies: list[Any] = []
    async with asyncio.timeout(connection.socket_timeout):
        while len(replies) < count:
            reply = parser.gets()
            if reply is more:
                data = await socket.read(_READ_SIZE)
                if not data:
                    raise aioredis.ConnectionError("Redis closed the connection")
                parser.feed(data)
            elif not isinstance(reply, hiredis.PushNotification):
                replies.append(reply)
    if parser.has_data():
        await connection.disconnect()
    return replies


_MORE = object()  # what the parser says while a reply is incomplete
_ROLE = pack_command((b"ROLE",))


def raise_errors(replies: Any) -> None:
    """Raise the first error reply among ``replies`` (an aborted ``EXEC``'s too)."""
    if isinstance(replies, Exception):
        raise replies
    if replies is None:
        raise aioredis.ResponseError("the transaction was aborted")
    for reply in replies:
        if isinstance(reply, Exception):
            raise reply


def as_mapping(reply: Any) -> dict[Any, Any]:
    """A hash reply as a dict: RESP3 sends a map, RESP2 a flat list of pairs."""
    if isinstance(reply, dict):
        return reply
    return dict(zip(reply[::2], reply[1::2], strict=True))


def _answer(call: _Pending, replies: list[Any]) -> None:
    if not call.future.done():  # its caller may have been cancelled meanwhile
        call.future.set_result(replies[0] if call.single else replies)


def _fail(call: _Pending, exc: BaseException) -> None:
    if not call.future.done():
        call.future.set_exception(exc)
        if call.single:
            # A chunk's emit may never be awaited (its job was stopped by a shutdown
            # first): no "exception never retrieved" for it. An awaiter still gets it.
            call.future.exception()
