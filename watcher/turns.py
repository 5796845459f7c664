"""Whose turn it is in a project: jobs of one project run one at a time, in order.

A project's order list (``relay:{project}:order``) holds its unfinished jobs in
submission order; only its head may run. A job that is not the head waits for a
"turn" notice on the control channel (published whenever a job of the project
ends), with a heartbeat-long timeout as a safety net for a notice lost while
reconnecting.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import cast

import redis.asyncio as aioredis

from relay import keys
from relay.batching import CommandBatcher, as_mapping, raise_errors
from relay.connections import RECONNECT_BACKOFF, REDIS_DOWN_ERRORS, text
from relay.jobs import Job

#: Reads a job's current state (None: it no longer exists), waiting out Redis outages.
JobLoader = Callable[[str], Awaitable[Job | None]]


class ProjectTurns:
    """Waits for a job's turn in its project; woken by :meth:`notify`."""

    def __init__(
        self,
        redis: aioredis.Redis,
        load: JobLoader,
        safety_timeout_s: float,
        batcher: CommandBatcher | None = None,
    ) -> None:
        self._redis = redis
        #: Sends the first look of jobs claimed together at once (a claim brings many).
        self._batcher = batcher or CommandBatcher(redis)
        self._load = load
        self._safety_timeout_s = safety_timeout_s
        self._turns: dict[str, asyncio.Event] = {}  # project -> "the head changed"
        self._waiters: Counter[str] = Counter()  # project -> jobs waiting for a turn

    async def job_when_its_turn(self, job_id: str, project: str = "") -> Job | None:
        """The job once it heads its project's line; None if it ended (or vanished) first."""
        job, surely_first = await self._load_and_check_line(job_id, project)
        if job is None or job.status.finished:
            return None
        if surely_first or await self.is_head(job):
            return job
        await self._wait(job)
        job = await self._load(job_id)  # fresh state: cancelled while waiting?
        return None if job is None or job.status.finished else job

    def waiting(self) -> int:
        """Jobs waiting for their turn."""
        return sum(self._waiters.values())

    def notify(self, project: str) -> None:
        """A job of ``project`` ended: its waiters look at the head again."""
        turn = self._turns.get(project)
        if turn is not None:
            turn.set()

    async def _load_and_check_line(self, job_id: str, project: str) -> tuple[Job | None, bool]:
        """The job, and whether it surely heads its project's line, in one round trip.

        False for "first in line" only means "not sure": :meth:`is_head` decides then.
        """
        if not project:
            return await self._load(job_id), False
        job_key, order_key = keys.job(job_id), keys.project_order(project)
        try:
            (raw,), (head,) = await self._batcher.execute(
                (job_key, [(b"HGETALL", job_key)]), (order_key, [(b"LINDEX", order_key, 0)])
            )
            raise_errors([raw, head])
        except REDIS_DOWN_ERRORS:
            return await self._load(job_id), False  # the loader waits the outage out
        job = Job.from_hash(as_mapping(raw)) if raw else None
        first = head is None or head.decode() == job_id
        return job, first and job is not None and job.project == project

    async def is_head(self, job: Job) -> bool:
        """True when ``job`` is the oldest unfinished job of its project.

        Waits out a Redis outage (as the job loader does): a job waiting for its turn
        when Redis went away is still waiting when it is back, not a failed task left
        for the reclaim.
        """
        order_key = keys.project_order(job.project)
        failures = 0
        while True:
            try:
                raw = cast(bytes | None, await self._redis.lindex(order_key, 0))
                head = None if raw is None else raw.decode()
                if head is None or head == job.id:
                    return True
                ahead = await self._load(head)
                if ahead is not None and not ahead.status.finished:
                    return False
                await self._redis.lrem(order_key, 1, text(head))  # stale: an ended job's
            except REDIS_DOWN_ERRORS:
                await asyncio.sleep(RECONNECT_BACKOFF.compute(failures))
                failures += 1

    async def _wait(self, job: Job) -> None:
        turn = self._turns.setdefault(job.project, asyncio.Event())
        self._waiters[job.project] += 1
        try:
            await self._wait_for_head(job, turn)
        finally:
            self._waiters[job.project] -= 1
            if not self._waiters[job.project]:  # forget idle projects
                del self._waiters[job.project]
                self._turns.pop(job.project, None)

    async def _wait_for_head(self, job: Job, turn: asyncio.Event) -> None:
        while True:
            turn.clear()
            if await self.is_head(job):
                return
            current = await self._load(job.id)
            if current is None or current.status.finished:
                return  # cancelled while waiting; the caller acknowledges it
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._safety_timeout_s):
                    await turn.wait()
