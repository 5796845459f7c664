"""The design's path with none of Relay's own work in it: a floor under Relay's figures.

``make bench-peers`` runs two bare stacks beside Relay, built from the parts DESIGN.md
names and configured as Relay's launcher configures them (Relay's nginx configuration,
Granian with the launcher's flags, uvloop, Redis with its AOF), each hop doing the
least it can:

- ``floor app``: nginx → Granian → a Falcon app. The submit answers at once; the
  stream calls the upstream itself (aiohttp, one pooled session) and forwards each
  delta as an SSE ``chunk``. No Redis and no watcher: a strict subset of any path
  the design allows, so its CPU per chunk is a lower bound for Relay's.
- ``floor echo``: as ``floor app``, but the app writes 20 words 20 ms apart itself, as
  Relay's ``echo`` model does in the watcher: the floor under the echo path.
- ``floor redis``: the design's process layout, bare. The submit ``XADD``s the job to
  a Redis stream; a bare watcher (``XREAD``, aiohttp to the upstream) ``PUBLISH``es
  each delta; the app, subscribed to every job channel once (``PSUBSCRIBE``) and
  holding the chat's queue before its job is queued, forwards them.

Neither keeps anything Relay promises: no event log or resync (a chat whose stream
reconnects loses its chunks), no validation, limits, metrics, traces, history,
project turns, cancellation or failover. What they cost is what the design's parts
cost on this machine before any of that.

``python -m loadtest.floor watcher`` is the bare watcher; ``create_app`` the app
(``FLOOR_UPSTREAM``: the upstream's base URL, or ``echo``; ``FLOOR_REDIS_URL``: the
Redis path, unset for the app-only ones).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import falcon
import falcon.asgi
import orjson
import redis.asyncio as aioredis

from launcher.preflight import free_ports
from launcher.stack import (
    app_command,
    nginx_command,
    prepare_nginx,
    prepare_redis,
    raise_open_files_limit,
    redis_command,
)
from loadtest.stack import logged_process
from relay.event_loop import run
from relay.settings import Settings

#: The Redis stream jobs are queued on, and the prefix of each job's event channel.
JOBS_STREAM = "floor:jobs"
CHANNEL_PREFIX = "floor:ev:"
#: The terminal frame: the client reads to it, then the server ends the stream.
DONE_FRAME = b'event: done\ndata: {"status":"complete"}\n\n'
#: The echo floor's answer: Relay's echo model's, for the bench's 20-word message.
ECHO_WORDS = 20
ECHO_INTERVAL_S = 0.02
_REQUEST_BODY = orjson.dumps(
    {"model": "mock", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
)


def chunk_frame(data: dict[str, Any]) -> bytes:
    """A ``chunk`` event as Relay's (``text``, and ``ts`` for echo): what the bench reads."""
    return b"event: chunk\ndata: " + orjson.dumps(data) + b"\n\n"


async def upstream_deltas(session: aiohttp.ClientSession, base_url: str) -> AsyncIterator[str]:
    """The text deltas of one streaming completion, as the upstream sends them."""
    async with session.post(f"{base_url}/chat/completions", data=_REQUEST_BODY) as response:
        async for line in response.content:
            if not line.startswith(b"data: {"):
                continue  # blank separators and "data: [DONE]"
            choices = orjson.loads(line[6:]).get("choices") or [{}]
            text = choices[0].get("delta", {}).get("content")
            if text:
                yield text


def _redis(url: str) -> aioredis.Redis:
    """redis-py as its docs suggest for many concurrent callers: a blocking pool."""
    pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=100, timeout=None)
    return aioredis.Redis(connection_pool=pool)


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), auto_decompress=False)


class _AppOnly:
    """``floor app``: the stream itself reads the upstream."""

    def __init__(self, upstream: str) -> None:
        self._upstream = upstream
        self._session: aiohttp.ClientSession | None = None

    async def submit(self, job_id: str, body: bytes) -> None:
        """Nothing to queue: the stream starts the work."""

    async def frames(self, job_id: str) -> AsyncIterator[bytes]:
        if self._session is None:
            self._session = _session()
        async for text in upstream_deltas(self._session, self._upstream):
            yield chunk_frame({"text": text})
        yield DONE_FRAME


