"""HTTP/1.1 and Server-Sent Events parsing without I/O, shared by Locust and the benchmark.

The load generators share the machine's two cores with the stack, so the client
must cost little per event: no HTTP library, just bytes in and parsed events out.
Locust drives these parsers over gevent sockets, the benchmark over asyncio streams.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import orjson

from relay.sse import ServerSentEvent, SSEDecoder

CRLF = b"\r\n"


def build_request(
    method: str,
    path: str,
    host: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> bytes:
    """The bytes of one keep-alive HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    token = os.environ.get("RELAY_API_TOKEN")
    if token:  # a stack started with a token wants it on every /api/ request
        lines.append(f"Authorization: Bearer {token}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
        lines.append("Content-Type: application/json")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_body(payload: dict[str, Any]) -> bytes:
    """A request body as compact JSON."""
    return orjson.dumps(payload)


class ProtocolError(Exception):
    """The server sent something this parser does not understand."""


@dataclass
class ResponseParser:
    """Incremental response parser: ``feed`` bytes, get body bytes back as they arrive.

    Understands ``Content-Length`` and ``Transfer-Encoding: chunked`` bodies (nginx and
    Granian both send event streams chunked). ``complete`` turns true at the body's end;
    bytes after it stay in ``leftover`` (there are none with one request at a time).
    """

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    headers_done: bool = False
    complete: bool = False
    leftover: bytes = b""
    _buffer: bytearray = field(default_factory=bytearray)
    _chunked: bool = False
    _remaining: int = 0  # bytes left in the body (Content-Length) or the current chunk
    _until_close: bool = False
    _in_trailer: bool = False

    def feed(self, data: bytes) -> bytes:
        """Consume ``data``; return the body bytes it completed (may be empty)."""
        self._buffer += data
        if not self.headers_done and not self._parse_headers():
            return b""
        if self._until_close:
            body = bytes(self._buffer)
            self._buffer.clear()
            return body
        if not self._chunked:
            return self._take_fixed()
        return self._take_chunks()

    def close(self) -> None:
        """The server closed the connection: a read-until-close body is now complete."""
        if self._until_close:
            self.complete = True

    def _parse_headers(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
        del self._buffer[: end + 4]
        try:
            self.status = int(head[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            raise ProtocolError(f"bad status line {head[0]!r}") from None
        for line in head[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.headers_done = True
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            self._chunked = True
        elif "content-length" in self.headers:
            self._remaining = int(self.headers["content-length"])
            self.complete = self._remaining == 0
        elif self.status in (204, 304) or 100 <= self.status < 200:
            self.complete = True
        else:
            self._until_close = True
        return True

    def _take_fixed(self) -> bytes:
        body = bytes(self._buffer[: self._remaining])
        del self._buffer[: len(body)]
        self._remaining -= len(body)
        if self._remaining == 0:
            self.complete = True
            self.leftover = bytes(self._buffer)
            self._buffer.clear()
        return body

    def _take_chunks(self) -> bytes:
        out = bytearray()
        buffer = self._buffer
        while buffer and not self.complete:
            if self._remaining:
                piece = buffer[: self._remaining]
                out += piece
                del buffer[: len(piece)]
                self._remaining -= len(piece)
                continue
            line_end = buffer.find(CRLF)
            if line_end < 0:
                break
            line = bytes(buffer[:line_end])
            del buffer[: line_end + 2]
            if self._in_trailer:
                if not line:  # the blank line after the last chunk (and any trailers)
                    self.complete = True
                    self.leftover = bytes(buffer)
                    buffer.clear()
                continue
            if not line:
                continue  # the CRLF that ends a chunk's data
            try:
                size = int(line.split(b";", 1)[0], 16)
            except ValueError:
                raise ProtocolError(f"bad chunk size line {line!r}") from None
            if size == 0:
                self._in_trailer = True
            self._remaining = size
        return bytes(out)


# The repository's one SSE parser (specification-exact line endings), under the names
# the load tools use: ``SSEParser().feed(bytes) -> [SSEEvent]``, ``.comments`` counted.
SSEEvent = ServerSentEvent
SSEParser = SSEDecoder
