"""Jobs in Redis: submit, snapshot, cancel, answers.

The job stream is the queue (watchers read it through one consumer group); the
job hash is the source of truth for a job's state; the per-project order list says
which job of a project may run (its head), so one project's jobs run in order.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
import redis.asyncio as aioredis

from relay import history, keys
from relay.emitter import EventEmitter, JobFinishedError
from relay.history import queue_append
from relay.jobs import Event, EventType, Job, JobStatus

#: Writes a whole answered job at once (a cache hit): the hash, every event-log entry
#: and the text, with the retention TTL of a finished job. Refuses an existing job.
#: ARGV: ttl, text, number of hash field pairs, the pairs, then one message per event.
_STORE_ANSWERED = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local npairs = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], unpack(ARGV, 4, 3 + 2 * npairs))
local seq = 0
for i = 4 + 2 * npairs, #ARGV do
  seq = seq + 1
  redis.call('XADD', KEYS[2], '0-' .. seq, 'm', ARGV[i])
end
redis.call('SET', KEYS[3], ARGV[2])
local ttl = tonumber(ARGV[1])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ttl) end
return seq
"""


class JobNotFoundError(Exception):
    """No job with this id (never existed, or its retention expired)."""


class JobStateError(Exception):
    """The job is not in a state that allows this operation."""


