"""The per-process event hub: one Redis subscription fanned out to every SSE client.

A per-client Redis subscription breaks at a few hundred clients; instead each app
process subscribes once to the events channel and routes each message by job id to
the local subscriptions in memory. Messages are routed on their one-line header, so
a chunk costs one split here, whatever the number of clients.

If the subscription drops, every local subscription is flagged ``resync``: its
stream re-reads the job's event log from its last sequence number, so nothing
published while the hub was reconnecting is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque

import redis.asyncio as aioredis

from relay import keys
from relay.connections import REDIS_DOWN_ERRORS
from relay.jobs import Event

log = logging.getLogger(__name__)

#: A client this far behind is cut off; it reconnects and resumes from the log.
MAX_BACKLOG = 10_000


class Subscription:
    """Live events of one job for one SSE client."""

    __slots__ = ("_wakeup", "backlog", "job_id", "overflowed", "ping_due", "quiet", "resync")

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.backlog: deque[Event] = deque()
        self._wakeup = asyncio.Event()
        self.resync = False
        self.overflowed = False
        #: Set by the hub's ticker when nothing was pushed for a whole heartbeat.
        self.ping_due = False
        self.quiet = True

    def push(self, event: Event) -> None:
        if len(self.backlog) >= MAX_BACKLOG:
            self.overflowed = True
        else:
            self.backlog.append(event)
        self.quiet = False
        self._wakeup.set()

    def tick(self) -> None:
        """One heartbeat period passed: ask for a ping if it was quiet throughout."""
        if self.quiet:
            self.ping_due = True
            self._wakeup.set()
        self.quiet = True

    def flag_resync(self) -> None:
        self.resync = True
        self._wakeup.set()

    async def wait(self) -> None:
        """Wait until there are events, a resync or overflow, or a ping is due."""
        if self.backlog or self.resync or self.overflowed or self.ping_due:
            return
        self._wakeup.clear()
        await self._wakeup.wait()

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

    @property
    def subscription_count(self) -> int:
        return sum(len(subs) for subs in self._subscribers.values())

    def subscribe(self, job_id: str) -> Subscription:
        """Register before reading the log, so nothing falls between replay and live."""
        subscription = Subscription(job_id)
        self._subscribers[job_id].add(subscription)
        if not self.connected.is_set():
            subscription.resync = True
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subs = self._subscribers.get(subscription.job_id)
        if subs is not None:
            subs.discard(subscription)
            if not subs:
                del self._subscribers[subscription.job_id]

    def dispatch(self, message: bytes) -> None:
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

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _tick(self) -> None:
        # One timer for every stream of the process, instead of a timeout per wait.
        while True:
            await asyncio.sleep(self._heartbeat_s)
            for subs in self._subscribers.values():
                for subscription in subs:
                    subscription.tick()

    async def _run(self) -> None:
        backoff_s = 0.05
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(keys.EVENTS_CHANNEL)
                self.connected.set()
                self._flag_all_resync()  # anything published while we were away
                backoff_s = 0.05
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        self.dispatch(message["data"])
            except REDIS_DOWN_ERRORS as exc:
                if self.connected.is_set():
                    log.warning("event hub lost Redis: %s", exc)
                self.connected.clear()
                self._flag_all_resync()
                await asyncio.sleep(backoff_s)  # reconnect backoff, not a poll
                backoff_s = min(backoff_s * 2, 1.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _flag_all_resync(self) -> None:
        for subs in self._subscribers.values():
            for subscription in subs:
                subscription.flag_resync()
