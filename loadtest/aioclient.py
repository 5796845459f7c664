"""A minimal keep-alive HTTP/1.1 client on asyncio streams, for thousands of SSE streams.

httpx would do, but costs several times more CPU per event and memory per connection,
and the benchmark shares two cores with the stack it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import urlsplit

import orjson

from loadtest.protocol import ResponseParser, SSEEvent, SSEParser, build_request, json_body

READ_SIZE = 65536
SSE_HEADERS = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}


class HttpError(Exception):
    """A request failed: connection trouble or an unexpected status."""


def split_url(url: str) -> tuple[str, int]:
    """(host, port) of an ``http://`` base URL; only loopback is allowed."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the benchmark only targets http://127.0.0.1 (got {url!r})")
    return parts.hostname, parts.port or 80


class HttpConnection:
    """One keep-alive connection, used for one request at a time."""

    def __init__(
        self, base_url: str, timeout_s: float = 30.0, source_host: str | None = None
    ) -> None:
        self.host, self.port = split_url(base_url)
        self.authority = f"{self.host}:{self.port}"
        self.timeout_s = timeout_s
        #: The loopback address to connect from (127.0.0.0/8 is all loopback): simulated
        #: users from distinct addresses, as nginx's per-address limits expect.
        self.source_host = source_host
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.opened = 0  # connections made (reconnects included)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._writer is None or self._reader is None or self._writer.is_closing():
            local_addr = (self.source_host, 0) if self.source_host else None
            self._reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(
                    self.host, self.port, limit=READ_SIZE, local_addr=local_addr
                ),
                self.timeout_s,
            )
            self.opened += 1
        return self._reader, self._writer

    async def close(self) -> None:
        """Close the socket (idempotent)."""
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _send(self, payload: bytes) -> asyncio.StreamReader:
        """Write a request; on a stale keep-alive connection, reconnect once."""
        for attempt in (1, 2):
            reused = self._writer is not None
            reader, writer = await self._connect()
            try:
                writer.write(payload)
                await writer.drain()
                return reader
            except (ConnectionError, OSError):
                await self.close()
                if not reused or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """Send a request and read the whole response: (status, body)."""
        payload = build_request(method, path, self.authority, body, headers)
        try:
            async with asyncio.timeout(self.timeout_s):
                reader = await self._send(payload)
                parser = ResponseParser()
                out = bytearray()
                while not parser.complete:
                    data = await reader.read(READ_SIZE)
                    if not data:
                        parser.close()
                        if not parser.complete:
                            raise HttpError(f"{method} {path}: connection closed mid-response")
                        break
                    out += parser.feed(data)
        except (ConnectionError, OSError, TimeoutError) as exc:
            await self.close()
            raise HttpError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if parser.headers.get("connection", "").lower() == "close":
            await self.close()
        return parser.status, bytes(out)

    async def post_json(self, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST JSON; (status, decoded body or {})."""
        status, body = await self.request("POST", path, json_body(payload))
        try:
            decoded = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            decoded = {"raw": body[:200].decode(errors="replace")}
        return status, decoded

    async def events(
        self,
        path: str,
        idle_timeout_s: float | None = None,
        *,
        method: str = "GET",
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> AsyncGenerator[tuple[list[SSEEvent], float, float], None]:
        """Request an event stream; yields (events, wall ms, perf seconds) per read.

        GET by default; ``method="POST"`` with a JSON ``body`` for streaming APIs such
        as ``/v1/chat/completions``. Ends when the server ends the response. Raises
        :class:`HttpError` on a non-200 status, a dropped connection, or no bytes for
        ``idle_timeout_s``.
        """
        payload = build_request(
            method, path, self.authority, body, headers={**SSE_HEADERS, **(headers or {})}
        )
        idle = idle_timeout_s or self.timeout_s
        try:
            reader = await self._send(payload)
            parser = ResponseParser()
            sse = SSEParser()
            while not parser.complete:
                data = await asyncio.wait_for(reader.read(READ_SIZE), idle)
                received_perf = time.perf_counter()
                received_ms = time.time() * 1000
                if not data:
                    raise HttpError(f"GET {path}: connection closed mid-stream")
                body = parser.feed(data)
                if parser.headers_done and parser.status != 200:
                    raise HttpError(f"GET {path}: status {parser.status}")
                if body:
                    events = sse.feed(body)
                    if events:
                        yield events, received_ms, received_perf
        except (ConnectionError, OSError, TimeoutError) as exc:
            await self.close()
            raise HttpError(f"GET {path}: {type(exc).__name__}: {exc}") from exc
        except BaseException:
            await self.close()  # abandoned mid-stream (cancelled, error): not reusable
            raise
