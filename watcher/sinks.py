"""Where a running job's events go: Redis (normally) or the fallback folder.

The runner talks to one :class:`JobSink` and does not know which channel it is.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any, Protocol

import orjson
import redis.asyncio as aioredis

from relay import keys
from relay.batching import CommandBatcher
from relay.connections import REDIS_DOWN_ERRORS, REDIS_OUTAGE
from relay.emitter import EventEmitter, JobFinishedError, Unsettled, job_keys
from relay.fallback import FileChannel
from relay.fallback_history import FileHistory
from relay.history import HistoryStore, is_complete
from relay.history import entry as history_entry
from relay.jobs import Event, EventType, Job, JobStatus, finish_fields, is_terminal
from relay.settings import Settings
from watcher.backends.base import Exchange
from watcher.slots import Slot

log = logging.getLogger(__name__)

#: Earlier exchanges handed to a backend as context, unless the sink is told
#: (``Settings.context_exchanges``, which the answer cache's key covers too).
HISTORY_FOR_CONTEXT: int = Settings.context_exchanges
#: Longest single BLPOP while waiting for answers (below redis-py's 5 s socket timeout).
ANSWER_POLL_S = 3.0


class ChannelLostError(Exception):
    """The job's channel (Redis) went away mid-job; the job is left to be reclaimed."""


class JobSink(Protocol):
    """The runner's view of a job's storage."""

    mode: str

    async def emit(
        self,
        event_type: EventType,
        payload: dict[str, Any],
        *,
        text: str = "",
        fields: dict[str, str] | None = None,
        reset_text: bool = False,
    ) -> int: ...

    async def emit_chunk(self, text: str) -> None:
        """A chunk of the answer, whose outcome may be learnt at the job's next write
        (or :meth:`settle`): a job that ended meanwhile raises there."""
        ...

    async def settle(self) -> None:
        """Wait until every event emitted so far is written; raise what one met."""
        ...

    async def finish(
        self,
        status: JobStatus,
        event_type: EventType,
        payload: dict[str, Any],
        fields: dict[str, str] | None = None,
    ) -> int: ...

    async def wait_answers(self, timeout_s: float) -> list[Any] | None: ...

    async def history(self, project: str) -> tuple[Exchange, ...]: ...

    async def save_history(self, project: str, entry: dict[str, Any]) -> None: ...


def _context(entries: list[dict[str, Any]]) -> tuple[Exchange, ...]:
    """The exchanges a backend is given: the answered ones (stopped or failed turns are
    kept in the history for the reader, not fed back to the agent)."""
    return tuple(Exchange(e["user"], e["assistant"]) for e in entries if is_complete(e))


def _now_ms() -> float:
    return time.time() * 1000


class RedisSink:
    """Events through the Lua emitter; answers from the job's answers list.

    A chunk's emit is not waited for: the job's next write (every method here but
    :meth:`history`, a read) first settles it (see :mod:`relay.emitter`), so at most
    one is in flight and a job that ended meanwhile is learnt of one chunk later.
    Redis going away surfaces as :class:`ChannelLostError`, whatever the call.
    """

    mode = "redis"

    def __init__(
        self,
        redis: aioredis.Redis,
        emitter: EventEmitter,
        job: Job,
        slot: Slot | None = None,
        *,
        context_exchanges: int = HISTORY_FOR_CONTEXT,
        batcher: CommandBatcher | None = None,
    ) -> None:
        self._redis = redis
        self._emitter = emitter
        self._job = job
        self._history = HistoryStore(redis, batcher)
        self._context_exchanges = context_exchanges
        #: The backend slot this job holds; given back while it waits for a person.
        self._slot = slot
        self._keys = job_keys(job.id)  # for the chunks' emits
        #: The chunk emit sent last, until its reply is looked at.
        self._unsettled: Unsettled | None = None

    async def emit(
        self,
        event_type: EventType,
        payload: dict[str, Any],
        *,
        text: str = "",
        fields: dict[str, str] | None = None,
        reset_text: bool = False,
    ) -> int:
        await self.settle()
        with self._channel_errors():
            return await self._emitter.emit(
                self._job.id,
                event_type,
                payload,
                _now_ms(),
                text=text,
                fields=fields,
                reset_text=reset_text,
            )

    async def emit_chunk(self, text: str) -> None:
        if self._unsettled is not None:
            await self.settle()
        self._unsettled = self._emitter.send(
            self._job.id, EventType.CHUNK, {"text": text}, _now_ms(), text=text,
            event_keys=self._keys,
        )  # fmt: skip

    async def settle(self) -> None:
        sent, self._unsettled = self._unsettled, None
        if sent is None:
            return
        try:  # not _channel_errors(): a context manager per chunk costs more than this
            await self._emitter.settle(sent)
        except REDIS_DOWN_ERRORS as exc:
            raise ChannelLostError(self._job.id) from exc

    async def finish(
        self,
        status: JobStatus,
        event_type: EventType,
        payload: dict[str, Any],
        fields: dict[str, str] | None = None,
    ) -> int:
        await self.settle()
        with self._channel_errors():
            return await self._emitter.finish(
                self._job.id, status, event_type, payload, _now_ms(), fields
            )

    async def wait_answers(self, timeout_s: float) -> list[Any] | None:
        await self.settle()
        # A job waiting for a person must not keep other projects from running.
        if self._slot is None:
            with self._channel_errors():
                return await self._pop_answers(timeout_s)
        async with self._slot.released():
            with self._channel_errors():
                return await self._pop_answers(timeout_s)

    @contextlib.contextmanager
    def _channel_errors(self) -> Iterator[None]:
        try:
            yield
        except REDIS_DOWN_ERRORS as exc:
            raise ChannelLostError(self._job.id) from exc

    async def _pop_answers(self, timeout_s: float) -> list[Any] | None:
        # Short BLPOPs: each must end well within the client's socket timeout (5 s).
        deadline = time.monotonic() + timeout_s
        while (remaining := deadline - time.monotonic()) > 0:
            popped = await self._redis.blpop(
                [keys.job_answers(self._job.id)], timeout=min(remaining, ANSWER_POLL_S)
            )
            if popped is not None:
                answers: list[Any] = orjson.loads(popped[1])
                return answers
        return None

    async def history(self, project: str) -> tuple[Exchange, ...]:
        with self._channel_errors():
            return _context(await self._history.entries(project, self._context_exchanges))

    async def save_history(self, project: str, entry: dict[str, Any]) -> None:
        await self.settle()
        with self._channel_errors():
            await self._history.append(project, entry)


