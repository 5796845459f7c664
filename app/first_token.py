"""The first token as users see it: job submitted -> its first chunk written to a client.

The watcher only knows when it *emitted* the first chunk
(``relay_first_chunk_emitted_seconds``); what a person waits for also holds the
pub/sub hop, the app, nginx and the time the browser took to open its stream. So
the SSE endpoint observes ``relay_time_to_first_token_seconds`` right after it wrote
a job's first chunk, once per job whichever stream or worker got there first: a
script marks the job hash (``first_chunk_ts``, HSETNX), and only the stream that
set the mark observes. Late subscribers, reconnects and reloads find the mark set.
"""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from relay import keys, models, telemetry
from relay.connections import REDIS_DOWN_ERRORS
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

    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self._settings = settings
        self._claim = redis.register_script(_CLAIM_FIRST_CHUNK)
        self._local: OrderedDict[str, None] = OrderedDict()

    async def chunk_written(self, job_id: str, written_at: float, job: Job | None = None) -> None:
        """A stream just wrote ``job_id``'s chunks to its client at ``written_at`` (unix s).

        ``job`` is given for a job of the file fallback, which has no hash to mark:
        that one is remembered in this process instead.
        """
        if job is not None:
            if job_id in self._local:
                return
            self._local[job_id] = None
            while len(self._local) > _LOCAL_MEMORY:
                self._local.popitem(last=False)
            self._observe(job.model, job.created_ts, written_at)
            return
        try:
            claimed = await self._claim(
                keys=[keys.job(job_id)], args=[FIRST_CHUNK_FIELD, written_at]
            )
        except _REDIS_ERRORS as exc:
            log.debug("first chunk of %s not recorded: %s", job_id, exc)
            return
        if claimed:
            created, model = claimed
            with contextlib.suppress(TypeError, ValueError):
                self._observe((model or b"").decode(), float(created), written_at)

    def _observe(self, model: str, created_ts: float, written_at: float) -> None:
        route = models.route_name(self._settings, model or self._settings.default_model)
        telemetry.TIME_TO_FIRST_TOKEN.labels(route).observe(max(written_at - created_ts, 0.0))
