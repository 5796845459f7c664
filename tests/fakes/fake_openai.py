#!/usr/bin/env python3
"""A real local HTTP server that streams like an OpenAI-compatible chat API.

Run it as a process (``fake_openai.py --port 0``; it prints ``listening on PORT``) so
clients talk to it over real TCP. ``POST /v1/chat/completions`` with ``stream: true``
answers with ``chat.completion.chunk`` SSE events over HTTP/1.1 keep-alive (chunked
transfer encoding), one word per chunk, then ``data: [DONE]``. The answer is
``You said: <last user message>``.

The model name (or an ``x-fake-*`` header) chooses a behaviour:

``error-401`` / ``error-500``   an HTTP error with an OpenAI-style JSON error body
``drop``                        three chunks, then the connection is cut (no end chunk)
``slow-<ms>``                   the first token only after that many milliseconds

and what real servers do that cannot be made to happen on demand:

``no-finish``       ``[DONE]`` without any finish reason (llama.cpp's server interrupting
                    a request when another arrives; a proxy giving up)
``length``          ``finish_reason: "length"`` (the token limit or context was reached)
``empty``           no content at all, then ``stop`` (an overflow seen behind LiteLLM)
``raw-utf8``        JSON written as raw UTF-8, not ``\\u`` escapes (LiteLLM): a U+2028 in
                    the answer is raw inside the ``data:`` line
``late-<ms>``       the response headers only after that many milliseconds (LiteLLM
                    sends them with the first token)
``reset``           the request is read, then the connection is reset (RST), no headers
``close``           the request is read, then the connection is closed, no headers
``busy-<status>-<n>[-<s>]``  the first ``n`` such requests get ``<status>`` (429/503)
                    with ``Retry-After: <s>`` (default 1), the later ones an answer

Control endpoints (their connections are not counted): ``GET /_fake/stats`` returns
``{"connections": N, "requests": N, "last_request": {...}}`` where ``last_request``
holds the JSON body and the headers of the last chat request; ``POST /_fake/reset``
zeroes the counters.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import struct
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Stats:
    """What tests inspect: chat connections accepted, requests, the last request."""

    connections: int = 0
    requests: int = 0
    last_request: dict[str, Any] = field(default_factory=dict)
    #: Requests answered "busy", per behaviour string.
    busy: dict[str, int] = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakeOpenAI:
    """The server: one asyncio stream handler per TCP connection."""

    def __init__(self, token_delay_s: float) -> None:
        self.token_delay_s = token_delay_s
        self.stats = Stats()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counted = False
        try:
            while True:
                request = await read_request(reader)
                if request is None:
                    break
                if request.path.startswith("/v1/") and not counted:
                    counted = True
                    self.stats.connections += 1
                keep_alive = await self.respond(request, writer)
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def respond(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection must end afterwards."""
        if request.path == "/_fake/stats":
            await send_json(writer, 200, asdict_stats(self.stats))
            return False
        if request.path == "/_fake/reset":
            self.stats = Stats()
            await send_json(writer, 200, {"ok": True})
            return False
        if request.method == "GET" and request.path == "/v1/models":
            await send_json(writer, 200, {"object": "list", "data": [{"id": "fake-model"}]})
            return True
        if request.method != "POST" or request.path != "/v1/chat/completions":
            await send_json(writer, 404, error_body("Not found", "invalid_request_error"))
            return True
        return await self.chat(request, writer)

    async def chat(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        body = json.loads(request.body or b"{}")
        self.stats.requests += 1
        self.stats.last_request = {"body": body, "headers": request.headers}
        behaviour = body.get("model", "") + " " + request.headers.get("x-fake-behaviour", "")
        if re.search(r"\b(reset|close)\b", behaviour):
            await asyncio.sleep(0.05)  # the request has surely been read by now
            if "reset" in behaviour:
                # SO_LINGER 0: close() sends RST instead of FIN.
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
            else:
                writer.close()
            return False
        busy = re.search(r"busy-(\d{3})-(\d+)(?:-([\d.]+))?", behaviour)
        if busy and self.stats.busy.get(busy.group(0), 0) < int(busy.group(2)):
            self.stats.busy[busy.group(0)] = self.stats.busy.get(busy.group(0), 0) + 1
            headers = {"Retry-After": busy.group(3) or "1"}
            await send_json(
                writer, int(busy.group(1)), error_body("Rate limit reached", "busy"), headers
            )
            return True
        late = re.search(r"late-(\d+)", behaviour)
        if late:
            await asyncio.sleep(int(late.group(1)) / 1000)
        status = re.search(r"error-(\d{3})", behaviour)
        if status:
            code = int(status.group(1))
            message = "Incorrect API key provided" if code == 401 else "The server had an error"
            await send_json(writer, code, error_body(message, "fake_error"))
            return True
        slow = re.search(r"slow-(\d+)", behaviour)
        first_delay_s = int(slow.group(1)) / 1000 if slow else 0.0
        drop = "drop" in behaviour
        last_user = next(
            (
                m.get("content", "")
                for m in reversed(body.get("messages", []))
                if m.get("role") == "user"
            ),
            "",
        )
        words = re.findall(r"\S+\s*", f"You said: {last_user}")
        if "empty" in behaviour:
            words = []
        finish_reason: str | None = "stop"
        if "no-finish" in behaviour:
            finish_reason = None
        elif re.search(r"\blength\b", behaviour):
            finish_reason = "length"
        await self.stream(
            writer,
            body.get("model", "fake"),
            words,
            first_delay_s,
            drop,
            finish_reason,
            raw_utf8="raw-utf8" in behaviour,
        )
        return not drop

    async def stream(
        self,
        writer: asyncio.StreamWriter,
        model: str,
        words: list[str],
        first_delay_s: float,
        drop: bool,
        finish_reason: str | None = "stop",
        raw_utf8: bool = False,
    ) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        await writer.drain()
        completion_id = "chatcmpl-" + uuid.uuid4().hex[:20]
        await asyncio.sleep(first_delay_s)
        await send_chunk(
            writer, sse(chunk(completion_id, model, {"role": "assistant", "content": ""}))
        )
        for index, word in enumerate(words):
            if drop and index == 3:
                writer.transport.abort()  # cut mid-stream: no terminating chunk
                return
            await asyncio.sleep(self.token_delay_s)
            delta = chunk(completion_id, model, {"content": word})
            await send_chunk(writer, sse(delta, raw_utf8))
        if finish_reason is not None:
            await send_chunk(writer, sse(chunk(completion_id, model, {}, finish_reason)))
        await send_chunk(writer, b"data: [DONE]\n\n")
        writer.write(b"0\r\n\r\n")
        await writer.drain()


def asdict_stats(stats: Stats) -> dict[str, Any]:
    return {
        "connections": stats.connections,
        "requests": stats.requests,
        "last_request": stats.last_request,
        "busy": stats.busy,
    }


def chunk(
    completion_id: str, model: str, delta: dict[str, Any], finish_reason: str | None = None
) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def sse(payload: dict[str, Any], raw_utf8: bool = False) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=not raw_utf8).encode() + b"\n\n"


def error_body(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


async def send_chunk(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(b"%x\r\n%s\r\n" % (len(data), data))
    await writer.drain()


async def send_json(
    writer: asyncio.StreamWriter,
    status: int,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    body = json.dumps(payload).encode()
    reason = {
        200: "OK",
        401: "Unauthorized",
        404: "Not Found",
        429: "Too Many Requests",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    writer.write(
        b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s"
        % (status, reason.get(status, "Error").encode(), len(body), extra.encode(), body)
    )
    await writer.drain()


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """Parse one HTTP/1.1 request; None when the client closed the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, path, _version = request_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return Request(method, path.split("?", 1)[0], headers, body)


async def serve(port: int, token_delay_s: float) -> None:
    app = FakeOpenAI(token_delay_s)
    server = await asyncio.start_server(app.handle, "127.0.0.1", port)
    bound = server.sockets[0].getsockname()[1]
    print(f"listening on {bound}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token-delay-ms", type=float, default=5.0)
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.port, args.token_delay_ms / 1000))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
