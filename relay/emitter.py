"""Writes a job's events: numbered, logged for replay and published live, atomically.

One Lua script per event allocates the next sequence number, appends the rendered
SSE frame to the job's event log (stream entry ``0-<seq>``), publishes it on the job's
own channel (``SPUBLISH``: every key and the channel share the job's slot), and keeps
the job hash and answer text in step. The script refuses to write after the job has
finished, which settles every race between cancel and completion in one place: who
writes the terminal event first wins, and the loser is told (``JobFinishedError``).

The emits of all jobs go to Redis in batches (:class:`relay.batching.CommandBatcher`):
a watcher streaming a hundred answers at once pays one socket write and one read per
batch instead of one per chunk, at most a millisecond later.
Each job has at most one emit in flight: it waits for the reply to one before it sends
the next (batches run on pooled connections, so two in flight could overtake each
other), and so its events keep their order. A chunk need not be waited for at once:
:meth:`EventEmitter.send` hands back an :class:`Unsettled` emit, which the job
settles just before its next write, by then usually answered (chunks come
milliseconds apart, a batch's round trip takes less). That spares each chunk a wake-up
of the job's task and of every frame it is suspended in.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any, NamedTuple

import orjson
import redis.asyncio as aioredis
from redis.exceptions import NoScriptError

from relay import keys
from relay.batching import Call, Command, CommandBatcher
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


class ScriptBatcher:
    """Runs calls of one Lua script (``EVALSHA``), sending those made close together
    as one batch."""

    def __init__(self, redis: aioredis.Redis, source: str, batcher: CommandBatcher) -> None:
        self._redis = redis
        self._source = source
        self._sha = hashlib.sha1(source.encode()).hexdigest().encode()
        self._batcher = batcher

    def start(self, keys: list[str], args: list[Any]) -> asyncio.Future[Any]:
        """The script's reply for ``keys`` and ``args``, as a future; an error reply is
        its result, for :meth:`finish` to raise (or to retry, for a lost script)."""
        return self._batcher.command_future(keys[0], self._command(keys, args))

    def _command(self, keys: list[str], args: list[Any]) -> Command:
        return (b"EVALSHA", self._sha, len(keys), *keys, *args)

    async def finish(self, keys: list[str], args: list[Any], reply: Any) -> Any:
        """``reply`` (of :meth:`start`), raised if it is an error."""
        if isinstance(reply, NoScriptError):
            # Redis restarted and lost its script cache; the call did not run.
            await self._redis.script_load(self._source)
            reply = await self.start(keys, args)
        if isinstance(reply, Exception):
            raise reply
        return reply

    async def call(self, keys: list[str], args: list[Any]) -> Any:
        """The script's reply for ``keys`` and ``args``."""
        return await self.finish(keys, args, await self.start(keys, args))

    async def call_many(self, calls: list[tuple[list[str], list[Any]]]) -> list[Any]:
        """The script's replies for several (keys, args), an error reply in its place."""
        commands: list[Call] = [(keys[0], [self._command(keys, args)]) for keys, args in calls]
        replies = [reply for (reply,) in await self._batcher.execute(*commands)]
        missing = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if missing:
            # Redis restarted and lost its script cache; a NOSCRIPT call did not run.
            await self._redis.script_load(self._source)
            again = await self._batcher.execute(*(commands[i] for i in missing))
            for index, (reply,) in zip(missing, again, strict=True):
                replies[index] = reply
        return replies


class JobFinishedError(Exception):
    """The job already ended (cancelled, or finished elsewhere): stop working on it."""


class Unsettled(NamedTuple):
    """An emit sent to Redis whose reply has not been looked at yet."""

    job_id: str
    keys: list[str]
    args: list[Any]
    #: The script's reply (an error reply is its result; a lost connection raises).
    reply: asyncio.Future[Any]


def job_keys(job_id: str) -> list[str]:
    """The keys the emit script writes for ``job_id`` (all in the job's slot)."""
    return [keys.job(job_id), keys.job_events(job_id), keys.job_text(job_id), keys.job_live(job_id)]


class EventEmitter:
    """Emits events of jobs stored in Redis."""

    def __init__(
        self, redis: aioredis.Redis, event_log_ttl_s: int, *, wait_replicas: int = 0
    ) -> None:
        #: The process's batches of Redis commands, which its other writes share too
        #: (one write for a burst's emits, submits and log reads alike).
        self.batcher = CommandBatcher(redis, wait_replicas=wait_replicas)
        self._script = ScriptBatcher(redis, _EMIT, self.batcher)
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
        sent = self.send(
            job_id, event_type, payload, ts_ms, text=text, fields=fields, reset_text=reset_text
        )
        return await self.settle(sent)

    def send(
        self,
        job_id: str,
        event_type: EventType,
        payload: dict[str, Any],
        ts_ms: float,
        *,
        text: str = "",
        fields: dict[str, str] | None = None,
        reset_text: bool = False,
        event_keys: list[str] | None = None,
    ) -> Unsettled:
        """Send one event (as :meth:`emit`) without waiting for Redis's reply.

        :meth:`settle` it before the job's next write. ``event_keys``: the job's
        :func:`job_keys`, when the caller keeps them.
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
        if fields:
            for name, value in fields.items():
                args.extend((name, value))
        script_keys = event_keys or job_keys(job_id)
        return Unsettled(job_id, script_keys, args, self._script.start(script_keys, args))

    async def settle(self, sent: Unsettled) -> int:
        """The sequence number of an emit :meth:`send` sent, once Redis has answered.

        Raises :class:`JobFinishedError` when the job had already ended, and what
        the round trip met when Redis could not be reached.
        """
        seq = await sent.reply  # a bare future: errors are settled after
        if isinstance(seq, Exception):
            seq = await self._script.finish(sent.keys, sent.args, seq)
        if not seq:
            raise JobFinishedError(sent.job_id)
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
