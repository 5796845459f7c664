"""A scripted stand-in for Relay's API, served to the page by Playwright's routing.

It serves ``app/static`` as nginx would and answers the endpoints of
shared/DESIGN.md from memory. Each job is a list of events; how a stream
connection is answered is a test's choice (``FakeJob.serve``), so tests can drop a
stream half-way, replay events the page already has, or restart a job.
"""

from __future__ import annotations

import json
import mimetypes
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from playwright.async_api import BrowserContext, Request, Route

BASE = "http://relay.test"
SSE_RETRY_MS = 300


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    data: dict[str, Any]

    def frame(self) -> str:
        body = json.dumps({"seq": self.seq, **self.data, "ts": time.time() * 1000})
        return f"id: {self.seq}\nevent: {self.type}\ndata: {body}\n\n"


def words(text: str) -> list[str]:
    """The echo backend's chunks: each word with the whitespace after it."""
    chunks: list[str] = []
    for piece in text.split(" "):
        if chunks:
            chunks[-1] += " "
        chunks.append(piece)
    return [chunk for chunk in chunks if chunk]


def echo_events(message: str) -> list[tuple[str, dict[str, Any]]]:
    """The events of an echo job answering ``message``."""
    events: list[tuple[str, dict[str, Any]]] = [("status", {"status": "processing"})]
    events += [("chunk", {"text": chunk}) for chunk in words(message)]
    events.append(("done", {"result": message, "cached": False, "timings": {}}))
    return events


@dataclass
class FakeJob:
    job_id: str
    message: str
    project: str
    events: list[Event] = field(default_factory=list)
    #: (job, connection number from 0, resume point) -> events to send on that connection.
    serve: Callable[[FakeJob, int, int], list[Event]] | None = None
    connections: list[int] = field(default_factory=list)  # resume point of each connection
    answers: list[Any] | None = None
    cancelled: bool = False

    def add(self, type_: str, data: dict[str, Any]) -> Event:
        event = Event(len(self.events) + 1, type_, data)
        self.events.append(event)
        return event

    def after(self, seq: int) -> list[Event]:
        return [event for event in self.events if event.seq > seq]


