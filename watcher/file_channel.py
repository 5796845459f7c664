"""The watcher's side of the file-system fallback.

It always runs, whatever Redis is doing: jobs accepted while Redis was down are
answered even if Redis came back meanwhile. inotify (watchfiles) reports new files
in ``queue/`` and cancel markers in ``cancel/``; nothing sleeps in a loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from watchfiles import Change, awatch

from relay.fallback import WATCH_STEP_MS, FileChannel
from relay.jobs import EventType, JobStatus
from relay.settings import Settings
from watcher.runner import JobRunner, cancel_for_user
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
        self._settings = settings
        self._runner = runner
        self._slots = slots
        self._redis = redis
        self._project_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._running: dict[str, asyncio.Task[Any]] = {}

    async def run(self, stop: asyncio.Event) -> None:
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
        async with self._project_locks[job.project], pool.slot():
            sink = FileSink(self.channel, job, self._redis)
            try:
                if self.channel.cancel_requested(job_id):
                    payload = {"status": JobStatus.CANCELLED.value}
                    await sink.finish(JobStatus.CANCELLED, EventType.STATUS, payload)
                else:
                    await self._runner.run(job, sink)
                finished = True
            finally:
                claimed = self.channel.claimed / f"{job_id}.json"
                if finished:
                    claimed.unlink(missing_ok=True)
                else:  # shutting down mid-job: hand it back, nothing accepted is lost
                    claimed.replace(self.channel.queue / f"{job_id}.json")
