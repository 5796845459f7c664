"""Writes a job's events: numbered, logged for replay and published live, atomically.

One Lua script per event allocates the next sequence number, appends the rendered
SSE frame to the job's event log (stream entry ``0-<seq>``), publishes it on the job's
own channel (``SPUBLISH``: every key and the channel share the job's slot), and keeps
the job hash and answer text in step. The script refuses to write after the job has
finished, which settles every race between cancel and completion in one place: who
writes the terminal event first wins, and the loser is told (``JobFinishedError``).

The emits of all jobs go to Redis in batches (:class:`ScriptBatcher`): an emit made
while the connection is idle leaves at once; emits made while a batch is in flight, or
within :data:`BATCH_WINDOW_S` of the last one leaving, travel together in the next.
A watcher streaming a hundred answers at once so pays one socket write and one read
per batch instead of one per chunk, at most a millisecond later. The batch is written
as RESP bytes on one pooled connection (on a cluster, one per node, the nodes in
parallel), without redis-py's per-command pipeline work.
Each job still awaits its own emit before the next, so a job's events keep their order.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.exceptions import AskError, NoScriptError, ResponseError, TryAgainError

from relay import keys
from relay.connections import REDIS_DOWN_ERRORS, as_cluster, is_cluster, owner, timed_redis
from relay.jobs import FINISHED_STATUSES, EventType, JobStatus, finish_fields, is_terminal

#: The Lua test "the job has ended" (FINISHED in the script), from the one list of
#: finished statuses.
_FINISHED = " or ".join(f"status == '{status.value}'" for status in sorted(FINISHED_STATUSES))

_EMIT = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if FINISHED then return 0 end
local seq = redis.call('HINCRBY', KEYS[1], 'last_seq', 1)
local inner = ARGV[4]
if inner ~= '' then inner = ',' .. inner end
local frame = 'id: ' .. seq .. '\\nevent: ' .. ARGV[2] .. '\\ndata: {"seq":' .. seq .. inner
  .. ',"ts":' .. ARGV[3] .. '}\\n\\n'
local message = ARGV[1] .. ' ' .. seq .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. ARGV[6]
  .. '\\n' .. frame
if ARGV[7] == '1' then redis.call('DEL', KEYS[3]) end
redis.call('XADD', KEYS[2], '0-' .. seq, 'm', message)
if ARGV[5] ~= '' then redis.call('APPEND', KEYS[3], ARGV[5]) end
for i = 9, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[6] == '1' then
  local ttl = tonumber(ARGV[8])
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[3], ttl)
end
redis.call('SPUBLISH', KEYS[4], message)
return seq
""".replace("FINISHED", _FINISHED)


#: Shortest time between two batches leaving: emits made meanwhile wait and join.
BATCH_WINDOW_S = 0.001
#: How long a batch waits for its replicas (``WAIT``) before it goes on without them.
WAIT_TIMEOUT_MS = 200
#: Replies meaning "ask the slot's new owner": the slot map is out of date.
_MOVED_ERRORS = (AskError, TryAgainError, *REDIS_DOWN_ERRORS)