class RedisJobQueue:
    """Jobs and their events in Redis."""

    mode = "redis"

    def __init__(self, redis: aioredis.Redis, emitter: EventEmitter) -> None:
        self.redis = redis
        self.emitter = emitter

    async def submit(self, job: Job, backend: str = "") -> None:
        """Store the job and enqueue it, all or nothing (MULTI/EXEC).

        ``backend`` (the kind serving the job's model) puts it in that backend's
        backlog, which the watcher leaves when the job starts or ends.
        """
        async with self.redis.pipeline(transaction=True) as pipe:
            if backend:
                pipe.zadd(keys.backend_backlog(backend), {job.id: job.created_ts})
            pipe.hset(keys.job(job.id), mapping=job.to_hash())
            pipe.rpush(keys.project_order(job.project), job.id)
            pipe.set(keys.project_active(job.project), job.id)
            pipe.sadd(keys.PROJECTS_SET, job.project)
            pipe.xadd(keys.JOBS_STREAM, {"job_id": job.id, "project": job.project})
            await pipe.execute()

    async def store_answered(
        self,
        job: Job,
        events: list[tuple[EventType, dict[str, Any]]],
        *,
        event_log_ttl_s: int,
        history_entry: dict[str, Any] | None = None,
    ) -> list[Event]:
        """Store an already answered job (a cache hit) in ONE round trip; its events.

        The job hash (complete), every event (the last one terminal) as the same
        frames the emitter writes, the answer text, and optionally the exchange
        appended to the project's history.
        Nothing is published: the job id is unknown to any client until this
        returns, so every reader replays the event log. Raises :class:`JobStateError`
        if a job with this id already exists.
        """
        ts_ms = time.time() * 1000
        rendered = [
            Event.create(job.id, seq, event_type, ts_ms, payload)
            for seq, (event_type, payload) in enumerate(events, 1)
        ]
        text = "".join(p.get("text", "") for t, p in events if t == EventType.CHUNK)
        job.status = JobStatus.COMPLETE
        job.started_ts = job.started_ts or job.created_ts
        job.finished_ts = ts_ms / 1000
        job.last_seq = len(events)
        fields = job.to_hash()
        args: list[str | bytes | int] = [event_log_ttl_s, text, len(fields)]
        for name, value in fields.items():
            args.extend((name, value))
        args.extend(event.to_message() for event in rendered)
        job_keys = (keys.job(job.id), keys.job_events(job.id), keys.job_text(job.id))
        # Not a MULTI: the job's keys ({job_id} slot) are written atomically by the
        # script, the history ({project} slot) by plain commands in the same round trip.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.eval(_STORE_ANSWERED, len(job_keys), *job_keys, *args)
            if history_entry is not None:
                queue_append(pipe, job.project, history_entry)
            stored, *_ = await pipe.execute()
        if not stored:
            raise JobStateError(f"job {job.id} already exists")
        return rendered

    async def backlog(self, backend: str) -> int:
        """How many jobs wait to start on ``backend`` (across all watchers)."""
        return int(await self.redis.zcard(keys.backend_backlog(backend)))

    async def get(self, job_id: str) -> Job:
        raw = await self.redis.hgetall(keys.job(job_id))
        if not raw:
            raise JobNotFoundError(job_id)
        return Job.from_hash(raw)

    async def text(self, job_id: str) -> str:
        raw = await self.redis.get(keys.job_text(job_id))
        return raw.decode() if raw else ""

    async def events_after(self, job_id: str, after_seq: int) -> list[Event]:
        """The logged events with ``seq > after_seq``, in order."""
        entries = await self.redis.xrange(keys.job_events(job_id), min=f"(0-{after_seq}")
        return [Event.from_fields(fields) for _, fields in entries]

    async def cancel(self, job_id: str) -> Job:
        """End the job as cancelled; the watcher running it is told to stop."""
        job = await self.get(job_id)
        if job.status.finished:
            raise JobStateError(f"job already {job.status.value}")
        try:
            await self.emitter.finish(
                job_id,
                JobStatus.CANCELLED,
                EventType.STATUS,
                {"status": JobStatus.CANCELLED.value},
                time.time() * 1000,
            )
        except JobFinishedError as exc:
            raise JobStateError("job already finished") from exc
        # The stopped turn joins the history here, where its end was decided: its text
        # is final (the emitter refuses anything after the terminal event).
        text = await self.text(job_id)
        waiting = job.status is JobStatus.WAITING_FOR_ANSWERS  # its questions are unanswered
        answers = [] if waiting else job.answers
        qa = [history.qa_round(job.questions, answers)] if job.questions else []
        stopped = history.entry(
            user=job.message, assistant=text, outcome="cancelled", job_id=job_id, qa=qa
        )
        async with self.redis.pipeline(transaction=False) as pipe:
            queue_append(pipe, job.project, stopped)
            pipe.publish(keys.CONTROL_CHANNEL, orjson.dumps({"cancel": job_id}))
            pipe.lrem(keys.project_order(job.project), 1, job_id)
            pipe.publish(keys.CONTROL_CHANNEL, orjson.dumps({"turn": job.project}))
            await pipe.execute()
        job.status = JobStatus.CANCELLED
        return job

    async def answer(self, job_id: str, answers: list[Any]) -> Job:
        """Hand answers to the watcher waiting for them."""
        job = await self.get(job_id)
        if job.status is not JobStatus.WAITING_FOR_ANSWERS:
            raise JobStateError(f"job is {job.status.value}, not waiting for answers")
        await self.redis.rpush(keys.job_answers(job_id), orjson.dumps(answers))
        return job

    async def active(self, project: str) -> Job | None:
        """The project's most recent job, if it has not finished."""
        job_id = await self.redis.get(keys.project_active(project))
        if not job_id:
            return None
        try:
            job = await self.get(job_id.decode())
        except JobNotFoundError:
            return None
        return None if job.status.finished else job

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def queue_status(self, dead_after_s: float) -> dict[str, Any]:
        """Queue depth (not yet claimed), claimed jobs, and live watchers."""
        watchers = await live_watchers(self.redis, dead_after_s)
        depth, claimed = 0, 0
        try:
            groups = await self.redis.xinfo_groups(keys.JOBS_STREAM)
        except aioredis.ResponseError:
            groups = []
        for group in groups:
            if group.get("name") in (keys.WATCHER_GROUP, keys.WATCHER_GROUP.encode()):
                depth = int(group.get("lag") or 0)
                claimed = int(group.get("pending") or 0)
        running = [job for watcher in watchers for job in watcher.get("running", [])]
        return {
            "queue_depth": depth,
            "claimed": claimed,
            "running": running,
            "watchers_alive": len(watchers),
            "watchers": watchers,
        }


async def live_watchers(redis: aioredis.Redis, dead_after_s: float) -> list[dict[str, Any]]:
    """Watchers whose heartbeat is fresh; stale entries are pruned."""
    now = time.time()
    beats = await redis.hgetall(keys.WATCHERS_HASH)
    alive, dead = [], []
    for watcher_id, raw in beats.items():
        beat = orjson.loads(raw)
        age = now - beat["ts"]
        if age > dead_after_s:
            dead.append(watcher_id)
        else:
            alive.append({"id": watcher_id.decode(), "age_s": round(age, 3), **beat})
    if dead:
        await redis.hdel(keys.WATCHERS_HASH, *dead)
    return sorted(alive, key=lambda w: w["id"])
