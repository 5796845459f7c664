"""The first token as users see it: job submitted -> its first chunk written to a client.

The watcher only knows when it *emitted* the first chunk
(``relay_first_chunk_emitted_seconds``); what a person waits for also holds the
pub/sub hop, the app, nginx and the time the browser took to open its stream. So
the SSE endpoint observes ``relay_time_to_first_token_seconds`` right after it wrote
a job's first chunk, once per job whichever stream or worker got there first: a
script marks the job hash (``first_chunk_ts``, HSETNX), and only the stream that
set the mark observes. Late subscribers, reconnects and reloads find the mark set.

The marks are set off the streams' path and in batches: a stream hands its claim
over and goes on writing; the claims made while a batch is in Redis travel together
in the next one (one round trip for a burst of a hundred new streams, not a hundred),
and with the process's other Redis commands (:class:`relay.batching.CommandBatcher`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from relay import keys, models, telemetry
from relay.batching import CommandBatcher
from relay.connections import REDIS_DOWN_ERRORS
from relay.emitter import ScriptBatcher
from relay.jobs import Job
from relay.settings import Settings

log = logging.getLogger(__name__)

#: The job-hash field saying when a client first received one of the job's chunks.
FIRST_CHUNK_FIELD = "first_chunk_ts"
#: How a chunk frame shows in the bytes written (``id: N\nevent: chunk\ndata: ...``).
CHUNK_FRAME_MARK = b"\nevent: chunk\n"

#: Set the mark if nobody did (and the job still exists); then its created_ts and model.
_CLAIM_FIRST_CHUNK = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return false end
return redis.call('HMGET', KEYS[1], 'created_ts', 'model')
"""

#: Fallback (file) jobs remembered per process; a file job is followed by one process.
_LOCAL_MEMORY = 10_000
#: Failures that only mean "not recorded": measuring never fails a stream.
_REDIS_ERRORS: tuple[type[BaseException], ...] = (*REDIS_DOWN_ERRORS, RedisError)


class FirstTokenRecorder:
    """Observes the user-facing time to first token, once per job."""

    def __init__(
        self, redis: aioredis.Redis, settings: Settings, batcher: CommandBatcher | None = None
    ) -> None:
        self._settings = settings
        self._claims = ScriptBatcher(redis, _CLAIM_FIRST_CHUNK, batcher or CommandBatcher(redis))
        self._local: OrderedDict[str, None] = OrderedDict()
        #: Claims not yet sent: (job id, when its first chunk was written).
        self._pending: list[tuple[str, float]] = []
        self._sending: asyncio.Task[None] | None = None

    def chunk_written(self, job_id: str, written_at: float, job: Job | None = None) -> None:
        """A stream just wrote ``job_id``'s chunks to its client at ``written_at`` (unix s).

        ``job`` is given for a job of the file fallback, which has no hash to mark:
        that one is remembered in this process instead. A Redis job's claim is sent
        in the background (:meth:`settled` waits for it).
        """
        if job is not None:
            if job_id in self._local:
                return
            self._local[job_id] = None
            while len(self._local) > _LOCAL_MEMORY:
                self._local.popitem(last=False)
            self._observe(job.model, job.created_ts, written_at)
            return
        self._pending.append((job_id, written_at))
        if self._sending is None:
            self._sending = asyncio.create_task(self._send(), name="first-token-claims")

    async def settled(self) -> None:
        """Until every claim handed over so far has been recorded (or given up)."""
        while self._sending is not None:
            await asyncio.shield(self._sending)

    async def _send(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                await self._claim(batch)
        finally:
            self._sending = None

    async def _claim(self, batch: list[tuple[str, float]]) -> None:
        try:
            replies = await self._claims.call_many(
                [
                    ([keys.job(job_id)], [FIRST_CHUNK_FIELD, written_at])
                    for job_id, written_at in batch
                ]
            )
        except _REDIS_ERRORS as exc:
            log.debug("first chunk of %d jobs not recorded: %s", len(batch), exc)
            return
        for (job_id, written_at), claimed in zip(batch, replies, strict=True):
            if isinstance(claimed, Exception):
                log.debug("first chunk of %s not recorded: %s", job_id, claimed)
            elif claimed:
                created, model = claimed
                with contextlib.suppress(TypeError, ValueError):
                    self._observe((model or b"").decode(), float(created), written_at)

    def _observe(self, model: str, created_ts: float, written_at: float) -> None:
        route = models.route_name(self._settings, model or self._settings.default_model)
        telemetry.TIME_TO_FIRST_TOKEN.labels(route).observe(max(written_at - created_ts, 0.0))
