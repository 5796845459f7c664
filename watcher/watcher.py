"""The watcher process: claim loop, concurrency, heartbeat, control, drain on shutdown.

Jobs come from the Redis jobs stream (consumer group) and, whenever files appear
there, from the fallback folder. Each claimed job waits for its project's turn (the
head of the project's order list), then runs under a semaphore that caps how many
jobs this watcher runs at once. A job is acknowledged only when it ended; a job
interrupted by shutdown or a crash is reclaimed by another watcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Coroutine
from typing import Any

import orjson
import redis.asyncio as aioredis

from relay import keys, telemetry
from relay.connections import REDIS_DOWN_ERRORS, REDIS_OUTAGE
from relay.emitter import EventEmitter
from relay.jobs import Job, JobStatus
from relay.redis_queue import JobNotFoundError, RedisJobQueue
from relay.settings import Settings
from watcher import recovery
from watcher.file_channel import FileChannelLoop
from watcher.runner import INTERRUPTED, JobRunner
from watcher.sinks import RedisSink

log = logging.getLogger(__name__)

#: How long XREADGROUP blocks before the loop checks for shutdown.
CLAIM_BLOCK_MS = 1000
#: Most jobs claimed in one XREADGROUP.
MAX_CLAIM_BATCH = 32
#: How long a stopping watcher lets running jobs finish before handing them back.
DRAIN_TIMEOUT_S = 5.0


def new_watcher_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{os.urandom(3).hex()}"


class Watcher:
    """Claims and runs jobs until told to stop."""

    def __init__(
        self, settings: Settings, redis: aioredis.Redis, runner: JobRunner, watcher_id: str
    ) -> None:
        self.settings = settings
        self.redis = redis
        self.runner = runner
        self.id = watcher_id
        self.emitter = EventEmitter(redis, settings.event_log_ttl_s)
        self.queue = RedisJobQueue(redis, self.emitter)
        self.slots = asyncio.Semaphore(settings.watcher_concurrency)
        self.files = FileChannelLoop(settings, runner, self.slots, redis)
        self._held: dict[str, str] = {}  # stream entry id -> job id
        self._running: dict[str, asyncio.Task[Any]] = {}  # job id -> task
        self._turns: dict[str, asyncio.Event] = {}  # project -> "the head changed"
        self._turn_waiters: Counter[str] = Counter()  # project -> jobs waiting for a turn
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = asyncio.Event()

    # --- lifecycle ------------------------------------------------------------------
    async def run(self) -> None:
        """Serve until :meth:`stop`; then drain and return."""
        log.info("watcher started id=%s concurrency=%d", self.id, self.settings.watcher_concurrency)
        loops = [
            self._spawn(self._claim_loop()),
            self._spawn(self._heartbeat_loop()),
            self._spawn(self._control_loop()),
            self._spawn(self._recovery_loop()),
            self._spawn(self.files.run(self._stopping)),
        ]
        await self._stopping.wait()
        for loop in loops:
            loop.cancel()
        await self._drain()
        with contextlib.suppress(*REDIS_DOWN_ERRORS):
            await self.redis.hdel(keys.WATCHERS_HASH, self.id)
        log.info("watcher stopped id=%s", self.id)

    def stop(self) -> None:
        self._stopping.set()

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
        task.add_done_callback(self._tasks.discard)
        return task

    # --- claiming -----------------------------------------------------------------
    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(
                keys.JOBS_STREAM, keys.WATCHER_GROUP, id="0", mkstream=True
            )
        except aioredis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _claim_loop(self) -> None:
        backoff_s = 0.05
        group_ready = False
        while not self._stopping.is_set():
            # Claim as many jobs as there are free slots, in one round trip.
            await self.slots.acquire()
            free = 1
            while free < MAX_CLAIM_BATCH and not self.slots.locked():
                await self.slots.acquire()
                free += 1
            try:
                if not group_ready:
                    await self.ensure_group()
                    group_ready = True
                reply = await self.redis.xreadgroup(
                    keys.WATCHER_GROUP,
                    self.id,
                    {keys.JOBS_STREAM: ">"},
                    count=free,
                    block=CLAIM_BLOCK_MS,
                )
                backoff_s = 0.05
                for _, entries in reply or []:
                    for entry_id, fields in entries:
                        free -= 1  # the slot goes with the job to its handler
                        self._spawn(
                            self._handle(
                                entry_id.decode(),
                                fields[b"job_id"].decode(),
                                True,
                                project=fields.get(b"project", b"").decode(),
                            )
                        )
            except REDIS_DOWN_ERRORS as exc:
                group_ready = False
                REDIS_OUTAGE.lost(exc)
                await asyncio.sleep(backoff_s)  # reconnect backoff
                backoff_s = min(backoff_s * 2, 1.0)
            except aioredis.ResponseError as exc:
                # NOGROUP / UNBLOCKED: the stream or group vanished (Redis restarted
                # without data, or was flushed): recreate the group and go on.
                log.warning("claim loop: %s; recreating the consumer group", exc)
                group_ready = False
            finally:
                for _ in range(free):
                    self.slots.release()

    async def _recovery_loop(self) -> None:
        interval_s = self.settings.claim_idle_ms / 2000
        while True:
            await asyncio.sleep(interval_s)  # a periodic sweep, by design (XAUTOCLAIM)
            try:
                for entry_id, job_id in await recovery.reclaim_abandoned(
                    self.redis, self.id, self.settings.claim_idle_ms
                ):
                    if entry_id not in self._held:
                        log.info("reclaimed job_id=%s entry=%s", job_id, entry_id)
                        self._spawn(self._handle(entry_id, job_id, False, reclaimed=True))
            except (*REDIS_DOWN_ERRORS, aioredis.ResponseError):
                continue

    # --- one job --------------------------------------------------------------------
    async def _handle(
        self,
        entry_id: str,
        job_id: str,
        have_slot: bool,
        *,
        reclaimed: bool = False,
        project: str = "",
    ) -> None:
        """Wait for the project's turn, run the job, acknowledge it."""
        self._held[entry_id] = job_id
        acknowledged = False
        try:
            job, first_in_line = await self._load_and_check_line(job_id, project)
            if job is None or job.status.finished:
                acknowledged = True
                return
            if not first_in_line and not await self._is_head(job):
                if have_slot:
                    self.slots.release()
                    have_slot = False
                await self._wait_turn(job)
                job = await self._load(job_id)  # fresh state: cancelled while waiting?
                if job is None or job.status.finished:
                    acknowledged = True
                    return
            if not have_slot:
                await self.slots.acquire()
                have_slot = True
            restarted = reclaimed and job.status is not JobStatus.PENDING
            self._running[job_id] = asyncio.current_task()  # type: ignore[assignment]
            telemetry.JOBS_RUNNING.set(len(self._running))
            sink = RedisSink(self.redis, self.emitter, job, self.slots)
            # Interrupted (Redis lost mid-job): unacknowledged, so it is reclaimed.
            acknowledged = await self.runner.run(job, sink, restarted=restarted) != INTERRUPTED
        finally:
            self._running.pop(job_id, None)
            telemetry.JOBS_RUNNING.set(len(self._running))
            if have_slot:
                self.slots.release()
            if acknowledged:
                with contextlib.suppress(*REDIS_DOWN_ERRORS):
                    await self._acknowledge(entry_id, job_id)
            self._held.pop(entry_id, None)

    async def _load_and_check_line(self, job_id: str, project: str) -> tuple[Job | None, bool]:
        """The job, and whether it surely heads its project's line, in one round trip.

        False for "first in line" only means "not sure": :meth:`_is_head` decides then.
        """
        if not project:
            return await self._load(job_id), False
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.hgetall(keys.job(job_id))
                pipe.lindex(keys.project_order(project), 0)
                raw, head = await pipe.execute()
        except REDIS_DOWN_ERRORS:
            return await self._load(job_id), False  # _load waits the outage out
        job = Job.from_hash(raw) if raw else None
        first = head is None or head.decode() == job_id
        return job, first and job is not None and job.project == project

    async def _load(self, job_id: str) -> Job | None:
        """The job's current state; waits out a Redis outage rather than dropping it."""
        backoff_s = 0.05
        while True:
            try:
                return await self.queue.get(job_id)
            except JobNotFoundError:
                return None
            except REDIS_DOWN_ERRORS:
                if self._stopping.is_set():
                    raise
                await asyncio.sleep(backoff_s)  # reconnect backoff
                backoff_s = min(backoff_s * 2, 1.0)

    async def _acknowledge(self, entry_id: str, job_id: str) -> None:
        job = await self._load(job_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xack(keys.JOBS_STREAM, keys.WATCHER_GROUP, entry_id)
            pipe.xdel(keys.JOBS_STREAM, entry_id)
            if job is not None:
                pipe.lrem(keys.project_order(job.project), 1, job_id)
                pipe.publish(keys.CONTROL_CHANNEL, orjson.dumps({"turn": job.project}))
            await pipe.execute()

    async def _is_head(self, job: Job) -> bool:
        """True when ``job`` is the oldest unfinished job of its project."""
        order_key = keys.project_order(job.project)
        while True:
            head = await self.redis.lindex(order_key, 0)
            if head is None or head.decode() == job.id:
                return True
            ahead = await self._load(head.decode())
            if ahead is not None and not ahead.status.finished:
                return False
            await self.redis.lrem(order_key, 1, head)  # stale entry of an ended job

    async def _wait_turn(self, job: Job) -> None:
        turn = self._turns.setdefault(job.project, asyncio.Event())
        self._turn_waiters[job.project] += 1
        try:
            await self._wait_for_head(job, turn)
        finally:
            self._turn_waiters[job.project] -= 1
            if not self._turn_waiters[job.project]:  # forget idle projects
                del self._turn_waiters[job.project]
                self._turns.pop(job.project, None)

    async def _wait_for_head(self, job: Job, turn: asyncio.Event) -> None:
        while True:
            turn.clear()
            if await self._is_head(job):
                return
            current = await self._load(job.id)
            if current is None or current.status.finished:
                return  # cancelled while waiting; the caller acknowledges it
            # Woken by the control channel when a job of the project ends; the
            # heartbeat-long timeout only covers a notice lost while reconnecting.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.watcher_heartbeat_s):
                    await turn.wait()

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
            "concurrency": self.settings.watcher_concurrency,
            "pid": os.getpid(),
        }
        await self.redis.hset(keys.WATCHERS_HASH, self.id, orjson.dumps(beat))
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
        """Stop a running job at the user's request."""
        task = self._running.get(job_id)
        if task is not None and not task.done():
            self.runner.user_cancelled.add(job_id)
            task.cancel()

    async def _control_loop(self) -> None:
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(keys.CONTROL_CHANNEL)
                async for message in pubsub.listen():
                    notice = orjson.loads(message["data"])
                    if "cancel" in notice:
                        self.cancel_job(notice["cancel"])
                    elif "turn" in notice and notice["turn"] in self._turns:
                        self._turns[notice["turn"]].set()
            except REDIS_DOWN_ERRORS:
                await asyncio.sleep(0.2)  # reconnect backoff
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
