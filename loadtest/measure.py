"""What one chat's event stream tells: time to first token, chunk delivery, full answer.

Definitions (the same in Locust and the benchmark):

- time to first token: from just before the submit request is written to the moment
  the first ``chunk`` event has been read from the stream;
- chunk delivery: the client's wall clock when a ``chunk`` was read, minus the event's
  ``ts`` (the watcher's emit time; same machine, same clock). Chunks emitted before the
  stream was requested are replay, not delivery, and are left out;
- full answer: from before the submit to the terminal event (``done`` or ``error``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import orjson

from loadtest.protocol import SSEEvent

TERMINAL_STATUSES = frozenset({"complete", "error", "cancelled"})


def now_ms() -> float:
    """Wall-clock unix time in milliseconds (comparable with an event's ``ts``)."""
    return time.time() * 1000


@dataclass
class ChatTrace:
    """One chat as the client saw it; durations in milliseconds."""

    started_perf: float
    stream_requested_ms: float = 0.0
    submit_ms: float = 0.0
    ttft_ms: float | None = None
    deliveries_ms: list[float] = field(default_factory=list)
    full_ms: float | None = None
    chunks: int = 0
    result: str | None = None
    cached: bool | None = None
    #: The tier that answered ("exact", "semantic"), "" when none did.
    cache_tier: str = ""
    server_timings: dict[str, float | None] = field(default_factory=dict)
    terminal: str | None = None  # "done", "error", or "status:<status>"
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A complete answer arrived and nothing went wrong."""
        return self.error is None and self.terminal == "done"

    def fail(self, reason: str) -> ChatTrace:
        """Mark the chat failed (the first reason wins) and return it."""
        if self.error is None:
            self.error = reason
        return self

    def observe(self, events: list[SSEEvent], received_ms: float, received_perf: float) -> bool:
        """Account for events read together; True once the stream's terminal event came."""
        for event in events:
            kind = event.type
            if kind == "chunk":
                data = orjson.loads(event.data)
                self.chunks += 1
                if self.ttft_ms is None:
                    self.ttft_ms = (received_perf - self.started_perf) * 1000
                ts = data.get("ts", 0.0)
                if ts >= self.stream_requested_ms:
                    self.deliveries_ms.append(max(received_ms - ts, 0.0))
                continue
            if kind in ("done", "error"):
                data = orjson.loads(event.data)
                self.terminal = kind
                self.full_ms = (received_perf - self.started_perf) * 1000
                if kind == "done":
                    self.result = data.get("result")
                    self.cached = bool(data.get("cached"))
                    self.cache_tier = str(data.get("cached") or "")
                    self.server_timings = data.get("timings") or {}
                else:
                    self.fail(f"error event: {data.get('message', '')[:200]}")
                return True
            if kind == "status":
                status = orjson.loads(event.data).get("status")
                if status in TERMINAL_STATUSES:
                    self.terminal = f"status:{status}"
                    self.full_ms = (received_perf - self.started_perf) * 1000
                    self.fail(f"stream ended with status {status}")
                    return True
        return False


def chat_message(words: int, tag: str) -> str:
    """An echo prompt of ``words`` words (the echo model streams one chunk per word)."""
    body = " ".join(f"w{index}" for index in range(max(words - 1, 0)))
    return f"{tag} {body}".strip()
