"""Helpers for the security tests: raw requests, and proof that nothing was written."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from relay import keys
from tests.support.processes import RedisServer


@dataclass
class RawResponse:
    """What came back: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


def raw_request(
    base_url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> RawResponse:
    """Send ``path`` exactly as spelled (httpx would normalise ``/./`` and ``..``)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        sent = dict(headers or {})
        connection.putrequest(method, path, skip_host="Host" in sent, skip_accept_encoding=True)
        if body is not None:
            sent.setdefault("Content-Length", str(len(body)))
        for name, value in sent.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        connection.close()


_SIZE_COMMANDS = {
    b"stream": "xlen",
    b"hash": "hlen",
    b"set": "scard",
    b"zset": "zcard",
    b"list": "llen",
    b"string": "strlen",
}


def redis_fingerprint(redis_server: RedisServer) -> dict[bytes, tuple[bytes, int]]:
    """Every key with its type and size, except the watchers' heartbeats (they tick)."""
    with redis_server.client() as client:
        result = {}
        for key in client.scan_iter(count=1000):
            if key.decode() in keys.watchers_registries():
                continue
            kind = client.type(key)
            command = _SIZE_COMMANDS.get(kind)
            result[key] = (kind, int(client.execute_command(command, key)) if command else 0)
        return result


def folder_listing(root: Path) -> set[str]:
    """Every file under ``root`` (the fallback folder), relative."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@contextmanager
def nothing_written(redis_server: RedisServer, fallback_dir: Path) -> Iterator[None]:
    """Asserts that the block changed nothing in Redis nor in the fallback folder."""
    before = redis_fingerprint(redis_server)
    files_before = folder_listing(fallback_dir) if fallback_dir.exists() else set()
    yield
    assert redis_fingerprint(redis_server) == before
    assert (folder_listing(fallback_dir) if fallback_dir.exists() else set()) == files_before