class FileSink:
    """Events appended to the fallback folder; the job file replaced atomically.

    The exchange of a completed job is kept in the folder (:class:`FileHistory`)
    and replayed into the Redis history as soon as Redis answers.
    """

    mode = "file"

    def __init__(
        self,
        channel: FileChannel,
        job: Job,
        redis: aioredis.Redis,
        history: FileHistory,
        *,
        context_exchanges: int = HISTORY_FOR_CONTEXT,
    ) -> None:
        self._channel = channel
        self._job = job
        channel.end_torn_line(job.id)  # a previous attempt may have died mid-write
        self._seq = len(channel.read_events(job.id))
        self._redis_history = HistoryStore(redis)
        self._redis = redis
        self._file_history = history
        self._context_exchanges = context_exchanges

    async def emit(
        self,
        event_type: EventType,
        payload: dict[str, Any],
        *,
        text: str = "",
        fields: dict[str, str] | None = None,
        reset_text: bool = False,
    ) -> int:
        if self._job.status.finished:
            raise JobFinishedError(self._job.id)
        self._seq += 1
        event = Event.create(self._job.id, self._seq, event_type, _now_ms(), payload)
        self._channel.append_event(self._job.id, event, payload)
        if fields or is_terminal(event_type, payload):
            self._apply(fields or {})
        return self._seq

    async def emit_chunk(self, text: str) -> None:
        await self.emit(EventType.CHUNK, {"text": text}, text=text)

    async def settle(self) -> None:
        return None  # every write above is done when it returns

    async def finish(
        self,
        status: JobStatus,
        event_type: EventType,
        payload: dict[str, Any],
        fields: dict[str, str] | None = None,
    ) -> int:
        all_fields = {**finish_fields(status, time.time()), **(fields or {})}
        seq = await self.emit(event_type, payload, fields=all_fields)
        if status is JobStatus.CANCELLED:
            # In file mode the end of a cancelled job is decided here, not by the app:
            # its stopped turn joins the history here too (Redis mode: the app's cancel).
            text = self._channel.answer_text(self._job.id)
            stopped = history_entry(
                user=self._job.message, assistant=text, outcome="cancelled", job_id=self._job.id
            )
            await self.save_history(self._job.project, stopped)
        return seq

    def _apply(self, fields: dict[str, str]) -> None:
        decoded = Job.from_hash({**self._job.to_hash(), **fields, "last_seq": str(self._seq)})
        self._job.__dict__.update(decoded.__dict__)
        self._channel.write_job(self._job)

    async def wait_answers(self, timeout_s: float) -> list[Any] | None:
        return None  # questions need Redis; the job ends with an error instead

    async def history(self, project: str) -> tuple[Exchange, ...]:
        """The Redis history if it answers, then the exchanges not replayed into it yet."""
        try:
            entries = await self._redis_history.entries(project, self._context_exchanges)
        except REDIS_DOWN_ERRORS as exc:
            REDIS_OUTAGE.lost(exc)
            entries = []
        seen = {entry.get("job_id") for entry in entries}
        waiting = [e for _, _, e in self._file_history.pending(project) if e["job_id"] not in seen]
        return _context([*entries, *waiting][-self._context_exchanges :])

    async def save_history(self, project: str, entry: dict[str, Any]) -> None:
        self._file_history.save(project, entry)
        try:
            await self._file_history.replay(self._redis)
        except REDIS_DOWN_ERRORS as exc:
            REDIS_OUTAGE.lost(exc)  # kept in the folder; replayed when Redis is back
