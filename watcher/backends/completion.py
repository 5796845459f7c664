"""Reading an OpenAI-compatible ``chat.completion.chunk`` stream, and upstream answers.

No I/O here: the backend hands in the body's bytes as they arrive; this module turns
them (through the repository's SSE parser) into text deltas and, at the end, the
:class:`Finished` that says how the completion ended. It also reads the upstream's
own words out of error bodies and its ``Retry-After`` header.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson

from relay.sse import SSEDecoder
from watcher.backends.base import BackendError, Finished, TextDelta
from watcher.backends.streamjson import shorten

DONE = "[DONE]"


async def completion_outputs(body: AsyncIterator[bytes]) -> AsyncIterator[TextDelta | Finished]:
    """The content deltas of a completion stream, then its :class:`Finished`.

    ``[DONE]`` ends the stream; so does the end of the body (some servers omit
    ``[DONE]``). Either way the last finish reason seen is reported, None when no
    chunk carried one: a server that gave up mid-answer (llama.cpp's server
    interrupting a request, a proxy cutting it) says ``[DONE]`` without a reason.
    """
    decoder = SSEDecoder()
    finish_reason: str | None = None
    events = 0
    async for piece in body:
        for event in decoder.feed(piece):
            events += 1
            if event.data == DONE:
                yield Finished(finish_reason)
                return
            text, reason = parse_chunk(event.data)
            if reason:
                finish_reason = reason
            if text:
                yield TextDelta(text)
    if not events:
        # llama-cpp-python's server answers a prompt beyond its context like this:
        # 200, then an empty body (its error happens after the headers were sent).
        raise EmptyStreamError("ended the stream without sending any completion")
    yield Finished(finish_reason)


class EmptyStreamError(BackendError):
    """A 200 answer whose body held no completion event at all."""


def parse_chunk(payload: str) -> tuple[str, str | None]:
    """(content delta, finish reason) of one ``chat.completion.chunk``."""
    try:
        chunk = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise BackendError(f"unreadable stream event: {shorten(payload, 200)}") from None
    if not isinstance(chunk, dict):
        raise BackendError(f"unexpected stream event: {shorten(payload, 200)}")
    if "error" in chunk:  # some servers report failures inside the stream
        raise BackendError(f"the model failed mid-stream: {error_message(chunk)}")
    choices = chunk.get("choices") or [{}]  # a usage-only chunk has no choices
    choice = choices[0] if isinstance(choices[0], dict) else {}
    content = (choice.get("delta") or {}).get("content") or ""
    return content, choice.get("finish_reason")


def error_message(payload: Any, fallback: str = "") -> str:
    """The upstream's own words: OpenAI's ``{"error": {"message"}}`` and the variants."""
    error = payload.get("error", payload) if isinstance(payload, dict) else payload
    if isinstance(error, dict):
        error = error.get("message") or error.get("detail") or error
    return shorten(str(error), 300) or fallback


def error_body_message(body: bytes, reason: str) -> str:
    """:func:`error_message` of an HTTP error body, JSON or not."""
    try:
        return error_message(orjson.loads(body), reason)
    except orjson.JSONDecodeError:
        return shorten(body.decode("utf-8", "replace"), 300) or reason


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
