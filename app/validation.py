"""Reading and checking request input. Rejected input never reaches Redis or disk."""

from __future__ import annotations

from typing import Any

import falcon
import orjson

from app.errors import bad_request
from relay.jobs import JOB_ID_PATTERN, PROJECT_PATTERN
from relay.settings import body_limit

#: The most of an oversized body read (and dropped) before answering 413. Answering
#: without reading it would leave the rest in a kept-alive upstream connection, and
#: nginx would then fail unrelated requests on it (502s).
DRAIN_MAX_BYTES = 8 * 1024 * 1024
_DRAIN_CHUNK_BYTES = 64 * 1024


def require_json(req: falcon.Request) -> None:
    """415 unless the body is declared ``application/json``.

    A cross-site form or ``fetch`` can send ``text/plain`` without a CORS preflight;
    only a declared JSON body forces one, so this is part of the CSRF defence.
    """
    media_type = (req.content_type or "").split(";", 1)[0].strip().lower()
    if media_type != falcon.MEDIA_JSON:
        raise falcon.HTTPUnsupportedMediaType(
            title="unsupported_media_type",
            description="send the body as Content-Type: application/json",
        )


async def read_json(req: falcon.Request, max_bytes: int) -> dict[str, Any]:
    """The request's JSON object: 415 if not declared JSON, 413 if too big, 400 if not an object."""
    require_json(req)
    limit = body_limit(max_bytes)
    if req.content_length is not None and req.content_length > limit:
        await _drain(req)
        raise too_large(limit)
    stream: Any = req.stream  # an ASGI request's stream: read() is a coroutine
    raw = await stream.read(limit + 1)
    if len(raw) > limit:
        await _drain(req)
        raise too_large(limit)
    if not raw:
        raise bad_request("invalid_json", "request body is empty; send a JSON object")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request("invalid_json", f"request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise bad_request("invalid_json", "request body must be a JSON object")
    return body


def too_large(limit: int) -> falcon.HTTPContentTooLarge:
    return falcon.HTTPContentTooLarge(
        title="body_too_large", description=f"request body is larger than {limit} bytes"
    )


async def _drain(req: falcon.Request) -> None:
    stream: Any = req.stream
    read = 0
    while read < DRAIN_MAX_BYTES:
        chunk = await stream.read(_DRAIN_CHUNK_BYTES)
        if not chunk:
            return
        read += len(chunk)


def job_id(value: Any) -> str:
    """A job id by full match of its pattern; 400 otherwise."""
    if not isinstance(value, str) or not JOB_ID_PATTERN.fullmatch(value):
        raise bad_request("invalid_job_id", "job_id must be 16-64 characters of A-Z a-z 0-9 _ -")
    return value


def project(value: Any) -> str:
    """A project name by full match of its pattern (no "evil\\n"); 400 otherwise."""
    if not isinstance(value, str) or not PROJECT_PATTERN.fullmatch(value) or value in {".", ".."}:
        raise bad_request("invalid_project", "project must be 1-64 characters of A-Z a-z 0-9 . _ -")
    return value


def message(value: Any, max_bytes: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad_request("invalid_message", "message is required and must be a non-empty string")
    if len(value.encode()) > max_bytes:
        raise bad_request("message_too_large", f"message is larger than {max_bytes} bytes")
    return value


def optional_string(body: dict[str, Any], name: str, max_chars: int = 200) -> str:
    value = body.get(name) or ""
    if not isinstance(value, str) or len(value) > max_chars:
        raise bad_request(f"invalid_{name}", f"{name} must be a string of at most {max_chars}")
    return value


def last_event_id(req: falcon.Request) -> int:
    """The resume point: ``Last-Event-ID`` header or ``?last_event_id=``; 0 for none."""
    raw = req.get_header("Last-Event-ID") or req.get_param("last_event_id") or "0"
    # ASCII only: str.isdigit() is true for "²", which int() then refuses.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise bad_request("invalid_last_event_id", "Last-Event-ID must be a sequence number")
    return int(raw)
