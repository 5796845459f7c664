"""Errors as the API returns them: a real status and ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import re

import falcon
import orjson

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def bad_request(code: str, message: str) -> falcon.HTTPBadRequest:
    return falcon.HTTPBadRequest(title=code, description=message)


def not_found(message: str) -> falcon.HTTPNotFound:
    return falcon.HTTPNotFound(title="not_found", description=message)


def conflict(message: str) -> falcon.HTTPConflict:
    return falcon.HTTPConflict(title="conflict", description=message)


def unavailable(message: str) -> falcon.HTTPServiceUnavailable:
    return falcon.HTTPServiceUnavailable(title="unavailable", description=message)


def queue_full(backend: str, waiting: int, retry_after_s: int) -> falcon.HTTPServiceUnavailable:
    """A backend's line is full: 503 with Retry-After instead of an unbounded wait."""
    return falcon.HTTPServiceUnavailable(
        title="queue_full",
        description=f"{waiting} jobs are waiting for the {backend} backend; retry shortly",
        retry_after=retry_after_s,
    )


def _code_of(error: falcon.HTTPError) -> str:
    title = error.title or ""
    if _CODE.match(title):
        return title
    # Falcon's own errors (404 route, 405 ...) carry a title like "405 Method Not Allowed".
    words = re.sub(r"^\d+\s*", "", error.status if isinstance(error.status, str) else title)
    return re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_") or "error"


def serialize_error(req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError) -> None:
    """Falcon error serializer producing the project's error shape."""
    message = error.description or (error.title or "").split(" ", 1)[-1] or "error"
    resp.content_type = falcon.MEDIA_JSON
    resp.data = orjson.dumps({"error": {"code": _code_of(error), "message": message}})
    resp.set_header("Cache-Control", "no-store")


async def redis_unavailable(
    req: falcon.Request, resp: falcon.Response, exc: Exception, params: dict
) -> None:
    """Redis down where no fallback applies: 503 with Retry-After, never a 500."""
    raise falcon.HTTPServiceUnavailable(
        title="unavailable",
        description="the job store is unreachable right now; retry shortly",
        retry_after=1,
    )
