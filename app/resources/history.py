"""Projects and their conversation history."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import falcon
import falcon.asgi

from app import validation
from app.errors import bad_request, not_found
from relay.history import HistoryStore

log = logging.getLogger(__name__)

#: Called with a project whose history was cleared or edited (drops cached answers).
HistoryChanged = Callable[[str], Awaitable[None]]


async def _notify(on_change: HistoryChanged | None, project: str) -> None:
    if on_change is not None:
        await on_change(project)


class ProjectsResource:
    """GET /api/projects"""

    def __init__(self, history: HistoryStore) -> None:
        self._history = history

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.media = {"projects": await self._history.projects()}


class HistoryResource:
    """GET /api/history/{project}"""

    def __init__(self, history: HistoryStore) -> None:
        self._history = history

    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, project: str
    ) -> None:
        project = validation.project(project)
        resp.media = {"project": project, "history": await self._history.recent(project)}


class HistorySaveResource:
    """POST /api/history/save {project, user, assistant}"""

    def __init__(self, history: HistoryStore, max_bytes: int) -> None:
        self._history = history
        self._max_bytes = max_bytes

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        body = await validation.read_json(req, self._max_bytes)
        project = validation.project(body.get("project"))
        user = validation.message(body.get("user"), self._max_bytes)
        assistant = body.get("assistant", "")
        if not isinstance(assistant, str):
            raise bad_request("invalid_assistant", "assistant must be a string")
        await self._history.append(
            project, {"user": user, "assistant": assistant, "ts": time.time(), "job_id": None}
        )
        resp.status = falcon.HTTP_201
        resp.media = {"project": project, "saved": True}


class HistoryDeleteResource:
    """POST /api/history/delete {project, index}"""

    def __init__(self, history: HistoryStore, on_change: HistoryChanged | None = None) -> None:
        self._history = history
        self._on_change = on_change

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        body = await validation.read_json(req, 4096)
        project = validation.project(body.get("project"))
        index = body.get("index")
        if not isinstance(index, int) or isinstance(index, bool):
            raise bad_request("invalid_index", "index must be an integer")
        if not await self._history.delete(project, index):
            raise not_found(f"project {project} has no exchange {index}")
        await _notify(self._on_change, project)
        resp.media = {"project": project, "deleted": index}


class HistoryClearResource:
    """POST /api/history/clear {project}"""

    def __init__(self, history: HistoryStore, on_change: HistoryChanged | None = None) -> None:
        self._history = history
        self._on_change = on_change

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        body = await validation.read_json(req, 4096)
        project = validation.project(body.get("project"))
        await self._history.clear(project)
        await _notify(self._on_change, project)
        resp.media = {"project": project, "cleared": True}
