"""The watcher's side of the file-system fallback.

It always runs, whatever Redis is doing: jobs accepted while Redis was down are
answered even if Redis came back meanwhile. inotify (watchfiles) reports new files
in ``queue/`` and cancel markers in ``cancel/``. Alongside, a lease keeper renews
this watcher's claims every heartbeat, and a sweep (every half ``claim_idle_ms``,
like the Redis reclaim) hands a dead watcher's expired claims back to the queue and
replays file-mode exchanges into the Redis history once Redis answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from watchfiles import Change, awatch

from relay.connections import REDIS_DOWN_ERRORS, REDIS_OUTAGE
from relay.emitter import JobFinishedError
from relay.fallback import FileChannel
from relay.fallback_history import FileHistory
from relay.file_events import WATCH_STEP_MS
from relay.jobs import EventType, JobStatus
from relay.redis_queue import JobNotFoundError
from relay.settings import Settings
from watcher.runner import JobRunner, cancel_for_user, consume_cancel, is_user_cancel
from watcher.sinks import FileSink
from watcher.slots import BackendSlots

log = logging.getLogger(__name__)


class FileChannelLoop:
    """Claims jobs from the fallback folder (atomic rename) and runs them."""

    def __init__(
        self,
        settings: Settings,
        runner: JobRunner,
        slots: BackendSlots,
        redis: aioredis.Redis,
    ) -> None:
        self.channel = FileChannel(settings.fallback_dir)
        self.history = FileHistory(self.channel.history)
        self._settings = settings
        self._runner = runner
        self._slots = slots
        self._redis = redis
        self._project_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._running: dict[str, asyncio.Task[Any]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        keepers = [asyncio.create_task(self._renew_leases()), asyncio.create_task(self._sweep())]
        try:
            await self._claim_new(stop)
        finally:
            for keeper in keepers:
                keeper.cancel()

    async def _claim_new(self, stop: asyncio.Event) -> None:
        for job_id in self.channel.queued_ids():
            self._start(job_id)
        async for changes in awatch(
            self.channel.queue,
            self.channel.cancels,
            step=WATCH_STEP_MS,
            debounce=1000,
            stop_event=stop,
            recursive=False,
        ):
            for change, raw_path in sorted(changes, key=lambda c: c[1]):
                path = Path(raw_path)
                if change is Change.deleted or path.name.startswith("."):
                    continue
                if path.parent == self.channel.queue and path.suffix == ".json":
                    self._start(path.stem)
                elif path.parent == self.channel.cancels and path.suffix == "":
                    self._cancel(path.name)

    # --- leases and the sweep ------------------------------------------------------------
    async def _renew_leases(self) -> None:
        while True:
            await asyncio.sleep(self._settings.watcher_heartbeat_s)
            for job_id, task in list(self._running.items()):
                if not self.channel.renew(job_id) and not task.done():
                    # Taken back as expired (we were too slow to renew): another
                    # watcher runs it now, so this one must stop (as for a shutdown).
                    log.warning("fallback job lease lost job_id=%s", job_id)
                    task.cancel()

    async def _sweep(self) -> None:
        interval_s = self._settings.claim_idle_ms / 2000
        while True:
            self.sweep_once()
            if self.history.pending():
                try:
                    replayed = await self.history.replay(self._redis)
                    log.info("file-mode exchanges replayed into Redis count=%d", replayed)
                except REDIS_DOWN_ERRORS as exc:
                    REDIS_OUTAGE.lost(exc)
            await asyncio.sleep(interval_s)  # a periodic sweep, by design (like XAUTOCLAIM)

    def sweep_once(self) -> None:
        """Hand the expired claims of dead watchers back to the queue."""
        for job_id in self.channel.expired_claims(self._settings.claim_idle_ms / 1000):
            if job_id not in self._running and self.channel.release(job_id):
                log.info("fallback job lease expired, requeued job_id=%s", job_id)

    # --- one job -------------------------------------------------------------------------
    def _start(self, job_id: str) -> None:
        if job_id not in self._running:
            task = asyncio.create_task(self._run_one(job_id))
            self._running[job_id] = task
            task.add_done_callback(lambda _: self._running.pop(job_id, None))

    def _cancel(self, job_id: str) -> None:
        task = self._running.get(job_id)
        if task is not None:
            cancel_for_user(task)

    async def _run_one(self, job_id: str) -> None:
        job = self.channel.claim(job_id)
        if job is None:
            return  # another watcher took it, or it was cancelled before we could
        log.info("fallback job claimed job_id=%s", job_id)
        finished = False
        pool = self._slots.for_model(job.model or self._settings.default_model)
        try:
            async with self._project_locks[job.project], pool.slot():
                with contextlib.suppress(JobNotFoundError):
                    job = self.channel.read_job(job_id)  # its state, if it ran before
                sink = FileSink(self.channel, job, self._redis, self.history)
                if job.status.finished:
                    pass  # ended already (its watcher died after the last event)
                elif self.channel.cancel_requested(job_id):
                    payload = {"status": JobStatus.CANCELLED.value}
                    await sink.finish(JobStatus.CANCELLED, EventType.STATUS, payload)
                else:
                    restarted = job.status is not JobStatus.PENDING
                    await self._runner.run(job, sink, restarted=restarted)
                finished = True
        except asyncio.CancelledError as exc:
            if not is_user_cancel(exc):
                raise
            # Cancelled by the user before the runner started: end it here.
            consume_cancel()
            sink = FileSink(self.channel, job, self._redis, self.history)
            with contextlib.suppress(JobFinishedError):
                payload = {"status": JobStatus.CANCELLED.value}
                await sink.finish(JobStatus.CANCELLED, EventType.STATUS, payload)
            finished = True
        finally:
            claimed = self.channel.claimed / f"{job_id}.json"
            if finished:
                claimed.unlink(missing_ok=True)
            else:  # shutting down mid-job: hand it back, nothing accepted is lost
                self.channel.release(job_id)
