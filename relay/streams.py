"""A job's event stream as SSE bytes: the part both job channels share.

Each channel (:class:`relay.redis_queue.RedisJobQueue`,
:class:`relay.fallback.FileJobQueue`) has a ``stream`` method that replays the log
after a sequence number and then follows the live events; here is what they have
in common: frames rendered once and de-duplicated by sequence number, the heartbeat
comment, and how a stream is told that its client is gone.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import NamedTuple, Protocol

from relay import telemetry
from relay.jobs import Event, EventType, Job

#: The heartbeat comment written on a quiet stream.
PING = b": ping\n\n"


class ClientGone(Protocol):
    """What a stream listens to for the end of its client (``app.hangup.Hangup``)."""

    def on_gone(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` once the client has gone (at once if it already has)."""


class Rendered(NamedTuple):
    """What :func:`render` made of a batch of events (a named tuple: one per wake-up)."""

    #: The frames to write, in order (may be empty).
    frames: bytes
    #: The sequence number of the last event in ``frames`` (or the one given).
    last_seq: int
    #: The job's terminal event is among them: the stream is over.
    ended: bool
    #: An event is missing before the next one: re-read the log from ``last_seq``.
    gap: bool


def render(events: Iterable[Event], last_seq: int, live_since_ms: float = math.inf) -> Rendered:
    """The frames of the events after ``last_seq``, stopping at a gap or the end.

    Chunk delivery is observed only for chunks emitted at or after ``live_since_ms``
    (when the client started listening): a chunk emitted before was waiting in the
    log, and replaying it to a late subscriber says nothing about delivery.
    """
    frames: list[bytes] = []
    now_ms = time.time() * 1000
    ended = gap = False
    for event in events:
        if event.seq <= last_seq:
            continue  # already sent (replay and live overlap)
        if event.seq != last_seq + 1:
            gap = True
            break
        frames.append(event.frame)
        last_seq = event.seq
        if event.type == EventType.CHUNK and event.ts_ms >= live_since_ms:
            telemetry.CHUNK_DELIVERY_BUFFER.observe(max(now_ms - event.ts_ms, 0) / 1000)
        if event.terminal:
            ended = True
            break
    return Rendered(b"".join(frames), last_seq, ended, gap)


def has_every_event(job: Job, after_seq: int) -> bool:
    """True when ``job`` has ended and a client that saw ``after_seq`` has it all."""
    return job.status.finished and after_seq >= job.last_seq


async def replay(events: list[Event], after_seq: int) -> AsyncGenerator[bytes, None]:
    """The frames of ``events`` (a finished job's, from memory) after ``after_seq``.

    A replay: chunk delivery is not observed.
    """
    frames = render(events, after_seq).frames
    if frames:
        yield frames


async def nothing() -> AsyncGenerator[bytes, None]:
    """The stream of a finished job whose client already has every event."""
    return
    yield  # makes this an async generator that yields nothing
