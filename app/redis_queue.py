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

from app import keys
from app.emitter import EventEmitter, JobFinishedError
from app.jobs import Event, EventType, Job, JobStatus


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

    async def submit(self, job: Job) -> None:
        """Store the job and enqueue it, all or nothing (MULTI/EXEC)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.job(job.id), mapping=job.to_hash())
            pipe.rpush(keys.project_order(job.project), job.id)
            pipe.set(keys.project_active(job.project), job.id)
            pipe.sadd(keys.PROJECTS_SET, job.project)
            pipe.xadd(keys.JOBS_STREAM, {"job_id": job.id, "project": job.project})
            await pipe.execute()

    async def store_finished(
        self, job: Job, events: list[tuple[EventType, dict[str, Any]]]
    ) -> None:
        """Store a job that is already answered (a cache hit) with its events."""
        job.status = JobStatus.PENDING
        await self.redis.hset(keys.job(job.id), mapping=job.to_hash())
        ts = job.created_ts * 1000
        for event_type, payload in events[:-1]:
            await self.emitter.emit(job.id, event_type, payload, ts, text=payload.get("text", ""))
        event_type, payload = events[-1]
        await self.emitter.finish(
            job.id,
            JobStatus.COMPLETE,
            event_type,
            payload,
            ts,
            fields={"result": payload.get("result", ""), "cached": "1"},
        )

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
        async with self.redis.pipeline(transaction=False) as pipe:
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
