"""Concurrency slots, one pool per backend: jobs beyond the limit wait in line.

Each backend kind has its own limit (``relay.models.concurrency``): a handful of CLI
processes, the CPU count for the embedded model, hundreds of upstream streams.
A job takes a :class:`Slot` from its backend's :class:`SlotPool` for as long as it
runs; jobs that find the pool full wait first-come first-served and are told their
place in line (1 = next) when they join it and again as it moves, so their clients
can show it. A job waiting for a person gives its slot back meanwhile
(``async with slot.released():``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from relay import models
from relay.settings import Settings

log = logging.getLogger(__name__)

#: ``listener(position)``: tells a waiting job its place in line (1 = next).
PositionListener = Callable[[int], Awaitable[None]]

#: Shortest time between two rounds of position updates of one pool. A round tells
#: every waiter whose place changed, so with a long line the rounds are spaced out
#: further (one per this many waiters a second) to keep their cost bounded.
REPORT_INTERVAL_S = 0.25
REPORTS_PER_S = 1000


@dataclass(eq=False)
class _Waiter:
    granted: asyncio.Future[None]
    listener: PositionListener | None
    reported: int = 0


class Slot:
    """One held place in a pool; :meth:`released` hands it back for a while."""

    def __init__(self, pool: SlotPool) -> None:
        self._pool = pool
        self.held = True

    @contextlib.asynccontextmanager
    async def released(self) -> AsyncIterator[None]:
        """Give the slot back for the body (a wait for a person); take one again after."""
        self._pool.release()
        self._pool.lent += 1
        self.held = False
        try:
            yield
        finally:
            self._pool.lent -= 1
            await self._pool.acquire()
            self.held = True


@dataclass(eq=False)
class SlotPool:
    """At most ``limit`` jobs of one backend at once; the others wait in order."""

    backend: str
    limit: int
    busy: int = 0
    #: Jobs of this pool that gave their slot back while they wait for a person.
    lent: int = 0
    _waiters: deque[_Waiter] = field(default_factory=deque)
    _reporter: asyncio.Task[None] | None = None
    _moved: bool = False
    _telling: set[asyncio.Future[None]] = field(default_factory=set)

    @property
    def waiting(self) -> int:
        """Jobs in line for a slot."""
        return len(self._waiters)

    @contextlib.asynccontextmanager
    async def slot(self, listener: PositionListener | None = None) -> AsyncIterator[Slot]:
        """Hold a slot for the body; ``listener`` hears the place in line while waiting."""
        await self.acquire(listener)
        slot = Slot(self)
        try:
            yield slot
        finally:
            if slot.held:
                self.release()

    async def acquire(self, listener: PositionListener | None = None) -> None:
        """Take a slot, waiting in line (first come, first served) when none is free."""
        if self.busy < self.limit and not self._waiters:
            self.busy += 1
            return
        waiter = _Waiter(asyncio.get_running_loop().create_future(), listener)
        self._waiters.append(waiter)
        if listener is not None:  # a newcomer hears its place at once, not at the next round
            waiter.reported = len(self._waiters)
            self._tell(listener(waiter.reported))
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter.granted.done() and not waiter.granted.cancelled():
                self.release()  # handed a slot just as it was cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
                self._positions_moved()
            raise

    def release(self) -> None:
        """Give a slot back: straight to the first in line, if anyone waits."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.granted.done():
                waiter.granted.set_result(None)  # the slot passes on: busy is unchanged
                self._positions_moved()
                return
        self.busy -= 1

    # --- places in line -------------------------------------------------------------
    def _tell(self, update: Awaitable[None]) -> None:
        task = asyncio.ensure_future(update)
        self._telling.add(task)
        task.add_done_callback(self._told)

    def _told(self, task: asyncio.Future[None]) -> None:
        self._telling.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.warning("queue position not reported: %r", exc)

    def _positions_moved(self) -> None:
        self._moved = True
        if self._reporter is None or self._reporter.done():
            self._reporter = asyncio.create_task(self._report_positions())

    async def _report_positions(self) -> None:
        """Tell waiters their new place: at once, then at most once per interval."""
        while self._moved:
            self._moved = False
            updates = []
            for position, waiter in enumerate(self._waiters, 1):
                if waiter.listener is not None and waiter.reported != position:
                    waiter.reported = position
                    updates.append(waiter.listener(position))
            for result in await asyncio.gather(*updates, return_exceptions=True):
                if isinstance(result, Exception):
                    log.warning("queue position not reported: %r", result)
            await asyncio.sleep(max(REPORT_INTERVAL_S, len(self._waiters) / REPORTS_PER_S))


class BackendSlots:
    """The slot pools of one watcher process, one per backend kind, built on first use."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pools: dict[str, SlotPool] = {}

    def pool(self, backend: str) -> SlotPool:
        """The pool of ``backend`` (a kind: echo, openai, claude, local)."""
        pool = self._pools.get(backend)
        if pool is None:
            pool = self._pools[backend] = SlotPool(
                backend, models.concurrency(self._settings, backend)
            )
        return pool

    def for_model(self, model: str) -> SlotPool:
        """The pool of the backend serving ``model`` (unknown models: a pool of one;
        the runner then fails the job with a clear error)."""
        route = models.resolve(self._settings, model)
        return self.pool(route.backend if route is not None else "unknown")

    def capacity(self) -> int:
        """Slots of every configured backend together: how many jobs to claim at most."""
        kinds = {route.backend for route in models.catalog(self._settings)}
        return sum(models.concurrency(self._settings, kind) for kind in kinds)

    def lent(self) -> int:
        """Jobs that gave their slot back while they wait for a person."""
        return sum(pool.lent for pool in self._pools.values())

    def describe(self) -> dict[str, dict[str, int]]:
        """Per backend in use: its limit, slots busy and jobs waiting (for heartbeats)."""
        return {
            name: {"limit": pool.limit, "busy": pool.busy, "queued": pool.waiting}
            for name, pool in sorted(self._pools.items())
        }