class _Echo:
    """``floor echo``: the stream writes the words itself, each with its emit time."""

    async def submit(self, job_id: str, body: bytes) -> None:
        """Nothing to queue: the stream is the work."""

    async def frames(self, job_id: str) -> AsyncIterator[bytes]:
        for index in range(ECHO_WORDS):
            if index:
                await asyncio.sleep(ECHO_INTERVAL_S)
            yield chunk_frame({"text": f"w{index} ", "ts": time.time() * 1000})  # ts in ms
        yield DONE_FRAME


class _ThroughRedis:
    """``floor redis``: jobs on a Redis stream, events back on pub/sub."""

    def __init__(self, redis_url: str) -> None:
        self._redis = _redis(redis_url)
        self._queues: dict[bytes, asyncio.Queue[bytes]] = {}
        self._listener: asyncio.Task[None] | None = None

    async def _listen(self, subscribed: asyncio.Future[None]) -> None:
        pubsub = self._redis.pubsub()
        await pubsub.psubscribe(CHANNEL_PREFIX + "*")
        subscribed.set_result(None)
        async for message in pubsub.listen():
            queue = self._queues.get(message["channel"])
            if queue is not None and message["type"] == "pmessage":
                queue.put_nowait(message["data"])

    async def submit(self, job_id: str, body: bytes) -> None:
        if self._listener is None:
            subscribed = asyncio.get_running_loop().create_future()
            self._listener = asyncio.create_task(self._listen(subscribed))
            await subscribed
        # The chat's queue exists before its job does: no event can come first.
        self._queues[(CHANNEL_PREFIX + job_id).encode()] = asyncio.Queue()
        await self._redis.xadd(JOBS_STREAM, {"id": job_id, "body": body})

    async def frames(self, job_id: str) -> AsyncIterator[bytes]:
        channel = (CHANNEL_PREFIX + job_id).encode()
        queue = self._queues[channel]
        try:
            while (frame := await queue.get()) != DONE_FRAME:
                yield frame
            yield DONE_FRAME
        finally:
            del self._queues[channel]


class _Start:
    def __init__(self, path: _AppOnly | _Echo | _ThroughRedis) -> None:
        self._path = path
        self._ids = itertools.count()

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        job_id = f"{os.getpid()}-{next(self._ids)}"
        await self._path.submit(job_id, await req.stream.read())
        resp.status = falcon.HTTP_202
        resp.media = {"job_id": job_id, "stream_url": f"/api/sse/status/{job_id}"}


class _Events:
    def __init__(self, path: _AppOnly | _Echo | _ThroughRedis) -> None:
        self._path = path

    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, job_id: str
    ) -> None:
        resp.content_type = "text/event-stream"
        resp.set_header("Cache-Control", "no-store")
        resp.stream = self._path.frames(job_id)


class _Health:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.media = {"status": "ok"}


def create_app() -> falcon.asgi.App:
    """The bare app (Granian's ``--factory``), its path chosen by the environment."""
    redis_url, upstream = os.environ.get("FLOOR_REDIS_URL"), os.environ["FLOOR_UPSTREAM"]
    path: _AppOnly | _Echo | _ThroughRedis
    if redis_url:
        path = _ThroughRedis(redis_url)
    else:
        path = _Echo() if upstream == "echo" else _AppOnly(upstream)
    app = falcon.asgi.App()
    app.add_route("/api/chat/start", _Start(path))
    app.add_route("/api/sse/status/{job_id}", _Events(path))
    app.add_route("/api/health", _Health())
    return app


# --- the bare watcher --------------------------------------------------------------------
async def _relay_job(
    redis: aioredis.Redis, session: aiohttp.ClientSession, upstream: str, job_id: str
) -> None:
    channel = CHANNEL_PREFIX + job_id
    async for text in upstream_deltas(session, upstream):
        await redis.publish(channel, chunk_frame({"text": text}))
    await redis.publish(channel, DONE_FRAME)


