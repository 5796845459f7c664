"""A fast OpenAI-compatible mock upstream for benchmarks: every stream on one ticker.

``python -m loadtest.mock_upstream --port 0 --chunks 20 --interval-ms 20`` prints
``listening on PORT``. ``POST /v1/chat/completions`` answers a streaming completion
(HTTP/1.1 keep-alive, chunked): ``--chunks`` content deltas, one every
``--interval-ms``, then a ``stop`` chunk and ``data: [DONE]``. Each delta's text is the
unix time in milliseconds at which it was written, so a client measures delivery
(time received minus time written) without clock games: one machine, one clock.

All open streams advance on one ticker instead of a sleeping task each, so the mock
costs little per chunk and leaves the CPU to what is being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time

import orjson

_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
    b"Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"
)
_CHUNK_PREFIX = b'data: {"id":"chatcmpl-mock","object":"chat.completion.chunk","model":"mock",'


def _frame(payload: bytes) -> bytes:
    """``payload`` as one HTTP chunk."""
    return b"%x\r\n%s\r\n" % (len(payload), payload)


def _delta(text: str) -> bytes:
    choices = orjson.dumps([{"index": 0, "delta": {"content": text}, "finish_reason": None}])
    return _frame(_CHUNK_PREFIX + b'"choices":' + choices + b"}\n\n")


_END = (
    _frame(_CHUNK_PREFIX + b'"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n')
    + _frame(b"data: [DONE]\n\n")
    + b"0\r\n\r\n"
)


class _Stream:
    """One response being written: chunks still to send, and who waits for its end."""

    __slots__ = ("done", "remaining", "writer")

    def __init__(self, writer: asyncio.StreamWriter, chunks: int) -> None:
        self.writer = writer
        self.remaining = chunks
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finish(self) -> None:
        if not self.done.done():
            self.done.set_result(None)


class MockUpstream:
    """Accepts chat requests and advances every open stream once per tick."""

    def __init__(self, chunks: int, interval_s: float) -> None:
        self.chunks = chunks
        self.interval_s = interval_s
        self.streams: list[_Stream] = []
        self.requests = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                self.requests += 1
                writer.write(_HEAD)
                stream = _Stream(writer, self.chunks)
                self.streams.append(stream)
                await stream.done  # the ticker writes the body; keep-alive afterwards
        writer.close()

    async def tick(self) -> None:
        """Write the next chunk of every stream, every ``interval_s``."""
        next_at = time.monotonic()
        while True:
            next_at += self.interval_s
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            if not self.streams:
                continue
            frame = _delta(f"{time.time() * 1000:.3f} ")
            still_open: list[_Stream] = []
            for stream in self.streams:
                if stream.writer.is_closing():
                    stream.finish()
                    continue
                stream.remaining -= 1
                if stream.remaining > 0:
                    stream.writer.write(frame)
                    still_open.append(stream)
                else:
                    stream.writer.write(frame + _END)
                    stream.finish()
            self.streams = still_open


async def serve(port: int, chunks: int, interval_s: float) -> None:
    mock = MockUpstream(chunks, interval_s)
    server = await asyncio.start_server(mock.handle, "127.0.0.1", port, backlog=4096)
    print(f"listening on {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await asyncio.gather(server.serve_forever(), mock.tick())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--interval-ms", type=float, default=20.0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.chunks, args.interval_ms / 1000))


if __name__ == "__main__":
    main()
