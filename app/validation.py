"""Reading and checking request input. Rejected input never reaches Redis or disk."""

from __future__ import annotations

from typing import Any

import falcon
import falcon.asgi
import orjson

from app.errors import bad_request
from relay.jobs import JOB_ID_PATTERN, PROJECT_PATTERN

#: Room for the JSON around the message (other fields, escaping) in the body limit.
ENVELOPE_BYTES = 64 * 1024


async def read_json(req: falcon.asgi.Request, max_bytes: int) -> dict[str, Any]:
    """The request's JSON object; 400 for anything else (too big, malformed, not an object)."""
    limit = max_bytes * 2 + ENVELOPE_BYTES  # JSON escaping can double a message's size
    if req.content_length is not None and req.content_length > limit:
        raise bad_request("body_too_large", f"request body is larger than {limit} bytes")
    raw = await req.stream.read(limit + 1)
    if len(raw) > limit:
        raise bad_request("body_too_large", f"request body is larger than {limit} bytes")
    if not raw:
        raise bad_request("invalid_json", "request body is empty; send a JSON object")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request("invalid_json", f"request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise bad_request("invalid_json", "request body must be a JSON object")
    return body


def job_id(value: Any) -> str:
    if not isinstance(value, str) or not JOB_ID_PATTERN.match(value):
        raise bad_request("invalid_job_id", "job_id must be 16-64 characters of A-Z a-z 0-9 _ -")
    return value


def project(value: Any) -> str:
    if not isinstance(value, str) or not PROJECT_PATTERN.match(value):
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


def last_event_id(req: falcon.asgi.Request) -> int:
    """The resume point: ``Last-Event-ID`` header or ``?last_event_id=``; 0 for none."""
    raw = req.get_header("Last-Event-ID") or req.get_param("last_event_id") or "0"
    if not raw.isdigit() or len(raw) > 12:
        raise bad_request("invalid_last_event_id", "Last-Event-ID must be a sequence number")
    return int(raw)
