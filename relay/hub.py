"""The per-process event hub: the live events of the jobs this process's clients follow.

Each job's events are published on its own sharded channel (``SPUBLISH`` to
``relay:{job}:live``, in the job's hash slot). The hub subscribes (``SSUBSCRIBE``) to a
job's channel when the first local client follows it and drops it with the last, so
an app process receives the events of its own clients' jobs and nothing else:
adding app processes adds fan-out capacity. Subscriptions are multiplexed over one
connection per Redis node (:class:`_Feed`; one Redis: one feed), and messages are
routed to the local subscriptions on their one-line header.

No gap, one read of the log per stream: a subscription's stream reads the job's log
(``RESYNC``) once the channel is live, that is at once when Redis already confirmed
the channel's subscription, else when the confirmation arrives (every subscription
of the job is then told to ``RESYNC``). Whatever was published before the channel
was live is in the log by then, and everything after reaches the subscription. If a feed's
connection drops, its channels are routed again (on a cluster, after re-reading the
slot map: a failover moves slots to the promoted replica) and subscribed anew, and
the confirmation resyncs their streams, so nothing published meanwhile is lost.

A message that is not a well-formed event is logged and skipped; the hub goes on
with the next one. If a hub task ends all the same, :attr:`EventHub.running` says
so (``/api/health``).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import hiredis
import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection

from relay import keys, telemetry
from relay.batching import pack_command
from relay.connections import (
    RECONNECT_BACKOFF,
    REDIS_DOWN_ERRORS,
    as_cluster,
    is_cluster,
    owner,
    ready,
    socket_reader,
)
from relay.jobs import Event

log = logging.getLogger(__name__)

#: Shortest time between two writes of a feed's (un)subscribe commands (an idle
#: feed's first leaves at once), as the command batcher spaces its batches.
WRITE_WINDOW_S = 0.001

#: A client this far behind is cut off; it reconnects and resumes from the log.
MAX_BACKLOG = 10_000
#: Bytes a feed reads from its socket at a time (many messages in a busy second).
_READ_SIZE = 256 * 1024


class Wake(enum.Enum):
    """Why :meth:`Subscription.next` returned, most urgent first."""

    CLOSED = "closed"  # the client went (or the hub is stopping): end the stream
    OVERFLOW = "overflow"  # too far behind: end; the client resumes from the log
    RESYNC = "resync"  # the hub (re)connected: re-read the event log
    EVENTS = "events"  # live events are waiting: drain() them
    PING = "ping"  # a whole heartbeat period was quiet


class Subscription:
    """Live events of one job for one SSE client."""

    __slots__ = ("_closed", "_ping_due", "_quiet", "_resync", "_waiter", "backlog", "job_id")

    def __init__(self, job_id: str, *, resync: bool = False) -> None:
        self.job_id = job_id
        self.backlog: deque[Event] = deque()
        #: What :meth:`next` awaits, while it waits. A bare future, not an
        #: ``asyncio.Event``: every state change is made before the wake-up, and
        #: :meth:`next` looks at the state before it waits, so nothing needs the
        #: event's flag, and its per-wait loop check was a chunk's hottest line.
        self._waiter: asyncio.Future[None] | None = None
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
        self._wake()

    def tick(self) -> None:
        """One heartbeat period passed: ask for a ping if it was quiet throughout."""
        if self._quiet:
            self._ping_due = True
            self._wake()
        self._quiet = True

    def flag_resync(self) -> None:
        self._resync = True
        self._wake()

    def close(self) -> None:
        """End the stream reading this subscription (its client is gone)."""
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

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
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return reason

    def drain(self) -> list[Event]:
        events = list(self.backlog)
        self.backlog.clear()
        return events


class _Feed:
    """One connection to one Redis node, subscribed to the channels routed to it.

    Subscribe and unsubscribe commands are queued and written together by a writer
    task; the reader hands every reply to the hub. On a lost connection the feed
    ends, handing its channels back to the hub to be routed again.
    """

    def __init__(
        self, hub: EventHub, node: str, make_connection: Callable[[], AbstractConnection]
    ) -> None:
        self.node = node
        #: The channels this feed should be subscribed to.
        self.channels: set[str] = set()
        #: Those of them whose subscription Redis confirmed on this connection.
        self.live: set[str] = set()
        self.connected = False
        self._hub = hub
        self._make_connection = make_connection
        self._outbox: list[bytes] = []
        self._wake = asyncio.Event()
        self.task = asyncio.create_task(self._run(), name=f"event-hub-feed-{node}")

    def add(self, channel: str) -> None:
        self.channels.add(channel)
        self._send(b"SSUBSCRIBE", channel)

    def remove(self, channel: str) -> None:
        self.channels.discard(channel)
        self.live.discard(channel)
        self._send(b"SUNSUBSCRIBE", channel)

    def _send(self, command: bytes, channel: str) -> None:
        if self.connected:  # otherwise the connection, once made, subscribes them all
            self._outbox.append(pack_command((command, channel)))
            self._wake.set()

    async def _run(self) -> None:
        connection = self._make_connection()
        writer: asyncio.Task[None] | None = None
        try:
            await connection.connect()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
            self._outbox = [pack_command((b"SSUBSCRIBE", channel)) for channel in self.channels]
            self._wake.set()
            self.connected = True
            writer = asyncio.create_task(self._write(connection), name=f"{self.task.get_name()}-w")
            await self._read(connection)
        except REDIS_DOWN_ERRORS as exc:
            self._hub._feed_lost(self, exc)
        finally:
            self.connected = False
            if writer is not None:
                writer.cancel()
                with contextlib.suppress(BaseException):
                    await writer
            with contextlib.suppress(Exception):
                await connection.disconnect()

    async def _read(self, connection: AbstractConnection) -> None:
        """Hand every reply on ``connection`` to the hub, until it fails.

        Pub/sub messages are RESP3 pushes (redis-py speaks RESP3 by default). They
        are parsed straight off the socket with hiredis, all the replies one read
        brought at once: redis-py's ``read_response`` costs a coroutine, a time-out
        and its push-handler dispatch per message, for every chunk of every stream.
        """
        socket = socket_reader(connection)
        more = object()  # what the parser says while a reply is incomplete
        parser = hiredis.Reader(notEnoughData=more)
        while True:
            data = await socket.read(_READ_SIZE)
            if not data:
                raise ConnectionError(f"Redis node {self.node} closed the event hub's connection")
            parser.feed(data)
            messages = 0
            while (reply := parser.gets()) is not more:
                if isinstance(reply, Exception):  # an error reply: start over on a new feed
                    raise ConnectionError(f"Redis node {self.node} refused: {reply}")
                messages += self._hub._on_reply(self, reply)
            if messages:
                telemetry.HUB_MESSAGES.inc(messages)  # once per read: a shared-memory write

    async def _write(self, connection: AbstractConnection) -> None:
        with contextlib.suppress(*REDIS_DOWN_ERRORS):  # the reader sees the loss too
            while True:
                await self._wake.wait()
                self._wake.clear()
                packed, self._outbox = b"".join(self._outbox), []
                if packed:
                    await connection.send_packed_command(packed, check_health=False)
                    # A burst of new streams: what they ask meanwhile goes in one write.
                    await asyncio.sleep(WRITE_WINDOW_S)


class EventHub:
    """Owns the process's channel subscriptions and its local subscribers."""

    def __init__(self, redis: aioredis.Redis, heartbeat_s: float) -> None:
        self._redis = redis
        self._heartbeat_s = heartbeat_s
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self._feeds: dict[str, _Feed] = {}
        self._unrouted: set[str] = set()  # wanted channels whose feed was lost
        self._route_now = asyncio.Event()
        self._failures = 0  # feeds lost in a row (the routing backoff)
        self._tasks: list[asyncio.Task[None]] = []
        #: Messages skipped because they were not well-formed events.
        self.malformed = 0

    @property
    def subscription_count(self) -> int:
        return sum(len(subs) for subs in self._subscribers.values())

    @property
    def running(self) -> bool:
        """True while the hub's ticker and routing tasks are alive."""
        return bool(self._tasks) and not any(task.done() for task in self._tasks)

    @property
    def connected(self) -> bool:
        """Every followed job's channel is on a connected feed."""
        return not self._unrouted and all(feed.connected for feed in self._feeds.values())

    def listening(self, job_id: str) -> bool:
        """True once Redis confirmed ``job_id``'s channel subscription on a connected feed."""
        channel = keys.job_live(job_id)
        return any(feed.connected and channel in feed.live for feed in self._feeds.values())

    def subscribe(self, job_id: str) -> Subscription:
        """Follow ``job_id``; the first wake is ``RESYNC`` (read the log) once it is live."""
        subs = self._subscribers[job_id]
        # Its first wake reads the log: now if the channel is live, else on confirmation.
        subscription = Subscription(job_id, resync=bool(subs) and self.listening(job_id))
        subs.add(subscription)
        if len(subs) == 1:
            telemetry.HUB_CHANNELS.inc()
            self._want(keys.job_live(job_id))
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subs = self._subscribers.get(subscription.job_id)
        if subs is not None:
            subs.discard(subscription)
            if not subs:
                del self._subscribers[subscription.job_id]
                telemetry.HUB_CHANNELS.dec()
                self._unwant(keys.job_live(subscription.job_id))

    def dispatch(self, message: bytes) -> None:
        """Hand one event message to the subscriptions of its job.

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
        with contextlib.suppress(*REDIS_DOWN_ERRORS):  # else the routing task reads it
            await ready(self._redis)  # a cluster's slot map, to route channels
        self._tasks = [
            asyncio.create_task(self._route(), name="event-hub-routing"),
            asyncio.create_task(self._tick(), name="event-hub-heartbeat"),
        ]
        for task in self._tasks:
            task.add_done_callback(_report_death)

    async def stop(self) -> None:
        feeds = [feed.task for feed in self._feeds.values()]
        for task in self._tasks + feeds:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for subs in self._subscribers.values():
            for subscription in subs:
                subscription.close()

    # --- channels and feeds ---------------------------------------------------------
    def _want(self, channel: str) -> None:
        try:
            self._feed_for(channel).add(channel)
        except REDIS_DOWN_ERRORS:  # no slot map yet (the cluster is unreachable)
            self._unrouted.add(channel)
            self._route_now.set()

    def _unwant(self, channel: str) -> None:
        self._unrouted.discard(channel)
        for feed in self._feeds.values():
            if channel in feed.channels:
                feed.remove(channel)

    def _feed_for(self, channel: str) -> _Feed:
        """The feed of the node that owns ``channel``'s slot (made on first use)."""
        if is_cluster(self._redis):
            node = owner(as_cluster(self._redis), channel)
            name = node.name
            kwargs: dict[str, Any] = {**node.connection_kwargs, "socket_timeout": None}
            connection_class: type[AbstractConnection] = node.connection_class
        else:
            pool = self._redis.connection_pool
            name = "redis"
            kwargs = {**pool.connection_kwargs, "socket_timeout": None}
            connection_class = pool.connection_class
        feed = self._feeds.get(name)
        if feed is None or feed.task.done():
            feed = _Feed(self, name, lambda: connection_class(**kwargs))
            self._feeds[name] = feed
        return feed

    def _feed_lost(self, feed: _Feed, exc: BaseException) -> None:
        """A feed's connection failed: route its channels again, after a backoff."""
        if self._feeds.get(feed.node) is feed:
            del self._feeds[feed.node]
        if self._failures == 0:
            log.warning("event hub lost Redis node %s: %s", feed.node, exc)
        self._failures += 1
        self._unrouted.update(feed.channels)
        for channel in feed.channels:
            self._flag_resync(channel)  # the stream re-reads the log when it can
        self._route_now.set()

    async def _route(self) -> None:
        """Routes the channels of lost feeds to their (possibly new) owners."""
        while True:
            await self._route_now.wait()
            self._route_now.clear()
            await asyncio.sleep(RECONNECT_BACKOFF.compute(self._failures))  # not a poll
            try:
                if is_cluster(self._redis):
                    # A failover moved slots to a promoted replica: re-read the map.
                    await as_cluster(self._redis).nodes_manager.initialize()
                for channel in list(self._unrouted):
                    self._unrouted.discard(channel)
                    self._feed_for(channel).add(channel)
            except REDIS_DOWN_ERRORS:
                self._failures += 1
                self._route_now.set()

    def _on_reply(self, feed: _Feed, reply: Any) -> int:
        """Act on one reply of ``feed``'s connection; 1 if it was a channel message."""
        kind = reply[0]
        if kind == b"smessage":
            self._dispatch_or_skip(reply[2])
            return 1
        if kind == b"ssubscribe":
            if self._failures:
                log.warning("event hub reconnected (node %s)", feed.node)
            self._failures = 0
            channel = reply[1].decode()
            if channel in feed.channels:
                feed.live.add(channel)
            self._flag_resync(channel)  # the subscription is live: read the log now
        elif kind == b"sunsubscribe":
            channel = reply[1].decode()
            if channel in feed.channels:  # not ours: the slot moved to another node
                feed.channels.discard(channel)
                feed.live.discard(channel)
                self._unrouted.add(channel)
                self._flag_resync(channel)
                self._route_now.set()
        return 0

    async def _tick(self) -> None:
        # One timer for every stream of the process, instead of a timeout per wait.
        while True:
            await asyncio.sleep(self._heartbeat_s)
            for subs in self._subscribers.values():
                for subscription in subs:
                    subscription.tick()

    def _dispatch_or_skip(self, message: bytes) -> None:
        try:
            self.dispatch(message)
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            self.malformed += 1
            log.warning("event hub skipped a malformed message (%s): %.200r", exc, message)

    def _flag_resync(self, channel: str) -> None:
        for subscription in self._subscribers.get(keys.job_of_live(channel), ()):
            subscription.flag_resync()


def _report_death(task: asyncio.Task[None]) -> None:
    """A hub task must never end while the app runs: say loudly that it did."""
    if task.cancelled():
        return
    exc = task.exception()
    log.error("event hub task %s ended: %r", task.get_name(), exc, exc_info=exc)
