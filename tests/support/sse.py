"""A small Server-Sent Events client for tests (httpx, async), faithful to the wire format.

The bytes go through the repository's one SSE parser (``relay.sse``): lines end only at
CR, LF or CRLF, so an answer holding U+2028 arrives whole, as in a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from relay.sse import SSEDecoder

TERMINAL_STATUSES = {"complete", "error", "cancelled"}


@dataclass
class SSEEvent:
    """One event as received: id, type, decoded data, and when it arrived (ms)."""

    id: int
    type: str
    data: dict[str, Any]
    received_ms: float

    @property
    def terminal(self) -> bool:
        if self.type in ("done", "error"):
            return True
        return self.type == "status" and self.data.get("status") in TERMINAL_STATUSES


@dataclass
class SSEResult:
    """Everything one connection received."""

    status_code: int
    headers: httpx.Headers
    events: list[SSEEvent] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    retry_ms: int | None = None

    @property
    def chunks(self) -> list[str]:
        return [e.data["text"] for e in self.events if e.type == "chunk"]

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    @property
    def ended(self) -> bool:
        return bool(self.events) and self.events[-1].terminal

    @property
    def final_text(self) -> str:
        """The text of the last attempt: chunks after the last ``reset`` status event."""
        start = 0
        for index, event in enumerate(self.events):
            if event.type == "status" and event.data.get("reset"):
                start = index
        return "".join(e.data["text"] for e in self.events[start:] if e.type == "chunk")


async def read_stream(
    client: httpx.AsyncClient,
    url: str,
    *,
    last_event_id: int | None = None,
    stop_after: int | None = None,
    until: Callable[[SSEEvent], bool] | None = None,
    timeout_s: float = 30.0,
    headers: dict[str, str] | None = None,
    into: SSEResult | None = None,
) -> SSEResult:
    """Read events until the server ends the stream, ``stop_after`` events, or ``until``.

    With ``into``, events are appended to it as they arrive, so they are kept even if
    the connection then fails. ``timeout_s`` bounds the whole read, not only each wait
    for bytes: a stream kept open by heartbeats alone raises ``TimeoutError`` naming
    the last events it carried.
    """
    result = into or SSEResult(0, httpx.Headers())
    try:
        async with asyncio.timeout(timeout_s):
            return await _read_into(
                result, client, url, last_event_id, stop_after, until, timeout_s, headers
            )
    except TimeoutError:
        last = [(e.type, e.data) for e in result.events[-3:]]
        raise TimeoutError(
            f"{url}: not ended after {timeout_s:g} s ({len(result.events)} events,"
            f" {len(result.comments)} comments; last: {last})"
        ) from None


async def _read_into(
    result: SSEResult,
    client: httpx.AsyncClient,
    url: str,
    last_event_id: int | None,
    stop_after: int | None,
    until: Callable[[SSEEvent], bool] | None,
    timeout_s: float,
    headers: dict[str, str] | None,
) -> SSEResult:
    request_headers = {"Accept": "text/event-stream", **(headers or {})}
    if last_event_id is not None:
        request_headers["Last-Event-ID"] = str(last_event_id)
    timeout = httpx.Timeout(timeout_s, connect=5.0)
    async with client.stream("GET", url, headers=request_headers, timeout=timeout) as response:
        result.status_code, result.headers = response.status_code, response.headers
        if response.status_code != 200:
            await response.aread()
            return result
        decoder = SSEDecoder(keep_comments=True)
        async for piece in response.aiter_bytes():
            for event in decoder.feed(piece):
                result.events.append(
                    SSEEvent(
                        event.id or 0, event.type, orjson.loads(event.data), time.time() * 1000
                    )
                )
                result.comments.extend(decoder.take_comments())
                result.retry_ms = decoder.retry_ms
                if stop_after is not None and len(result.events) >= stop_after:
                    return result
                if until is not None and until(result.events[-1]):
                    return result
            result.comments.extend(decoder.take_comments())
            result.retry_ms = decoder.retry_ms
        return result


async def follow(
    client: httpx.AsyncClient,
    url: str,
    *,
    timeout_s: float = 60.0,
    retry_s: float = 0.25,
    headers: dict[str, str] | None = None,
    last_event_id: int | None = None,
) -> SSEResult:
    """Read a stream to its terminal event the way EventSource does.

    A cut connection, a refused one or an error status is followed by a reconnect
    with ``Last-Event-ID``; the events of every connection are collected in order.
    Raises ``TimeoutError`` if the terminal event has not come after ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    result = SSEResult(0, httpx.Headers())
    while (remaining := deadline - time.monotonic()) > 0:
        last = result.events[-1].id if result.events else last_event_id
        with contextlib.suppress(httpx.HTTPError):  # cut or refused: reconnect
            await read_stream(
                client, url, last_event_id=last, timeout_s=remaining, headers=headers, into=result
            )
        if result.ended:
            return result
        await asyncio.sleep(retry_s)
    got = len(result.events)
    raise TimeoutError(f"{url}: no terminal event after {timeout_s:g} s ({got} events)")
