"""The watcher process: claim loop, heartbeat, control channel, drain on shutdown.

Jobs come from the Redis jobs stream (consumer group) and, whenever files appear
there, from the fallback folder. Each claimed job waits for its project's turn
(:mod:`watcher.turns`), then for a slot of its backend (:mod:`watcher.slots`), and
runs. A job is acknowledged only when it ended; a job interrupted by shutdown or a
crash is reclaimed by another watcher.

The long-lived loops run under one ``asyncio.TaskGroup``: a loop that dies takes the
process down loudly (logged, non-zero exit) instead of leaving a watcher that beats
but no longer claims or hears cancels.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
from collections.abc import Coroutine
from typing import Any, cast

import orjson
import redis.asyncio as aioredis

from relay import keys, models, telemetry
from relay.batching import Call, Command, raise_errors
from relay.connections import (
    RECONNECT_BACKOFF,
    REDIS_DOWN_ERRORS,
    REDIS_OUTAGE,
    as_cluster,
    is_cluster,
    ready,
)
from relay.emitter import EventEmitter, JobFinishedError
from relay.jobs import EventType, Job, JobStatus
from relay.redis_queue import JobNotFoundError, RedisJobQueue
from relay.settings import Settings
from watcher import recovery
from watcher.file_channel import FileChannelLoop
from watcher.recovery import Entry
from watcher.runner import INTERRUPTED, JobRunner, cancel_for_user, consume_cancel, is_user_cancel
from watcher.sinks import RedisSink
from watcher.slots import BackendSlots, PositionListener
from watcher.turns import ProjectTurns

log = logging.getLogger(__name__)

#: How long XREADGROUP blocks before the loop checks for shutdown.
CLAIM_BLOCK_MS = 1000
#: Most jobs claimed in one XREADGROUP (of all shards together).
MAX_CLAIM_BATCH = 32
#: What a periodic loop (heartbeat, recovery) shrugs off until its next round.
RETRIED_ERRORS: tuple[type[BaseException], ...] = (*REDIS_DOWN_ERRORS, aioredis.ResponseError)
#: XREADGROUP's reply: per stream, its entries as (entry id, fields).
ClaimReply = list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]] | None
#: How often a claim loop with no room looks again (jobs waiting for a person free room).
ROOM_POLL_S = 0.1
#: How long a stopping watcher lets running jobs finish before handing them back.
DRAIN_TIMEOUT_S = 5.0


def new_watcher_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{os.urandom(3).hex()}"


class Watcher:
    """Claims and runs jobs until told to stop.

    Its parts (the emitter, the queue it reads jobs from, the file-channel loop and
    the backend slots) are built by ``serve()`` and handed in.
    """

    def __init__(
        self,
        settings: Settings,
        redis: aioredis.Redis,
        runner: JobRunner,
        watcher_id: str,
        *,
        emitter: EventEmitter,
        queue: RedisJobQueue,
        files: FileChannelLoop,
        slots: BackendSlots,
    ) -> None:
        self.settings = settings
        self.redis = redis
        self.runner = runner
        self.id = watcher_id
        self.emitter = emitter
        self.queue = queue
        self.files = files
        self.slots = slots
        self.turns = ProjectTurns(
            redis, self._load, settings.watcher_heartbeat_s, batcher=queue.batcher
        )
        self._capacity = slots.capacity()
        self._held: dict[Entry, str] = {}  # stream entry -> job id
        self._jobs: dict[str, asyncio.Task[Any]] = {}  # job id -> task (waiting or running)
        self._running: set[str] = set()  # job ids holding a backend slot
        self._room = asyncio.Event()  # a held job ended: the claim loop may claim again
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = asyncio.Event()

    # --- lifecycle ------------------------------------------------------------------
    async def run(self) -> None:
        """Serve until :meth:`stop`; then drain and return. A loop's crash is raised."""
        log.info("watcher started id=%s slots=%s", self.id, self._capacity)
        try:
            async with asyncio.TaskGroup() as group:
                loops = [
                    *(
                        group.create_task(self._claim_loop(shard), name=f"claim-{shard}")
                        for shard in range(keys.shard_count())
                    ),
                    group.create_task(self._heartbeat_loop(), name="heartbeat"),
                    group.create_task(self._control_loop(), name="control"),
                    group.create_task(self._recovery_loop(), name="recovery"),
                    group.create_task(self.files.run(self._stopping), name="files"),
                ]
                group.create_task(self._stop_loops_when_told(loops))
        except BaseExceptionGroup as crashed:
            log.critical("a watcher loop died; stopping the watcher", exc_info=crashed)
            raise
        finally:
            await self._drain()
            with contextlib.suppress(*REDIS_DOWN_ERRORS):
                await self.redis.hdel(keys.watcher_registry(self.id), self.id)
            log.info("watcher stopped id=%s", self.id)

    def stop(self) -> None:
        self._stopping.set()

    async def _stop_loops_when_told(self, loops: list[asyncio.Task[Any]]) -> None:
        await self._stopping.wait()
        for loop in loops:
            loop.cancel()

    async def _drain(self) -> None:
        jobs = [t for t in self._tasks if not t.done()]
        if jobs:
            log.info("draining running=%d timeout_s=%.0f", len(self._running), DRAIN_TIMEOUT_S)
            _, pending = await asyncio.wait(jobs, timeout=DRAIN_TIMEOUT_S)
            for task in pending:
                task.cancel()  # not acknowledged: another watcher reclaims these jobs
            if pending:
                await asyncio.wait(pending, timeout=DRAIN_TIMEOUT_S)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._job_task_done)
        return task

    def _job_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("job task failed: %r", exc, exc_info=exc)

    # --- claiming -----------------------------------------------------------------
    async def ensure_group(self, shard: int) -> None:
        try:
            await self.redis.xgroup_create(
                keys.jobs_stream(shard), keys.WATCHER_GROUP, id="0", mkstream=True
            )
        except aioredis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _claim_loop(self, shard: int) -> None:
        """Claims the jobs of one shard (a blocking read per shard: on a cluster each
        shard is its own slot, so one XREADGROUP cannot span them)."""
        failures = 0
        group_ready = False
        stream = keys.jobs_stream(shard)
        while not self._stopping.is_set():
            # Hold at most as many jobs as all backends have slots (the rest stay in
            # the stream for other watchers), not counting jobs that wait for their
            # project's turn or for a person. Each shard claims its share of the free
            # places, so all shards together overshoot by at most one per shard.
            while (free := self._capacity - self._occupied()) <= 0:
                self._room.clear()
                with contextlib.suppress(TimeoutError):  # lent slots do not wake it
                    async with asyncio.timeout(ROOM_POLL_S):
                        await self._room.wait()
            share = math.ceil(min(MAX_CLAIM_BATCH, free) / keys.shard_count())
            try:
                if not group_ready:
                    await self.ensure_group(shard)
                    group_ready = True
                reply = cast(
                    ClaimReply,
                    await self.redis.xreadgroup(
                        keys.WATCHER_GROUP,
                        self.id,
                        {stream: ">"},
                        count=share,
                        block=CLAIM_BLOCK_MS,
                    ),
                )
                failures = 0
                for _, entries in reply or []:
                    for entry_id, fields in entries:
                        self._take(
                            Entry(shard, entry_id.decode()),
                            fields[b"job_id"].decode(),
                            project=fields.get(b"project", b"").decode(),
                        )
            except REDIS_DOWN_ERRORS as exc:
                group_ready = False
                REDIS_OUTAGE.lost(exc)
                await asyncio.sleep(RECONNECT_BACKOFF.compute(failures))
                failures += 1
            except aioredis.ResponseError as exc:
                # NOGROUP / UNBLOCKED: the stream or group vanished (Redis restarted
                # without data, or was flushed): recreate the group and go on.
                log.warning("claim loop: %s; recreating the consumer group", exc)
                group_ready = False

    def _occupied(self) -> int:
        """Held jobs that run or wait for a backend slot."""
        return len(self._held) - self.slots.lent() - self.turns.waiting()

    def _take(self, entry: Entry, job_id: str, *, project: str, reclaimed: bool = False) -> None:
        """Hold a claimed stream entry and start handling its job."""
        self._held[entry] = job_id
        self._jobs[job_id] = self._spawn(
            self._handle(entry, job_id, project=project, reclaimed=reclaimed)
        )

    async def _recovery_loop(self) -> None:
        interval_s = self.settings.claim_idle_ms / 2000
        while True:
            await asyncio.sleep(interval_s)  # a periodic sweep, by design (XAUTOCLAIM)
            try:
                for entry, job_id, project in await recovery.reclaim_abandoned(
                    self.redis, self.id, self.settings.claim_idle_ms
                ):
                    if entry not in self._held:
                        log.info("reclaimed job_id=%s entry=%s", job_id, entry)
                        self._take(entry, job_id, project=project, reclaimed=True)
            except RETRIED_ERRORS:
                continue

    # --- one job --------------------------------------------------------------------
    async def _handle(
        self, entry: Entry, job_id: str, *, project: str, reclaimed: bool = False
    ) -> None:
        """Wait for the project's turn and a backend slot, run the job, acknowledge it."""
        received_ts = time.time()  # the job's consumer span starts here
        acknowledged = False
        backend = ""
        try:
            job = await self.turns.job_when_its_turn(job_id, project)
            if job is None:
                acknowledged = True  # ended (cancelled) or expired before its turn
                return
            project, backend = job.project, self._backend_of(job)
            restarted = reclaimed and job.status is not JobStatus.PENDING
            async with self.slots.pool(backend).slot(self._position_reporter(job)) as slot:
                self._running.add(job_id)
                telemetry.JOBS_RUNNING.set(len(self._running))
                # Out of the backlog, without holding up the job's start for the reply.
                self._spawn(self._leave_backlog(entry, backend, job_id))
                sink = RedisSink(
                    self.redis,
                    self.emitter,
                    job,
                    slot,
                    context_exchanges=self.settings.context_exchanges,
                    batcher=self.queue.batcher,
                )
                outcome = await self.runner.run(
                    job, sink, restarted=restarted, received_ts=received_ts
                )
            # Interrupted (Redis lost mid-job): unacknowledged, so it is reclaimed.
            acknowledged = outcome != INTERRUPTED
        except asyncio.CancelledError as exc:
            if not is_user_cancel(exc):
                raise  # shutdown: unacknowledged, so another watcher reclaims it
            consume_cancel()  # cancelled while waiting: the app wrote its end already
            acknowledged = True
        finally:
            self._jobs.pop(job_id, None)
            self._running.discard(job_id)
            telemetry.JOBS_RUNNING.set(len(self._running))
            if acknowledged:
                with contextlib.suppress(*REDIS_DOWN_ERRORS):
                    await self._acknowledge(entry, job_id, project, backend)
            self._held.pop(entry, None)
            self._room.set()

    async def _leave_backlog(self, entry: Entry, backend: str, job_id: str) -> None:
        backlog = keys.backlog(entry.shard, backend)
        with contextlib.suppress(*REDIS_DOWN_ERRORS):  # the acknowledgement removes it too
            await self.queue.batcher.execute((backlog, [(b"ZREM", backlog, job_id)]))

    def _backend_of(self, job: Job) -> str:
        route = models.resolve(self.settings, job.model or self.settings.default_model)
        return route.backend if route is not None else "unknown"

    def _position_reporter(self, job: Job) -> PositionListener:
        """Tells the job's clients its place in its backend's line."""

        async def report(position: int) -> None:
            payload = {"status": "queued", "position": position}
            with contextlib.suppress(JobFinishedError):  # cancelled while in line
                await self.emitter.emit(job.id, EventType.STATUS, payload, time.time() * 1000)

        return report

    async def _load(self, job_id: str) -> Job | None:
        """The job's current state; waits out a Redis outage rather than dropping it."""
        failures = 0
        while True:
            try:
                return await self.queue.get(job_id)
            except JobNotFoundError:
                return None
            except REDIS_DOWN_ERRORS:
                if self._stopping.is_set():
                    raise
                await asyncio.sleep(RECONNECT_BACKOFF.compute(failures))
                failures += 1

    async def _acknowledge(self, entry: Entry, job_id: str, project: str, backend: str) -> None:
        """The job ended: drop its entry, leave its project's line, wake the next in line."""
        backlogs = [backend] if backend else ["echo", "openai", "claude", "local"]
        # The entry and the backlogs share the shard's slot; the line is the project's.
        done: list[Command] = [
            (b"XACK", entry.stream, keys.WATCHER_GROUP, entry.id),
            (b"XDEL", entry.stream, entry.id),
            # It may never have started (cancelled in line): out of every backlog.
            *((b"ZREM", keys.backlog(entry.shard, name), job_id) for name in backlogs),
        ]
        calls: list[Call] = [(entry.stream, done)]
        if project:
            order_key = keys.project_order(project)
            # The turn notice after the line changed, on the same connection (any node
            # of a cluster relays a PUBLISH to every node).
            turn = orjson.dumps({"turn": project})
            calls.append(
                (
                    order_key,
                    [(b"LREM", order_key, 1, job_id), (b"PUBLISH", keys.CONTROL_CHANNEL, turn)],
                )
            )
        for replies in await self.queue.batcher.execute(*calls):
            raise_errors(replies)

    # --- heartbeat and control -------------------------------------------------------
    async def _heartbeat_loop(self) -> None:
        while True:
            try:
                await self._beat()
                REDIS_OUTAGE.back()
            except REDIS_DOWN_ERRORS as exc:
                REDIS_OUTAGE.lost(exc)
            except aioredis.ResponseError as exc:
                log.debug("heartbeat failed: %s", exc)
            await asyncio.sleep(self.settings.watcher_heartbeat_s)

    async def _beat(self) -> None:
        beat = {
            "ts": time.time(),
            "running": sorted(self._running),
            "concurrency": self._capacity,
            "backends": self.slots.describe(),
            "pid": os.getpid(),
        }
        await self.redis.hset(keys.watcher_registry(self.id), self.id, orjson.dumps(beat))
        await recovery.refresh_claims(self.redis, self.id, list(self._held))
        # A cancel notice can be missed while reconnecting: the job hash is the truth.
        # Only "cancelled" is written by someone else; "complete" or "error" are this
        # watcher's own, and a job in its last steps (acknowledging) must not be cut.
        running = list(self._running)
        if running:
            async with self.redis.pipeline(transaction=False) as pipe:
                for job_id in running:
                    pipe.hget(keys.job(job_id), "status")
                statuses = await pipe.execute()
            for job_id, status in zip(running, statuses, strict=True):
                if status is None or status == JobStatus.CANCELLED.value.encode():
                    self.cancel_job(job_id)

    def cancel_job(self, job_id: str) -> None:
        """Stop a job at the user's request, running or still waiting in line."""
        task = self._jobs.get(job_id)
        if task is not None:
            cancel_for_user(task)

    async def _control_loop(self) -> None:
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await ready(self.redis)  # a cluster's pub/sub needs its slot map
                await pubsub.subscribe(keys.CONTROL_CHANNEL)
                async for message in pubsub.listen():
                    self._on_control(message["data"])
            except REDIS_DOWN_ERRORS:
                await asyncio.sleep(RECONNECT_BACKOFF.compute(2))  # 0.2 s
                if is_cluster(self.redis):  # its node may have failed over: re-read the map
                    with contextlib.suppress(*REDIS_DOWN_ERRORS):
                        await as_cluster(self.redis).nodes_manager.initialize()
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _on_control(self, data: bytes) -> None:
        """One control notice; a malformed one is logged and skipped, never fatal."""
        try:
            notice = orjson.loads(data)
            if not isinstance(notice, dict):
                raise TypeError(f"a notice is an object, not {type(notice).__name__}")
            if isinstance(cancel := notice.get("cancel"), str):
                self.cancel_job(cancel)
            elif isinstance(turn := notice.get("turn"), str):
                self.turns.notify(turn)
            else:
                raise ValueError("neither a cancel nor a turn notice")
        except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
            log.warning("control notice skipped (%s): %r", exc, data[:200])
