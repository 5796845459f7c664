"""A tiny ASGI app standing in for Relay behind nginx, to test the proxy on its own.

Served by Granian (``tests.support.stub_upstream:app``) with one worker, so its
in-memory state is shared by every request:

- ``GET /api/sse/held``: an event stream that sends one event, then waits until
  ``POST /api/sse/release`` before sending the last one and closing.
- ``GET /api/chat/status/{id}``: counts requests per id; ids starting ``done`` are
  ``Cache-Control: public, max-age=60``, others ``no-store``.
- ``GET /api/echo``: the request's headers and the client port (keepalive reuse).
- ``POST /api/chat/start``: 202; ``GET /metrics``, ``/health``, ``/api/health``: 200.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

Scope = dict[str, Any]

_status_hits: Counter[str] = Counter()
_release = asyncio.Event()


async def app(scope: Scope, receive: Any, send: Any) -> None:
    """The ASGI entry point."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    path, method = scope["path"], scope["method"]
    while (await receive()).get("more_body"):
        pass  # drain the request body
    if path == "/api/sse/held":
        await _held_stream(send)
    elif path == "/api/sse/release":
        _release.set()
        await _json(send, 200, {"released": True})
    elif path.startswith("/api/chat/status/"):
        job_id = path.rsplit("/", 1)[-1]
        _status_hits[job_id] += 1
        cache = "public, max-age=60" if job_id.startswith("done") else "no-store"
        await _json(send, 200, {"job_id": job_id, "hits": _status_hits[job_id]}, cache)
    elif path == "/api/echo":
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        await _json(send, 200, {"headers": headers, "client_port": scope["client"][1]})
    elif path == "/api/chat/start" and method == "POST":
        await _json(send, 202, {"accepted": True})
    elif path in ("/metrics", "/health", "/api/health"):
        await _json(send, 200, {"status": "ok"})
    else:
        await _json(send, 404, {"error": {"code": "not_found", "message": path}})


async def _json(send: Any, status: int, body: Any, cache_control: str = "no-store") -> None:
    data = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
        (b"cache-control", cache_control.encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _held_stream(send: Any) -> None:
    _release.clear()
    headers = [
        (b"content-type", b"text/event-stream"),
        (b"cache-control", b"no-store"),
    ]  # no X-Accel-Buffering: the nginx location itself must not buffer
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    # Longer than gzip_min_length and than nginx's default 4k/8k proxy buffer page.
    first = "id: 1\nevent: chunk\ndata: " + json.dumps({"seq": 1, "text": "x" * 300}) + "\n\n"
    await send({"type": "http.response.body", "body": first.encode(), "more_body": True})
    await _release.wait()
    last = 'id: 2\nevent: done\ndata: {"seq": 2}\n\n'
    await send({"type": "http.response.body", "body": last.encode(), "more_body": False})
