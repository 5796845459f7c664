"""The per-process event hub: one Redis subscription fanned out to every SSE client.

A per-client Redis subscription breaks at a few hundred clients; instead each app
process subscribes once to the events channel and routes each message by job id to
the local subscriptions in memory. Messages are routed on their one-line header, so
a chunk costs one split here, whatever the number of clients.

If the subscription drops, every local subscription is told to ``RESYNC``: its
stream re-reads the job's event log from its last sequence number, so nothing
published while the hub was reconnecting is lost. A message that is not a
well-formed event is logged and skipped; the hub goes on with the next one. If the
hub's task ends all the same, :attr:`EventHub.running` says so (``/api/health``).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import defaultdict, deque

import redis.asyncio as aioredis

from relay import keys
from relay.connections import RECONNECT_BACKOFF, REDIS_DOWN_ERRORS
from relay.jobs import Event

log = logging.getLogger(__name__)

#: A client this far behind is cut off; it reconnects and resumes from the log.
MAX_BACKLOG = 10_000


class Wake(enum.Enum):
    """Why :meth:`Subscription.next` returned, most urgent first."""

    CLOSED = "closed"  # the client went (or the hub is stopping): end the stream
    OVERFLOW = "overflow"  # too far behind: end; the client resumes from the log
    RESYNC = "resync"  # the hub (re)connected: re-read the event log
    EVENTS = "events"  # live events are waiting: drain() them
    PING = "ping"  # a whole heartbeat period was quiet


class Subscription:
    """Live events of one job for one SSE client."""

    __slots__ = ("_closed", "_ping_due", "_quiet", "_resync", "_wakeup", "backlog", "job_id")

    def __init__(self, job_id: str, *, resync: bool = False) -> None:
        self.job_id = job_id
        self.backlog: deque[Event] = deque()
        self._wakeup = asyncio.Event()
        self._resync = resync
        self._closed = False
        #: Set by the hub's ticker when nothing was pushed for a whole heartbeat.
        self._ping_due = False
        self._quiet = True

    @property
    def overflowed(self) -> bool:
        return len(self.backlog) >= MAX_BACKLOG

    def push(self, event: Event) -> None:
        if not self.overflowed:
            self.backlog.append(event)
        self._quiet = False
        self._wakeup.set()

    def tick(self) -> None:
        """One heartbeat period passed: ask for a ping if it was quiet throughout."""
        if self._quiet:
            self._ping_due = True
            self._wakeup.set()
        self._quiet = True

    def flag_resync(self) -> None:
        self._resync = True
        self._wakeup.set()

    def close(self) -> None:
        """End the stream reading this subscription (its client is gone)."""
        self._closed = True
        self._wakeup.set()

    def _reason(self) -> Wake | None:
        if self._closed:
            return Wake.CLOSED
        if self.overflowed:
            return Wake.OVERFLOW
        if self._resync:
            self._resync = False
            return Wake.RESYNC
        if self.backlog:
            self._ping_due = False  # events make the ping pointless
            return Wake.EVENTS
        if self._ping_due:
            self._ping_due = False
            return Wake.PING
        return None

    async def next(self) -> Wake:
        """Wait until there is something to do, and say what."""
        while (reason := self._reason()) is None:
            self._wakeup.clear()
            await self._wakeup.wait()
        return reason

    def drain(self) -> list[Event]:
        events = list(self.backlog)
        self.backlog.clear()
        return events


class EventHub:
    """Owns the process's one events subscription and its local subscribers."""

    def __init__(self, redis: aioredis.Redis, heartbeat_s: float) -> None:
        self._redis = redis
        self._heartbeat_s = heartbeat_s
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self._tasks: list[asyncio.Task[None]] = []
        self.connected = asyncio.Event()
        #: Messages skipped because they were not well-formed events.
        self.malformed = 0

    @property
    def subscription_count(self) -> int:
        return sum(len(subs) for subs in self._subscribers.values())

    @property
    def running(self) -> bool:
        """True while the hub's subscriber and ticker tasks are alive."""
        return bool(self._tasks) and not any(task.done() for task in self._tasks)

    def subscribe(self, job_id: str) -> Subscription:
        """Register before reading the log, so nothing falls between replay and live."""
        subscription = Subscription(job_id, resync=not self.connected.is_set())
        self._subscribers[job_id].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subs = self._subscribers.get(subscription.job_id)
        if subs is not None:
            subs.discard(subscription)
            if not subs:
                del self._subscribers[subscription.job_id]

    def dispatch(self, message: bytes) -> None:
        """Hand one pub/sub message to the subscriptions of its job.

        Raises ValueError (or a subclass) when ``message`` is not an event message.
        """
        job_id = message[: message.index(b" ")].decode()
        subs = self._subscribers.get(job_id)
        if not subs:
            return
        event = Event.from_message(message)
        for subscription in subs:
            subscription.push(event)

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name="event-hub"),
            asyncio.create_task(self._tick(), name="event-hub-heartbeat"),
        ]
        for task in self._tasks:
            task.add_done_callback(_report_death)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for subs in self._subscribers.values():
            for subscription in subs:
                subscription.close()

    async def _tick(self) -> None:
        # One timer for every stream of the process, instead of a timeout per wait.
        while True:
            await asyncio.sleep(self._heartbeat_s)
            for subs in self._subscribers.values():
                for subscription in subs:
                    subscription.tick()

    async def _run(self) -> None:
        failures = 0
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(keys.EVENTS_CHANNEL)
                self.connected.set()
                self._flag_all_resync()  # anything published while we were away
                failures = 0
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        self._dispatch_or_skip(message["data"])
            except REDIS_DOWN_ERRORS as exc:
                if self.connected.is_set():
                    log.warning("event hub lost Redis: %s", exc)
                self.connected.clear()
                self._flag_all_resync()
                await asyncio.sleep(RECONNECT_BACKOFF.compute(failures))  # not a poll
                failures += 1
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _dispatch_or_skip(self, message: bytes) -> None:
        try:
            self.dispatch(message)
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            self.malformed += 1
            log.warning("event hub skipped a malformed message (%s): %.200r", exc, message)

    def _flag_all_resync(self) -> None:
        for subs in self._subscribers.values():
            for subscription in subs:
                subscription.flag_resync()


def _report_death(task: asyncio.Task[None]) -> None:
    """A hub task must never end while the app runs: say loudly that it did."""
    if task.cancelled():
        return
    exc = task.exception()
    log.error("event hub task %s ended: %r", task.get_name(), exc, exc_info=exc)
