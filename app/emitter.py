"""Writes a job's events: numbered, logged for replay and published live, atomically.

One Lua script per event allocates the next sequence number, appends the rendered
SSE frame to the job's event log (stream entry ``0-<seq>``), publishes it, and keeps
the job hash and answer text in step. The script refuses to write after the job has
finished, which settles every race between cancel and completion in one place: who
writes the terminal event first wins, and the loser is told (``None``).
"""

from __future__ import annotations

from typing import Any

import orjson
import redis.asyncio as aioredis

from app import keys
from app.jobs import FINISHED_STATUSES, Event, EventType, JobStatus, is_terminal

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


class JobFinishedError(Exception):
    """The job already ended (cancelled, or finished elsewhere): stop working on it."""


class EventEmitter:
    """Emits events of jobs stored in Redis."""

    def __init__(self, redis: aioredis.Redis, event_log_ttl_s: int) -> None:
        self._script = redis.register_script(_EMIT)
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
        seq = await self._script(
            keys=[keys.job(job_id), keys.job_events(job_id), keys.job_text(job_id)], args=args
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
        assert status in FINISHED_STATUSES
        all_fields = {"status": status.value, "finished_ts": repr(ts_ms / 1000), **(fields or {})}
        return await self.emit(job_id, event_type, payload, ts_ms, fields=all_fields)


def event_from_entry(fields: dict[bytes, bytes]) -> Event:
    """Decode one event-log entry."""
    return Event.from_fields(fields)
