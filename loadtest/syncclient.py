"""A blocking keep-alive HTTP/1.1 client for Locust users (gevent makes it cooperative).

Locust monkey-patches ``socket`` before the locustfile is imported, so these blocking
calls yield to other users. The parsing is the same code the asyncio benchmark uses.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import orjson

from loadtest.aioclient import HttpError, split_url
from loadtest.measure import ChatTrace, now_ms
from loadtest.protocol import ResponseParser, SSEEvent, SSEParser, build_request, json_body

READ_SIZE = 65536
SSE_HEADERS = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}


class SyncConnection:
    """One keep-alive connection, one request at a time."""

    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self.host, self.port = split_url(base_url)
        self.authority = f"{self.host}:{self.port}"
        self.timeout_s = timeout_s
        self._sock: socket.socket | None = None

    def close(self) -> None:
        """Close the socket (idempotent)."""
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def _send(self, payload: bytes) -> socket.socket:
        """Write a request; a stale keep-alive socket is replaced once."""
        for attempt in (1, 2):
            reused = self._sock is not None
            if self._sock is None:
                self._sock = socket.create_connection((self.host, self.port), self.timeout_s)
                self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self._sock.sendall(payload)
                return self._sock
            except OSError:
                self.close()
                if not reused or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _responses(self, payload: bytes, what: str) -> Iterator[tuple[ResponseParser, bytes]]:
        """Send, then yield (parser, body bytes) per read until the response is complete."""
        try:
            sock = self._send(payload)
            parser = ResponseParser()
            while not parser.complete:
                data = sock.recv(READ_SIZE)
                if not data:
                    parser.close()
                    if parser.complete:
                        break
                    raise HttpError(f"{what}: connection closed mid-response")
                yield parser, parser.feed(data)
        except OSError as exc:
            self.close()
            raise HttpError(f"{what}: {type(exc).__name__}: {exc}") from exc
        except BaseException:
            self.close()  # abandoned mid-response: the socket is not reusable
            raise
        if parser.headers.get("connection", "").lower() == "close":
            self.close()

    def post_json(self, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST JSON; (status, decoded body or {})."""
        body = bytearray()
        status = 0
        request = build_request("POST", path, self.authority, json_body(payload))
        for parser, piece in self._responses(request, f"POST {path}"):
            status = parser.status
            body += piece
        try:
            return status, orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            return status, {"raw": bytes(body[:200]).decode(errors="replace")}

    def events(self, path: str) -> Iterator[tuple[list[SSEEvent], float, float]]:
        """GET an event stream; yields (events, wall ms, perf seconds) per read."""
        request = build_request("GET", path, self.authority, headers=SSE_HEADERS)
        sse = SSEParser()
        for parser, piece in self._responses(request, f"GET {path}"):
            if parser.headers_done and parser.status != 200:
                raise HttpError(f"GET {path}: status {parser.status}")
            if piece:
                events = sse.feed(piece)
                if events:
                    yield events, now_ms(), time.perf_counter()


def run_chat(
    conn: SyncConnection, project: str, message: str, *, use_cache: bool, model: str = ""
) -> ChatTrace:
    """Submit ``message`` and read its stream to the end; never raises for HTTP trouble.

    With the default (echo) model the answer must be the message; with another
    ``model`` (e.g. ``openai`` on the mock upstream) any complete answer will do.
    """
    trace = ChatTrace(started_perf=time.perf_counter())
    try:
        body: dict[str, object] = {"message": message, "project": project, "cache": use_cache}
        if model:
            body["model"] = model
        status, reply = conn.post_json("/api/chat/start", body)
        trace.submit_ms = (time.perf_counter() - trace.started_perf) * 1000
        if status != 202 or "stream_url" not in reply:
            return trace.fail(f"submit status {status}: {str(reply)[:200]}")
        trace.stream_requested_ms = now_ms()
        ended = False
        for events, received_ms, received_perf in conn.events(reply["stream_url"]):
            if not ended:
                ended = trace.observe(events, received_ms, received_perf)
        if not ended:
            return trace.fail("stream ended without a terminal event")
    except HttpError as exc:
        return trace.fail(str(exc))
    if trace.ok and not model and trace.result != message:
        trace.fail("the answer differs from the echoed message")
    return trace
