"""Jobs in Redis: submit, snapshot, event stream, cancel, answers.

The job stream is the queue (watchers read it through one consumer group); the
job hash is the source of truth for a job's state; the per-project order list says
which job of a project may run (its head), so one project's jobs run in order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from typing import Any

import orjson
import redis.asyncio as aioredis

from relay import history, keys
from relay.batching import Command, raise_errors
from relay.connections import RECONNECT_BACKOFF, REDIS_DOWN_ERRORS, text
from relay.emitter import EventEmitter, JobFinishedError
from relay.history import queue_append
from relay.hub import EventHub, Wake
from relay.jobs import Event, EventType, Job, JobStatus
from relay.streams import PING, ClientGone, has_every_event, nothing, render

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

log = logging.getLogger(__name__)


def _pairs(fields: dict[str, str]) -> list[str]:
    """A hash's fields as HSET's arguments: name, value, name, value..."""
    return [item for pair in fields.items() for item in pair]


def _transaction(commands: list[Command]) -> list[Command]:
    """``commands`` as one MULTI ... EXEC (the last reply is EXEC's: theirs, in order)."""
    return [(b"MULTI",), *commands, (b"EXEC",)]


class JobNotFoundError(Exception):
    """No job with this id (never existed, or its retention expired)."""


class JobStateError(Exception):
    """The job is not in a state that allows this operation."""


class RedisJobQueue:
    """Jobs and their events in Redis (one :class:`relay.channel.JobChannel`).

    ``hub`` is the process's event hub, which :meth:`stream` follows live events
    through; only the app, which serves streams, has one.
    """

    mode = "redis"

    def __init__(
        self, redis: aioredis.Redis, emitter: EventEmitter, hub: EventHub | None = None
    ) -> None:
        self.redis = redis
        self.emitter = emitter
        self.hub = hub
        #: Sends the commands of submits (and of streams' log reads) made together at
        #: once, in the emitter's batches.
        self.batcher = emitter.batcher

    async def submit(self, job: Job, backend: str = "") -> None:
        """Store the job and enqueue it: on one Redis in one atomic step, on a cluster in
        one atomic step per hash slot, in this order.

        1. The job hash (``{job}`` slot). Nobody knows the id yet: a crash after this
           leaves a hash no reader finds.
        2. The job enters its jobs stream and, with ``backend`` (the kind serving its
           model), that backend's backlog (the shard's slot). This is the commit
           point: from here a watcher may run it.
        3. The project's order list and active job (``{project}`` slot). A crash
           before this leaves a job that is not in its project's line: the watcher
           runs it once the jobs listed ahead of it have ended (``watcher.turns``
           treats an unlisted job like the last in line), and one listed after it has
           already ended is dropped from the line as stale.
        4. The project in its registry shard (lists it for the sidebar; the history
           append that ends the job lists it too).

        On one Redis the four are one ``MULTI`` (slots do not matter there), so a
        submit is all or nothing. The commands go out with those of the chats
        submitted at the same moment (:class:`relay.batching.CommandBatcher`).
        Raises what Redis raises only before the commit point, so a caller that then
        hands the job to the file channel never has it run twice.
        """
        shard = keys.shard_of(job.project)
        store: list[Command] = [(b"HSET", keys.job(job.id), *_pairs(job.to_hash()))]
        stream = keys.jobs_stream(shard)
        enqueue: list[Command] = [
            (b"XADD", stream, b"*", b"job_id", job.id, b"project", job.project)
        ]
        if backend:
            enqueue.append((b"ZADD", keys.backlog(shard, backend), job.created_ts, job.id))
        order = keys.project_order(job.project)
        join_line: list[Command] = [
            (b"RPUSH", order, job.id),
            (b"SET", keys.project_active(job.project), job.id),
        ]
        registry = keys.project_registry(job.project)
        list_project: Command = (b"SADD", registry, job.project)
        if self.batcher.keeps_order_across_calls:
            everything = [*store, *enqueue, *join_line, list_project]
            ((*_, done),) = await self.batcher.execute((stream, _transaction(everything)))
            raise_errors(done)
            return
        ((stored,),) = await self.batcher.execute((keys.job(job.id), store))
        raise_errors([stored])
        ((*_, enqueued),) = await self.batcher.execute((stream, _transaction(enqueue)))
        raise_errors(enqueued)
        try:
            # Steps 3 and 4 in one round trip, each on its own node's connection.
            (*_, joined), listed = await self.batcher.execute(
                (order, _transaction(join_line)), (registry, [list_project])
            )
            raise_errors([*joined, *listed])
        except REDIS_DOWN_ERRORS as exc:
            # Past the commit point the job is accepted: it must not also go to the file
            # channel (it would run twice). What is missing heals as step 3 says.
            log.warning("job %s accepted without its project-line entry: %s", job.id, exc)

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
        args: list[str | bytes | int] = [event_log_ttl_s, text, len(fields), *_pairs(fields)]
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
        """How many jobs wait to start on ``backend`` (across all watchers and shards)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for key in keys.backlogs(backend):
                pipe.zcard(key)
            return sum(int(count) for count in await pipe.execute())

    async def get(self, job_id: str) -> Job:
        raw = await self.redis.hgetall(keys.job(job_id))
        if not raw:
            raise JobNotFoundError(job_id)
        return Job.from_hash(raw)

    async def text(self, job_id: str) -> str:
        raw = await self.redis.get(keys.job_text(job_id))
        return text(raw) if raw else ""

    async def events_after(self, job_id: str, after_seq: int) -> list[Event]:
        """The logged events with ``seq > after_seq``, in order.

        Read through the batcher: the streams a burst of chats opens read together.
        """
        log_key = keys.job_events(job_id)
        ((entries,),) = await self.batcher.execute(
            (log_key, [(b"XRANGE", log_key, f"(0-{after_seq}", b"+")])
        )
        raise_errors([entries])
        # Each entry is [id, [field, value, ...]], as XRANGE sends it.
        return [Event.from_fields(dict(zip(f[::2], f[1::2], strict=True))) for _, f in entries]

    def stream(self, job: Job, after_seq: int, gone: ClientGone) -> AsyncGenerator[bytes, None]:
        """The SSE frames of ``job`` after ``after_seq``: the log, then live, to its end."""
        if has_every_event(job, after_seq):
            return nothing()
        if job.status.finished:
            return self._replay(job.id, after_seq)  # all in the log: no channel to follow
        if self.hub is None:
            raise RuntimeError("streaming needs the event hub (the app's RedisJobQueue has it)")
        return self._stream(self.hub, job.id, after_seq, gone)

    async def _replay(self, job_id: str, after_seq: int) -> AsyncGenerator[bytes, None]:
        frames = render(await self.events_after(job_id, after_seq), after_seq).frames
        if frames:
            yield frames

    async def _stream(
        self, hub: EventHub, job_id: str, last_seq: int, gone: ClientGone
    ) -> AsyncGenerator[bytes, None]:
        # The log is read once the subscription is live (the hub's first RESYNC), so
        # nothing falls between replay and live; overlaps are dropped by sequence
        # number, a gap re-reads.
        listening_since_ms = time.time() * 1000
        subscription = hub.subscribe(job_id)
        gone.on_gone(subscription.close)
        failed_reads = 0
        try:
            wake = await subscription.next()
            while True:
                if wake is Wake.RESYNC:
                    try:
                        logged = await self.events_after(job_id, last_seq)
                        failed_reads = 0
                    except REDIS_DOWN_ERRORS:
                        # Read again soon. The hub's resync comes only when its feed
                        # reconnects, and a feed that stayed up (the read failed on a
                        # stale pooled connection) sends none: a job that ended
                        # meanwhile publishes nothing more, and the stream would wait
                        # on heartbeats for ever.
                        failed_reads += 1
                        delay_s = RECONNECT_BACKOFF.compute(failed_reads)
                        asyncio.get_running_loop().call_later(delay_s, subscription.flag_resync)
                        logged = []
                    batch = render(logged, last_seq, listening_since_ms)
                elif wake is Wake.EVENTS:
                    batch = render(subscription.drain(), last_seq, listening_since_ms)
                elif wake is Wake.PING:
                    yield PING
                    wake = await subscription.next()
                    continue
                else:  # CLOSED (the client went) or OVERFLOW (it resumes from the log)
                    return
                last_seq = batch.last_seq
                if batch.frames:
                    yield batch.frames
                if batch.ended:
                    return
                wake = Wake.RESYNC if batch.gap else await subscription.next()
        finally:
            hub.unsubscribe(subscription)

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
            pipe.lrem(keys.project_order(job.project), 1, job_id)
            await pipe.execute()
        # Not pipelined: a cluster client refuses PUBLISH in a pipeline.
        await self.redis.publish(keys.CONTROL_CHANNEL, orjson.dumps({"cancel": job_id}))
        await self.redis.publish(keys.CONTROL_CHANNEL, orjson.dumps({"turn": job.project}))
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
            job = await self.get(text(job_id))
        except JobNotFoundError:
            return None
        return None if job.status.finished else job

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def watchers(self, dead_after_s: float) -> list[dict[str, Any]]:
        """The watchers whose heartbeat is fresh."""
        return await live_watchers(self.redis, dead_after_s)

    async def queued(self) -> int:
        """Jobs accepted and not yet claimed by any watcher."""
        depth, _ = await self._group_counts()
        return depth

    async def _group_counts(self) -> tuple[int, int]:
        """(not yet claimed, claimed and not acknowledged) of the group, over every shard."""
        depth = claimed = 0
        for stream in keys.jobs_streams():
            try:
                groups = await self.redis.xinfo_groups(stream)
            except aioredis.ResponseError:
                continue  # no stream yet
            for group in groups:
                if group.get("name") in (keys.WATCHER_GROUP, keys.WATCHER_GROUP.encode()):
                    depth += int(group.get("lag") or 0)
                    claimed += int(group.get("pending") or 0)
        return depth, claimed

    async def queue_status(self, dead_after_s: float) -> dict[str, Any]:
        """Queue depth (not yet claimed), claimed jobs, and live watchers."""
        watchers = await self.watchers(dead_after_s)
        depth, claimed = await self._group_counts()
        running = [job for watcher in watchers for job in watcher.get("running", [])]
        return {
            "queue_depth": depth,
            "claimed": claimed,
            "running": running,
            "watchers_alive": len(watchers),
            "watchers": watchers,
        }


async def live_watchers(redis: aioredis.Redis, dead_after_s: float) -> list[dict[str, Any]]:
    """Watchers whose heartbeat is fresh (every registry shard); stale entries are pruned."""
    now = time.time()
    async with redis.pipeline(transaction=False) as pipe:
        for registry in keys.watchers_registries():
            pipe.hgetall(registry)
        shards = await pipe.execute()
    alive = []
    for registry, beats in zip(keys.watchers_registries(), shards, strict=True):
        dead = []
        for watcher_id, raw in beats.items():
            beat = orjson.loads(raw)
            age = now - beat["ts"]
            if age > dead_after_s:
                dead.append(watcher_id)
            else:
                alive.append({"id": text(watcher_id), "age_s": round(age, 3), **beat})
        if dead:
            await redis.hdel(registry, *dead)
    return sorted(alive, key=lambda w: w["id"])
