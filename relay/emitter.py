"""Writes a job's events: numbered, logged for replay and published live, atomically.

One Lua script per event allocates the next sequence number, appends the rendered
SSE frame to the job's event log (stream entry ``0-<seq>``), publishes it, and keeps
the job hash and answer text in step. The script refuses to write after the job has
finished, which settles every race between cancel and completion in one place: who
writes the terminal event first wins, and the loser is told (``JobFinishedError``).

The emits of all jobs go to Redis in batches (:class:`ScriptBatcher`): an emit made
while the connection is idle leaves at once; emits made while a batch is in flight, or
within :data:`BATCH_WINDOW_S` of the last one leaving, travel together in the next.
A watcher streaming a hundred answers at once so pays one socket write and one read
per batch instead of one per chunk, at most a millisecond later. The batch is written
as RESP bytes on one pooled connection, without redis-py's per-command pipeline work.
Each job still awaits its own emit before the next, so a job's events keep their order.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import NoScriptError, ResponseError

from relay import keys
from relay.jobs import EventType, JobStatus, finish_fields, is_terminal

_EMIT = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status == 'complete' or status == 'error' or status == 'cancelled' then return 0 end
local seq = redis.call('HINCRBY', KEYS[1], 'last_seq', 1)
local inner = ARGV[4]
if inner ~= '' then inner = ',' .. inner end
local frame = 'id: ' .. seq .. '\\nevent: ' .. ARGV[2] .. '\\ndata: {"seq":' .. seq .. inner
  .. ',"ts":' .. ARGV[3] .. '}\\n\\n'
local message = ARGV[1] .. ' ' .. seq .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. ARGV[6]
  .. '\\n' .. frame
if ARGV[8] == '1' then redis.call('DEL', KEYS[3]) end
redis.call('XADD', KEYS[2], '0-' .. seq, 'm', message)
if ARGV[5] ~= '' then redis.call('APPEND', KEYS[3], ARGV[5]) end
for i = 10, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[6] == '1' then
  local ttl = tonumber(ARGV[9])
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[3], ttl)
end
redis.call('PUBLISH', ARGV[7], message)
return seq
"""


#: Shortest time between two batches leaving: emits made meanwhile wait and join.
BATCH_WINDOW_S = 0.001


def pack_command(args: Sequence[str | bytes | int]) -> bytes:
    """One command in RESP, as redis-py's encoder would write it (str as UTF-8)."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class ScriptBatcher:
    """Runs calls of one Lua script, sending those made close together as one batch."""

    def __init__(self, redis: aioredis.Redis, source: str) -> None:
        self._redis = redis
        self._source = source
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
        """EVALSHA every call in one write on one pooled connection; replies in order.

        Error replies come back as exceptions in the list (as ``raise_on_error=False``
        would give them); a connection failure is retried as redis-py retries its own
        pipelines, on a fresh connection.
        """
        packed = b"".join(pack_command((b"EVALSHA", self._sha, *call)) for call in calls)
        pool = self._redis.connection_pool
        connection = await pool.get_connection()
        try:
            replies: list[Any] = await connection.retry.call_with_retry(
                lambda: self._send(connection, packed, len(calls)),
                lambda _error: connection.disconnect(),
            )
            return replies
        except BaseException:
            await connection.disconnect()  # never hand back a half-read connection
            raise
        finally:
            await pool.release(connection)

    @staticmethod
    async def _send(connection: Any, packed: bytes, count: int) -> list[Any]:
        await connection.send_packed_command(packed, check_health=False)
        replies: list[Any] = []
        for _ in range(count):
            try:
                replies.append(await connection.read_response())
            except ResponseError as exc:
                replies.append(exc)
        return replies


class JobFinishedError(Exception):
    """The job already ended (cancelled, or finished elsewhere): stop working on it."""


class EventEmitter:
    """Emits events of jobs stored in Redis."""

    def __init__(self, redis: aioredis.Redis, event_log_ttl_s: int) -> None:
        self._script = ScriptBatcher(redis, _EMIT)
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
            keys.EVENTS_CHANNEL,
            "1" if reset_text else "0",
            self._ttl,
        ]
        for name, value in (fields or {}).items():
            args.extend((name, value))
        seq = await self._script.call(
            [keys.job(job_id), keys.job_events(job_id), keys.job_text(job_id)], args
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
