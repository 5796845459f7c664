"""Conversations (projects) for the sidebar: list and search, rename, delete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import falcon

from app import validation
from app.errors import bad_request, not_found
from relay.conversations import MAX_TITLE_CHARS, ConversationStore

#: Called with a project whose history was deleted (drops its cached answers).
ConversationChanged = Callable[[str], Awaitable[None]]

#: Longest search text accepted.
MAX_QUERY_CHARS = 200


class ProjectsResource:
    """GET /api/projects[?q=text]: names, and the conversations with titles, newest first."""

    def __init__(self, conversations: ConversationStore) -> None:
        self._conversations = conversations

    async def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        query = req.get_param("q") or ""
        if len(query) > MAX_QUERY_CHARS:
            raise bad_request("invalid_query", f"q must be at most {MAX_QUERY_CHARS} characters")
        found = await self._conversations.list(query)
        resp.media = {
            "projects": sorted(c.project for c in found),
            "conversations": [c.to_dict() for c in found],
        }
        resp.set_header("Cache-Control", "no-store")


class ProjectRenameResource:
    """POST /api/projects/rename {project, title}; an empty title restores the derived one."""

    def __init__(self, conversations: ConversationStore) -> None:
        self._conversations = conversations

    async def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = await validation.read_json(req, 4096)
        project = validation.project(body.get("project"))
        title = body.get("title")
        if not isinstance(title, str) or len(title) > MAX_TITLE_CHARS:
            raise bad_request(
                "invalid_title", f"title must be a string of at most {MAX_TITLE_CHARS} characters"
            )
        title = " ".join(title.split())
        await self._conversations.rename(project, title)
        resp.media = {"project": project, "title": title}


class ProjectDeleteResource:
    """POST /api/projects/delete {project}: the conversation and its history are gone."""

    def __init__(
        self, conversations: ConversationStore, on_change: ConversationChanged | None = None
    ) -> None:
        self._conversations = conversations
        self._on_change = on_change

    async def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = await validation.read_json(req, 4096)
        project = validation.project(body.get("project"))
        if not await self._conversations.delete(project):
            raise not_found(f"there is no conversation {project}")
        if self._on_change is not None:
            await self._on_change(project)
        resp.media = {"project": project, "deleted": True}
