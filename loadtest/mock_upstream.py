"""A fast local OpenAI-compatible upstream for benchmarks: ``python -m loadtest.mock_upstream``.

``POST /v1/chat/completions`` with ``stream: true`` answers with ``--chunks``
``chat.completion.chunk`` events ``--interval-ms`` apart, then one with
``finish_reason: "stop"`` and ``data: [DONE]``. Each chunk's content is its emit
time (``"@<unix ms> "``), so whoever reads it (directly, through Relay, through
LiteLLM) measures delivery against the upstream's own clock. ``GET /v1/models``
lists the one model. Non-streaming requests get the whole answer as one message.

It must not be what limits a benchmark of 1,000 streams on two cores: plain asyncio
protocols, keep-alive, and one ticker that writes the next chunk of every open stream
each interval (one wake-up per interval, not one per stream). The first chunk goes
out at once, so time to first token is the path's own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import time

import orjson

MODEL = "mock-upstream"


def content_of(emitted_ms: float) -> str:
    """A chunk's text: its emit time."""
    return f"@{emitted_ms:.3f} "


def emit_time_of(text: str) -> float | None:
    """The emit time a chunk's text carries (None when it carries none)."""
    if not text.startswith("@"):
        return None
    try:
        return float(text[1:].strip())
    except ValueError:
        return None


def _event(payload: dict[str, object]) -> bytes:
    data = b"data: " + orjson.dumps(payload) + b"\n\n"
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _chunk(text: str | None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text is not None else {}
    return _event(
        {
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    )


_DONE = b"data: [DONE]\n\n"
_DONE_CHUNKED = f"{len(_DONE):x}\r\n".encode() + _DONE + b"\r\n0\r\n\r\n"
_STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
    b"transfer-encoding: chunked\r\n\r\n"
)


class _Stream:
    __slots__ = ("left", "protocol")

    def __init__(self, protocol: _Connection, left: int) -> None:
        self.protocol = protocol
        self.left = left


class MockUpstream:
    """The server's state: open streams, advanced by one ticker."""

    def __init__(self, chunks: int, interval_s: float) -> None:
        self.chunks = chunks
        self.interval_s = interval_s
        self.streams: list[_Stream] = []
        self.served = 0

    def start_stream(self, protocol: _Connection) -> None:
        transport = protocol.transport
        assert transport is not None
        transport.write(_STREAM_HEAD + _chunk(content_of(time.time() * 1000)))
        self.streams.append(_Stream(protocol, self.chunks - 1))
        self.served += 1

    async def tick(self) -> None:
        """Every interval, write the next chunk of every open stream."""
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            next_at += self.interval_s
            await asyncio.sleep(max(next_at - loop.time(), 0))
            if not self.streams:
                next_at = loop.time()
                continue
            text = content_of(time.time() * 1000)
            frame = _chunk(text)
            still: list[_Stream] = []
            for stream in self.streams:
                transport = stream.protocol.transport
                if transport is None or transport.is_closing():
                    continue
                if stream.left > 0:
                    stream.left -= 1
                    transport.write(frame)
                    still.append(stream)
                else:
                    transport.write(_chunk(None, "stop") + _DONE_CHUNKED)
                    stream.protocol.response_done()
            self.streams = still


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection (requests handled one at a time)."""

    def __init__(self, server: MockUpstream) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._next_request()

    def response_done(self) -> None:
        self.busy = False
        self._next_request()

    def _next_request(self) -> None:
        if self.busy or self.transport is None:
            return
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = self.buffer[:head_end].decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        body_end = head_end + 4 + length
        if len(self.buffer) < body_end:
            return
        body, self.buffer = self.buffer[head_end + 4 : body_end], self.buffer[body_end:]
        method, path, _ = head.split(" ", 2)
        self.busy = True
        self._answer(method, path.split("?", 1)[0], body)

    def _answer(self, method: str, path: str, body: bytes) -> None:
        if method == "POST" and path.endswith("/chat/completions"):
            try:
                request = orjson.loads(body)
            except orjson.JSONDecodeError:
                self._json(400, {"error": {"message": "the body is not JSON"}})
                return
            if request.get("stream"):
                self.server.start_stream(self)
                return
            text = "".join(content_of(time.time() * 1000) for _ in range(self.server.chunks))
            message = {"role": "assistant", "content": text}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            self._json(200, {"id": "chatcmpl-mock", "model": MODEL, "choices": [choice]})
        elif path.endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})
        else:
            self._json(404, {"error": {"message": f"no route {path}"}})

    def _json(self, status: int, payload: dict[str, object]) -> None:
        assert self.transport is not None
        data = orjson.dumps(payload)
        head = f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n"
        head += f"content-length: {len(data)}\r\n\r\n"
        self.transport.write(head.encode() + data)
        self.busy = False
        asyncio.get_running_loop().call_soon(self._next_request)


async def serve(host: str, port: int, chunks: int, interval_ms: float) -> None:
    """Serve until SIGINT/SIGTERM."""
    upstream = MockUpstream(chunks, interval_ms / 1000)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Connection(upstream), host, port, backlog=4096)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    ticker = asyncio.create_task(upstream.tick())
    print(f"mock upstream on http://{host}:{port}/v1", flush=True)
    async with server:
        await stop.wait()
    ticker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ticker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m loadtest.mock_upstream", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--chunks", type=int, default=20, help="content chunks per answer")
    parser.add_argument("--interval-ms", type=float, default=20.0, help="time between chunks")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.chunks, args.interval_ms))


if __name__ == "__main__":
    main()