def pack_command(args: Sequence[str | bytes | int]) -> bytes:
    """One command in RESP, as redis-py's encoder would write it (str as UTF-8)."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class ScriptBatcher:
    """Runs calls of one Lua script, sending those made close together as one batch."""

    def __init__(self, redis: aioredis.Redis, source: str, *, wait_replicas: int = 0) -> None:
        self._redis = redis
        self._source = source
        self._wait_replicas = wait_replicas
        self._sha = hashlib.sha1(source.encode()).hexdigest().encode()
        self._pending: list[tuple[tuple[Any, ...], asyncio.Future[Any]]] = []
        self._flush_scheduled = False
        self._last_flush = 0.0

    async def call(self, keys: list[str], args: list[Any]) -> Any:
        """The script's reply for ``keys`` and ``args``."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append(((len(keys), *keys, *args), future))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            # Idle: next loop iteration (what else this iteration emits joins). Busy:
            # after the window, so that the emits of many jobs share one write.
            loop.call_at(max(loop.time(), self._last_flush + BATCH_WINDOW_S), self._flush)
        return await future

    def _flush(self) -> None:
        self._flush_scheduled = False
        self._last_flush = asyncio.get_running_loop().time()
        batch, self._pending = self._pending, []
        task = asyncio.ensure_future(self._run(batch))
        task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    async def _run(self, batch: list[tuple[tuple[Any, ...], asyncio.Future[Any]]]) -> None:
        try:
            replies = await self._execute([call for call, _ in batch])
        except Exception as exc:  # the whole round trip failed: every caller learns why
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), reply in zip(batch, replies, strict=True):
            if future.done():
                continue  # its caller was cancelled meanwhile
            if isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)

    async def _execute(self, calls: list[tuple[Any, ...]]) -> list[Any]:
        replies = await self._pipeline(calls)
        if any(isinstance(reply, NoScriptError) for reply in replies):
            # Redis restarted and lost its script cache; a NOSCRIPT call did not run.
            await self._redis.script_load(self._source)
            retry = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
            for index, reply in zip(
                retry, await self._pipeline([calls[i] for i in retry]), strict=True
            ):
                replies[index] = reply
        return replies

    async def _pipeline(self, calls: list[tuple[Any, ...]]) -> list[Any]:
        """EVALSHA every call, one write per Redis node; replies (or errors) in order."""
        if not is_cluster(self._redis):
            pool = self._redis.connection_pool
            connection = await pool.get_connection()
            try:
                return await self._exchange(connection, calls)
            finally:
                await pool.release(connection)
        return await self._cluster_pipeline(as_cluster(self._redis), calls)

    async def _cluster_pipeline(
        self, cluster: RedisCluster, calls: list[tuple[Any, ...]]
    ) -> list[Any]:
        """The calls grouped by the node owning their keys' slot, the nodes in parallel.

        A call whose slot moved (a failover promoted a replica) is retried once on
        its new owner, after the client re-reads the slot map; a node that cannot be
        reached fails only its own calls.
        """
        replies: list[Any] = [None] * len(calls)
        pending = list(range(len(calls)))
        for attempt in range(2):
            groups: dict[str, tuple[ClusterNode, list[int]]] = {}
            for index in pending:
                node = owner(cluster, calls[index][1])  # the call's first key
                groups.setdefault(node.name, (node, []))[1].append(index)
            outcomes = await asyncio.gather(
                *(self._on_node(node, [calls[i] for i in idx]) for node, idx in groups.values()),
                return_exceptions=True,
            )
            for (_, indices), outcome in zip(groups.values(), outcomes, strict=True):
                node_replies = outcome if isinstance(outcome, list) else [outcome] * len(indices)
                for index, reply in zip(indices, node_replies, strict=True):
                    replies[index] = reply
            pending = [i for i in pending if isinstance(replies[i], _MOVED_ERRORS)]
            if not pending or attempt == 1:
                break
            await cluster.nodes_manager.initialize()  # the slot map changed
        return replies

    async def _on_node(self, node: ClusterNode, calls: list[tuple[Any, ...]]) -> list[Any]:
        connection = node.acquire_connection()
        try:
            return await self._exchange(connection, calls)
        finally:
            node.release(connection)

    async def _exchange(self, connection: Any, calls: list[tuple[Any, ...]]) -> list[Any]:
        """Write the calls at once on ``connection`` and read their replies.

        Error replies come back as exceptions in the list (as ``raise_on_error=False``
        would give them); a connection failure is retried as redis-py retries its own
        pipelines, on a fresh connection. With ``wait_replicas``, a ``WAIT`` follows:
        the batch counts as written once that many replicas have it, so a failover
        cannot lose an event a client has already been sent.
        """
        packed = b"".join(pack_command((b"EVALSHA", self._sha, *call)) for call in calls)
        if self._wait_replicas:
            packed += pack_command((b"WAIT", self._wait_replicas, WAIT_TIMEOUT_MS))
        try:
            with timed_redis():  # past redis-py's command layer, so timed here
                replies: list[Any] = await connection.retry.call_with_retry(
                    lambda: self._send(connection, packed, len(calls), self._wait_replicas > 0),
                    lambda _error: connection.disconnect(),
                )
            return replies
        except BaseException:
            await connection.disconnect()  # never hand back a half-read connection
            raise

    @staticmethod
    async def _send(connection: Any, packed: bytes, count: int, waits: bool) -> list[Any]:
        await connection.send_packed_command(packed, check_health=False)
        replies: list[Any] = []
        for _ in range(count):
            try:
                replies.append(await connection.read_response())
            except ResponseError as exc:
                replies.append(exc)
        if waits:
            await connection.read_response()  # replicas reached; fewer after the timeout
        return replies


class JobFinishedError(Exception):
    """The job already ended (cancelled, or finished elsewhere): stop working on it."""


class EventEmitter:
    """Emits events of jobs stored in Redis."""

    def __init__(
        self, redis: aioredis.Redis, event_log_ttl_s: int, *, wait_replicas: int = 0
    ) -> None:
        self._script = ScriptBatcher(redis, _EMIT, wait_replicas=wait_replicas)
        self._ttl = str(event_log_ttl_s)

    async def emit(
        self,
        job_id: str,
        event_type: EventType,
        payload: dict[str, Any],
        ts_ms: float,
        *,
        text: str = "",
        fields: dict[str, str] | None = None,
        reset_text: bool = False,
    ) -> int:
        """Write one event and return its sequence number.

        ``fields`` are set on the job hash in the same step (e.g. its new status);
        ``text`` is appended to the answer so far. Raises :class:`JobFinishedError`
        when the job has already ended.
        """
        body = orjson.dumps(payload)[1:-1].decode()
        terminal = is_terminal(event_type, payload)
        args = [
            job_id,
            event_type.value,
            repr(ts_ms),
            body,
            text,
            "1" if terminal else "0",
            "1" if reset_text else "0",
            self._ttl,
        ]
        for name, value in (fields or {}).items():
            args.extend((name, value))
        seq = await self._script.call(
            [
                keys.job(job_id),
                keys.job_events(job_id),
                keys.job_text(job_id),
                keys.job_live(job_id),
            ],
            args,
        )
        if not seq:
            raise JobFinishedError(job_id)
        return int(seq)

    async def finish(
        self,
        job_id: str,
        status: JobStatus,
        event_type: EventType,
        payload: dict[str, Any],
        ts_ms: float,
        fields: dict[str, str] | None = None,
    ) -> int:
        """Write the terminal event and the final status in one step."""
        all_fields = {**finish_fields(status, ts_ms / 1000), **(fields or {})}
        return await self.emit(job_id, event_type, payload, ts_ms, fields=all_fields)
