"""The one Server-Sent Events parser of the repository, per the WHATWG specification.

Used by the OpenAI-compatible backend (upstream streams), the load generators and the
tests' SSE client. Incremental and I/O-free: :meth:`SSEDecoder.feed` takes bytes as
they arrive and returns the events they completed.

What the specification says and naive parsers get wrong:

- A line ends only at CR, LF or CRLF — never at U+2028, U+2029, U+0085 or the other
  characters ``str.splitlines`` also splits on. Splitting happens on bytes, before
  decoding, so those characters stay inside a ``data`` value. (UTF-8 never uses the
  bytes 0x0A and 0x0D inside a multi-byte character, so splitting bytes is exact.)
- A CRLF may arrive split across two reads; the LF then does not start a blank line.
- ``data`` lines of one event are joined with LF; one space after the colon is
  dropped; a line without a colon is a field with an empty value; an ``id`` containing
  NUL is ignored; ``retry`` counts only when it is all digits.
- An event is dispatched at a blank line, and only if it has data. Whatever is pending
  when the stream ends is discarded (an event is complete only with its blank line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

_BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event: its type (``message`` by default), data and last event id."""

    type: str
    data: str
    #: The stream's last event id when this event was dispatched ("" when none was set).
    last_event_id: str = ""

    @property
    def id(self) -> int | None:
        """The last event id as a number, for Relay's numbered events (None otherwise)."""
        return int(self.last_event_id) if self.last_event_id.isdigit() else None

    def json(self) -> Any:
        """The data decoded as JSON."""
        return orjson.loads(self.data)


class SSEDecoder:
    """Incremental ``text/event-stream`` parser: bytes in, completed events out.

    ``comments`` counts comment lines (``: ping`` heartbeats; with ``keep_comments``
    their text is kept for :meth:`take_comments`), ``retry_ms`` holds the last valid
    ``retry`` field, ``last_event_id`` the stream's current event id.
    """

    __slots__ = (
        "_after_cr",
        "_comment_texts",
        "_data",
        "_event_type",
        "_has_data",
        "_partial",
        "_started",
        "comments",
        "last_event_id",
        "retry_ms",
    )

    def __init__(self, keep_comments: bool = False) -> None:
        self._comment_texts: list[str] | None = [] if keep_comments else None
        self._partial = b""  # an unfinished line
        self._after_cr = False  # the last read ended with CR: a leading LF is its CRLF
        self._started = False  # the BOM check happens once, at the very start
        self._data: list[str] = []
        self._has_data = False
        self._event_type = ""
        self.comments = 0
        self.retry_ms: int | None = None
        self.last_event_id = ""

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume ``chunk``; return the events it completed, in order."""
        if not chunk:
            return []
        if self._after_cr:
            self._after_cr = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        buffer = self._partial + chunk if self._partial else chunk
        if not self._started:
            if len(buffer) < len(_BOM) and _BOM.startswith(buffer):
                self._partial = buffer
                return []
            self._started = True
            buffer = buffer.removeprefix(_BOM)
        if b"\r" in buffer:
            self._after_cr = buffer.endswith(b"\r")
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buffer.split(b"\n")
        self._partial = lines.pop()
        events: list[ServerSentEvent] = []
        for line in lines:
            if not line:
                event = self._dispatch()
                if event is not None:
                    events.append(event)
            else:
                self._field(line)
        return events

    def take_comments(self) -> list[str]:
        """The comments seen since the last call (``keep_comments`` only), oldest first."""
        texts = self._comment_texts or []
        if self._comment_texts:
            self._comment_texts = []
        return texts

    def _field(self, line: bytes) -> None:
        if line[0] == 0x3A:  # ":" starts a comment
            self.comments += 1
            if self._comment_texts is not None:
                self._comment_texts.append(line[1:].decode("utf-8", "replace").strip())
            return
        name, colon, value = line.partition(b":")
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value.decode("utf-8", "replace"))
            self._has_data = True
        elif name == b"event":
            self._event_type = value.decode("utf-8", "replace")
        elif name == b"id":
            if b"\0" not in value:
                self.last_event_id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():
            self.retry_ms = int(value)
        # Any other field is ignored, as the specification says.

    def _dispatch(self) -> ServerSentEvent | None:
        event_type, self._event_type = self._event_type, ""
        if not self._has_data:
            return None
        data = self._data[0] if len(self._data) == 1 else "\n".join(self._data)
        self._data = []
        self._has_data = False
        return ServerSentEvent(event_type or "message", data, self.last_event_id)