class FakeRelay:
    """The API and static files of Relay, in memory."""

    def __init__(self, static_dir: Path) -> None:
        self.static_dir = static_dir
        self.projects: list[str] = ["default"]
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.models: dict[str, Any] = {
            "models": [
                {"name": "echo", "backend": "echo", "available": True, "reason": "", "test": True},
                {
                    "name": "local",
                    "backend": "local",
                    "available": True,
                    "reason": "",
                    "test": False,
                },
            ],
            "default": "echo",
            "show_test_models": True,
        }
        #: project -> title given by the user (rename).
        self.titles: dict[str, str] = {}
        self.health: dict[str, Any] | None = {
            "status": "ok",
            "redis": "ok",
            "mode": "redis",
            "watchers": 1,
        }
        self.jobs: dict[str, FakeJob] = {}
        self.active: dict[str, str] = {}
        self.posts: list[tuple[str, dict[str, Any]]] = []
        #: message -> events of the job it starts; echo by default.
        self.plan: Callable[[str], list[tuple[str, dict[str, Any]]]] = echo_events
        #: Applied to every new job (e.g. to set ``serve``).
        self.on_job: Callable[[FakeJob], None] = lambda job: None

    async def install(self, context: BrowserContext) -> None:
        await context.route(f"{BASE}/**", self._handle)

    def start_job(self, message: str, project: str = "default") -> FakeJob:
        job = FakeJob(secrets.token_urlsafe(18), message, project)
        for type_, data in self.plan(message):
            job.add(type_, data)
        self.on_job(job)
        self.jobs[job.job_id] = job
        return job

    # -- routing ---------------------------------------------------------------

    async def _handle(self, route: Route, request: Request) -> None:
        url = urlsplit(request.url)
        path = unquote(url.path)
        if not path.startswith("/api/"):
            await self._static(route, path)
            return
        body: dict[str, Any] = {}
        if request.method == "POST":
            body = json.loads(request.post_data or "{}")
            self.posts.append((path, body))
        try:
            if path.startswith("/api/sse/status/"):
                await self._stream(route, request, path.rsplit("/", 1)[1], url.query)
                return
            status, payload = self._api(request.method, path, body, url.query)
        except KeyError:
            status, payload = 404, {"error": {"code": "not_found", "message": "no such thing"}}
        if status == 0:
            await route.abort("connectionrefused")
            return
        await route.fulfill(
            status=status,
            content_type="application/json",
            body="" if payload is None else json.dumps(payload),
            headers={"Cache-Control": "no-store"},
        )

    async def _static(self, route: Route, path: str) -> None:
        name = "index.html" if path in ("/", "") else path.lstrip("/")
        file = (self.static_dir / name).resolve()
        if not file.is_file() or self.static_dir.resolve() not in file.parents:
            await route.fulfill(status=404, body="not found")
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        await route.fulfill(status=200, content_type=content_type, body=file.read_bytes())

    def _conversations(self, query: str) -> dict[str, Any]:
        """GET /api/projects as the real one answers: titles, newest first, search."""
        names = sorted(set(self.projects) | set(self.history))
        found = []
        for name in names:
            entries = self.history.get(name, [])
            title = self.titles.get(name) or (entries[0]["user"] if entries else "New chat")
            text = " ".join(f"{e['user']} {e['assistant']}" for e in entries)
            if query and query.lower() not in f"{title} {text}".lower():
                continue
            updated = max((e.get("ts", 0) for e in entries), default=0)
            found.append(
                {
                    "project": name,
                    "title": title,
                    "renamed": name in self.titles,
                    "exchanges": len(entries),
                    "updated_ts": updated,
                }
            )
        found.sort(key=lambda c: -c["updated_ts"])
        return {"projects": [c["project"] for c in found], "conversations": found}

    def _api(
        self, method: str, path: str, body: dict[str, Any], query: str = ""
    ) -> tuple[int, Any]:
        if path == "/api/health":
            return (0, None) if self.health is None else (200, self.health)
        if path == "/api/models":
            return 200, self.models
        if path == "/api/projects":
            return 200, self._conversations(parse_qs(query).get("q", [""])[0])
        if path == "/api/projects/rename":
            self.titles[body["project"]] = body["title"]
            return 200, {"project": body["project"], "title": body["title"]}
        if path == "/api/projects/delete":
            self.history.pop(body["project"], None)
            self.projects = [name for name in self.projects if name != body["project"]]
            return 200, {"project": body["project"], "deleted": True}
        if path.startswith("/api/history/") and method == "GET":
            project = path.rsplit("/", 1)[1]
            return 200, {"project": project, "history": self.history.get(project, [])}
        if path.startswith("/api/active/"):
            job_id = self.active.get(path.rsplit("/", 1)[1])
            if job_id is None:
                return 204, None
            return 200, {
                "job_id": job_id,
                "status": "processing",
                "stream_url": f"/api/sse/status/{job_id}",
            }
        if path.startswith("/api/chat/status/"):
            job = self.jobs[path.rsplit("/", 1)[1]]
            return 200, {
                "job_id": job.job_id,
                "project": job.project,
                "message": job.message,
                "status": "cancelled" if job.cancelled else "processing",
            }
        if path == "/api/chat/start":
            job = self.start_job(body["message"], body.get("project", "default"))
            return 202, {
                "job_id": job.job_id,
                "status": "pending",
                "stream_url": f"/api/sse/status/{job.job_id}",
                "status_url": f"/api/chat/status/{job.job_id}",
            }
        if path == "/api/history/delete":
            entries = self.history[body["project"]]
            entries[:] = [entry for entry in entries if entry["id"] != body["id"]]
            return 200, {"project": body["project"], "deleted": body["id"]}
        if path == "/api/history/clear":
            self.history.pop(body["project"], None)
            return 200, {"project": body["project"], "cleared": True}
        if path == "/api/chat/answers":
            self.jobs[body["job_id"]].answers = body["answers"]
            return 200, {"job_id": body["job_id"], "status": "pending"}
        if path == "/api/chat/cancel":
            self.jobs[body["job_id"]].cancelled = True
            return 200, {"job_id": body["job_id"], "status": "cancelled"}
        raise KeyError(path)

    async def _stream(self, route: Route, request: Request, job_id: str, query: str) -> None:
        job = self.jobs[job_id]
        header = (await request.all_headers()).get("last-event-id")
        param = parse_qs(query).get("last_event_id", ["0"])[0]
        resume = int(header or param or 0)
        number = len(job.connections)
        job.connections.append(resume)
        events = job.serve(job, number, resume) if job.serve else job.after(resume)
        body = f"retry: {SSE_RETRY_MS}\n\n" + "".join(event.frame() for event in events)
        await route.fulfill(
            status=200,
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"},
            body=body,
        )
