"""A project's conversation history: read, save, delete an exchange by id, clear."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import falcon

from app import validation
from app.errors import bad_request, conflict, not_found
from relay import history
from relay.history import HistoryStore, Removal

log = logging.getLogger(__name__)

#: Called with a project whose history was cleared or edited (drops cached answers).
HistoryChanged = Callable[[str], Awaitable[None]]


async def _notify(on_change: HistoryChanged | None, project: str) -> None:
    if on_change is not None:
        await on_change(project)


class HistoryResource:
    """GET /api/history/{project}"""

    def __init__(self, history: HistoryStore) -> None:
        self._history = history

    async def on_get(self, req: falcon.Request, resp: falcon.Response, project: str) -> None:
        project = validation.project(project)
        resp.media = {"project": project, "history": await self._history.entries(project)}


class HistorySaveResource:
    """POST /api/history/save {project, user, assistant}"""

    def __init__(self, history: HistoryStore, max_bytes: int) -> None:
        self._history = history
        self._max_bytes = max_bytes

    async def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = await validation.read_json(req, self._max_bytes)
        project = validation.project(body.get("project"))
        user = validation.message(body.get("user"), self._max_bytes)
        assistant = body.get("assistant", "")
        if not isinstance(assistant, str):
            raise bad_request("invalid_assistant", "assistant must be a string")
        item = history.entry(user=user, assistant=assistant)
        await self._history.append(project, item)
        resp.status = falcon.HTTP_201
        resp.media = {"project": project, "saved": True, "id": item["id"]}


def exchange_id(body: dict[str, object]) -> str:
    """The ``id`` an edit addresses; a clear 400 for the old positional ``index``."""
    if "index" in body and "id" not in body:
        raise bad_request(
            "index_not_supported",
            "exchanges are addressed by their id, not their position: send {project, id}"
            " with the id from GET /api/history/{project}",
        )
    value = body.get("id")
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        raise bad_request("invalid_id", "id must be the exchange's id (a string)")
    return value


def raise_for(removal: Removal, project: str, entry_id: str) -> None:
    """The HTTP error for a removal that did not happen."""
    if removal is Removal.NOT_FOUND:
        raise not_found(f"project {project} has no exchange {entry_id}")
    if removal is Removal.NOT_LATEST:
        raise conflict(f"exchange {entry_id} is not the latest of project {project}")


class HistoryDeleteResource:
    """POST /api/history/delete {project, id}"""

    def __init__(self, history: HistoryStore, on_change: HistoryChanged | None = None) -> None:
        self._history = history
        self._on_change = on_change

    async def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = await validation.read_json(req, 4096)
        project = validation.project(body.get("project"))
        entry_id = exchange_id(body)
        raise_for(await self._history.remove(project, entry_id), project, entry_id)
        await _notify(self._on_change, project)
        resp.media = {"project": project, "deleted": entry_id}


class HistoryClearResource:
    """POST /api/history/clear {project}"""

    def __init__(self, history: HistoryStore, on_change: HistoryChanged | None = None) -> None:
        self._history = history
        self._on_change = on_change

    async def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = await validation.read_json(req, 4096)
        project = validation.project(body.get("project"))
        await self._history.clear(project)
        await _notify(self._on_change, project)
        resp.media = {"project": project, "cleared": True}
