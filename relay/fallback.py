"""The file-system channel used while Redis is unreachable.

Layout under ``state/fallback/``::

    queue/<id>.json      accepted, not yet claimed (claimed by an atomic rename)
    claimed/<id>.json    being run by a watcher; its ctime is the lease (see below)
    jobs/<id>.json       the job's current state (replaced atomically)
    events/<id>.jsonl    its event log, one JSON object per line
    cancel/<id>          a cancel request
    history/<id>.json    an exchange answered here, until it is replayed into Redis

Every write is atomic (temp file + ``os.replace``), and changes are noticed with
inotify through ``watchfiles``, never by sleeping in a loop.

Leases: claiming renames the file, which sets its ctime; the watcher running the
job renews it (``os.utime`` also sets the ctime) every heartbeat. A claim whose
ctime is older than ``claim_idle_ms`` belongs to a dead watcher: any watcher
renames it back into ``queue/``, where the next claim picks it up.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson

from relay import history
from relay.atomic_files import atomic_write
from relay.fallback_history import FileHistory
from relay.file_events import EventsFolderWatch
from relay.jobs import Event, EventType, Job, JobStatus
from relay.redis_queue import JobNotFoundError, JobStateError

#: A follower re-reads its log after this long without a change notice.
QUIET_WAKE_S = 1.0


class FileChannel:
    """Paths and primitive operations of the fallback folder (app and watcher)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.queue = root / "queue"
        self.claimed = root / "claimed"
        self.jobs = root / "jobs"
        self.events = root / "events"
        self.cancels = root / "cancel"
        self.history = root / "history"
        folders = (self.queue, self.claimed, self.jobs, self.events, self.cancels, self.history)
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)

    def write_job(self, job: Job) -> None:
        atomic_write(self.jobs / f"{job.id}.json", job.to_json())

    def read_job(self, job_id: str) -> Job:
        try:
            return Job.from_json((self.jobs / f"{job_id}.json").read_bytes())
        except FileNotFoundError:
            raise JobNotFoundError(job_id) from None

    def claim(self, job_id: str, into: Path | None = None) -> Job | None:
        """Take a queued job; None when someone else already took it."""
        target = into or self.claimed / f"{job_id}.json"
        try:
            os.rename(self.queue / f"{job_id}.json", target)
        except FileNotFoundError:
            return None
        return Job.from_json(target.read_bytes())

    def renew(self, job_id: str) -> bool:
        """Renew the lease on a claimed job; False when the claim is no longer there."""
        try:
            os.utime(self.claimed / f"{job_id}.json")
        except FileNotFoundError:
            return False
        return True

    def release(self, job_id: str) -> bool:
        """Hand a claimed job back to the queue; False if someone else already did."""
        try:
            os.rename(self.claimed / f"{job_id}.json", self.queue / f"{job_id}.json")
        except FileNotFoundError:
            return False
        return True

    def expired_claims(self, max_age_s: float) -> list[str]:
        """Claimed jobs whose lease was not renewed for ``max_age_s``: their watcher died."""
        now, expired = time.time(), []
        for path in self.claimed.glob("*.json"):
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat().st_ctime > max_age_s:
                    expired.append(path.stem)
        return expired

    def queued_ids(self) -> list[str]:
        """Queued job ids, oldest first."""
        files = sorted(self.queue.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        return [path.stem for path in files]

    def append_event(self, job_id: str, event: Event, payload: dict[str, Any]) -> None:
        line = orjson.dumps({"seq": event.seq, "type": event.type, "ts": event.ts, "p": payload})
        with open(self.events / f"{job_id}.jsonl", "ab") as handle:
            handle.write(line + b"\n")

    def read_events(self, job_id: str, after_seq: int = 0) -> list[Event]:
        try:
            raw = (self.events / f"{job_id}.jsonl").read_bytes()
        except FileNotFoundError:
            return []
        events = []
        for line in raw.splitlines():
            try:
                item = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # a line still being written, or cut short by a killed watcher
            if item["seq"] > after_seq:
                events.append(
                    Event.create(job_id, item["seq"], item["type"], item["ts"], item["p"])
                )
        return events

    def answer_text(self, job_id: str) -> str:
        """The answer so far: the chunks since the last restart (``reset``) of the job."""
        parts: list[str] = []
        for event in self.read_events(job_id):
            if event.type == EventType.CHUNK:
                parts.append(event.data().get("text", ""))
            elif event.type == EventType.STATUS and event.data().get("reset"):
                parts.clear()
        return "".join(parts)

    def end_torn_line(self, job_id: str) -> None:
        """End a half-written last event line (its writer died) so appends start afresh."""
        try:
            with open(self.events / f"{job_id}.jsonl", "rb+") as handle:
                size = handle.seek(0, os.SEEK_END)
                if size:
                    handle.seek(size - 1)
                    if handle.read(1) != b"\n":
                        handle.write(b"\n")
        except FileNotFoundError:
            return

    def cancel_requested(self, job_id: str) -> bool:
        return (self.cancels / job_id).exists()


class FileJobQueue:
    """The app's side of the fallback: same operations as :class:`RedisJobQueue`."""

    mode = "file"

    def __init__(self, channel: FileChannel) -> None:
        self.channel = channel
        #: The one watch of the events folder that every stream of this process shares.
        self.events_watch = EventsFolderWatch(channel.events)
        self.history = FileHistory(channel.history)

    async def submit(self, job: Job) -> None:
        self.channel.write_job(job)
        atomic_write(self.channel.queue / f"{job.id}.json", job.to_json())

    async def get(self, job_id: str) -> Job:
        return self.channel.read_job(job_id)

    async def text(self, job_id: str) -> str:
        return self.channel.answer_text(job_id)

    async def events_after(self, job_id: str, after_seq: int) -> list[Event]:
        return self.channel.read_events(job_id, after_seq)

    async def follow(
        self, job_id: str, after_seq: int, stop: asyncio.Event | None = None
    ) -> AsyncIterator[Event | None]:
        """Replay then stream a job's events as the watcher appends them.

        Woken by the process's one watch of the events folder; yields ``None`` about
        once a second while nothing happens (heartbeat time), and re-reads the log
        then anyway, so a change the watch missed is late by a second at most.
        """
        last = after_seq
        with self.events_watch.subscribe(job_id) as changed:
            while stop is None or not stop.is_set():
                changed.clear()
                for event in self.channel.read_events(job_id, last):
                    last = event.seq
                    yield event
                    if event.terminal:
                        return
                try:
                    async with asyncio.timeout(QUIET_WAKE_S):
                        await changed.wait()
                except TimeoutError:
                    yield None

    async def cancel(self, job_id: str) -> Job:
        job = self.channel.read_job(job_id)
        if job.status.finished:
            raise JobStateError(f"job already {job.status.value}")
        (self.channel.cancels / job_id).touch()
        # Not yet claimed: take it back ourselves and end it here.
        taken = self.channel.claim(job_id, into=self.channel.cancels / f"{job_id}.json")
        if taken is not None:
            seq = len(self.channel.read_events(job_id)) + 1
            payload = {"status": JobStatus.CANCELLED.value}
            event = Event.create(job_id, seq, EventType.STATUS, time.time() * 1000, payload)
            job.status, job.finished_ts = JobStatus.CANCELLED, time.time()
            self.channel.write_job(job)
            self.channel.append_event(job_id, event, payload)
            # The stopped turn joins the history like a Redis-mode cancel's (replayed later).
            stopped = history.entry(
                user=job.message, assistant="", outcome="cancelled", job_id=job_id
            )
            self.history.save(job.project, stopped)
        job.status = JobStatus.CANCELLED
        return job

    async def answer(self, job_id: str, answers: list[Any]) -> Job:
        raise JobStateError("answering questions needs Redis; it is unreachable right now")

    async def active(self, project: str) -> Job | None:
        return None

    async def ping(self) -> bool:
        return True