async def watch(redis_url: str, upstream: str) -> None:
    """Read jobs off the stream for ever, each relayed by its own task."""
    redis = _redis(redis_url)
    session = _session()
    running: set[asyncio.Task[None]] = set()
    last_id = "0-0"  # a fresh Redis: every job queued, even before this first read
    while True:
        # redis-py types XREAD's reply loosely: [[stream, [(id, {field: value})]]].
        replies: Any = await redis.xread({JOBS_STREAM: last_id}, block=1000, count=1000)
        for _stream, entries in replies:
            for entry_id, fields in entries:
                last_id = entry_id
                job = asyncio.create_task(
                    _relay_job(redis, session, upstream, fields[b"id"].decode())
                )
                running.add(job)
                job.add_done_callback(running.discard)


# --- the stacks ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FloorStack:
    """A running bare stack: its public URL and its processes by role."""

    url: str
    pids: dict[str, list[int]]


@contextlib.contextmanager
def floor_stack(name: str, upstream: str, kind: str) -> Iterator[FloorStack]:
    """nginx → Granian (→ Redis → bare watcher) on free ports, stopped on exit.

    ``kind``: ``app`` (the app reads ``upstream``), ``echo`` (the app writes the words)
    or ``redis`` (the bare watcher reads ``upstream``).
    """
    raise_open_files_limit()
    app_port, nginx_port, status_port, redis_port = free_ports(4)
    slug = name.replace(" ", "-")
    state = Path(tempfile.mkdtemp(prefix=f"relay-{slug}-"))
    settings = Settings(
        state_dir=state,
        port=nginx_port,
        app_port=app_port,
        nginx_status_port=status_port,
        redis_port=redis_port,
    )
    env = {"FLOOR_UPSTREAM": "echo" if kind == "echo" else upstream}
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, state, ignore_errors=True)  # last: after the processes
        pids: dict[str, list[int]] = {}
        if kind == "redis":
            prepare_redis(settings)
            redis = redis_command(settings)
            pids[f"{name}: redis"] = [
                stack.enter_context(logged_process(redis.argv, f"{slug}-redis", None))
            ]
            env["FLOOR_REDIS_URL"] = settings.effective_redis_url
            _wait_redis(settings.effective_redis_url)
            watcher = [sys.executable, "-m", "loadtest.floor", "watcher"]
            pids[f"{name}: watcher"] = [
                stack.enter_context(
                    logged_process(watcher, f"{slug}-watcher", None, env={**os.environ, **env})
                )
            ]
        app = app_command(settings)
        factory = {"app.app:create_app": "loadtest.floor:create_app"}
        argv = [factory.get(arg, arg) for arg in app.argv]
        health = f"http://127.0.0.1:{app_port}/api/health"
        pids[f"{name}: app"] = [
            stack.enter_context(logged_process(argv, f"{slug}-app", health, env={**app.env, **env}))
        ]
        prepare_nginx(settings)
        nginx = nginx_command(settings)
        url = f"http://127.0.0.1:{nginx_port}"
        pids[f"{name}: nginx"] = [
            stack.enter_context(logged_process(nginx.argv, f"{slug}-nginx", f"{url}/api/health"))
        ]
        yield FloorStack(url, pids)


def _wait_redis(url: str) -> None:
    async def ping() -> None:
        client = aioredis.Redis.from_url(url)
        try:
            for _ in range(100):
                with contextlib.suppress(OSError, aioredis.ConnectionError):
                    await client.ping()
                    return
                await asyncio.sleep(0.1)
            raise RuntimeError(f"no Redis at {url}")
        finally:
            await client.aclose()

    asyncio.run(ping())


def main(argv: list[str]) -> int:
    if argv[:1] != ["watcher"]:
        print("usage: python -m loadtest.floor watcher", file=sys.stderr)
        return 2
    run(watch(os.environ["FLOOR_REDIS_URL"], os.environ["FLOOR_UPSTREAM"]), "uvloop")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
