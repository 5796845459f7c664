"""The chat endpoints: start, status snapshot, answers, cancel, active job."""

from __future__ import annotations

import falcon
import falcon.asgi
import orjson

from app import validation
from app.chat import ChatRequest, ChatService
from app.errors import conflict, not_found
from app.queue import JobQueue
from relay.cache import TieredCache
from relay.jobs import Job
from relay.redis_queue import JobNotFoundError, JobStateError
from relay.settings import Settings


def job_links(job: Job) -> dict[str, str]:
    return {
        "job_id": job.id,
        "status": job.status.value,
        "stream_url": f"/api/sse/status/{job.id}",
        "status_url": f"/api/chat/status/{job.id}",
    }


class ChatStartResource:
    """POST /api/chat/start"""

    def __init__(self, settings: Settings, chats: ChatService) -> None:
        self._settings = settings
        self._chats = chats

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        body = await validation.read_json(req, self._settings.max_message_bytes)
        job = await self._chats.start(ChatRequest.parse(body, self._settings))
        resp.status = falcon.HTTP_202
        resp.media = job_links(job)


class ChatStatusResource:
    """GET /api/chat/status/{job_id} and POST /api/chat/status {job_id}: a snapshot.

    The two routes have their own responders (``suffix="job"`` for the first), so
    ``GET /api/chat/status`` and ``POST /api/chat/status/{id}`` are 405, not a
    responder called with the wrong arguments.

    A finished job never changes again: its snapshot is kept in the in-process
    ``snapshots`` cache and sent as ``public, max-age`` so that nginx micro-caches
    it too. A running job's snapshot is always fresh (``no-store``).
    """

    def __init__(
        self, settings: Settings, queue: JobQueue, snapshots: TieredCache | None = None
    ) -> None:
        self._settings = settings
        self._queue = queue
        self._snapshots = snapshots
        self._finished_cache_control = f"public, max-age={settings.cache_snapshot_max_age_s}"

    async def on_get_job(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, job_id: str
    ) -> None:
        await self._respond(resp, validation.job_id(job_id))

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        body = await validation.read_json(req, 4096)
        await self._respond(resp, validation.job_id(body.get("job_id")))

    async def _respond(self, resp: falcon.asgi.Response, job_id: str) -> None:
        if self._snapshots is not None:
            cached = await self._snapshots.get(job_id)
            if cached is not None:
                self._send_finished(resp, cached)
                return
        try:
            channel, job = await self._queue.locate(job_id)
        except JobNotFoundError:
            raise not_found(f"no job {job_id}") from None
        text = job.result if job.status.finished and job.result else await channel.text(job_id)
        snapshot = {
            "job_id": job.id,
            "project": job.project,
            "message": job.message,
            "model": job.model,
            "status": job.status.value,
            "activity": job.activity,
            "text": text,
            "result": job.result,
            "error": job.error,
            "questions": job.questions,
            "cached": job.cached or False,
            "last_event_id": job.last_seq,
            "mode": channel.mode,
            "created_ts": job.created_ts,
            "started_ts": job.started_ts,
            "finished_ts": job.finished_ts,
            "timings": job.timings(),
        }
        if not job.status.finished:
            resp.media = snapshot
            resp.set_header("Cache-Control", "no-store")
            return
        body = orjson.dumps(snapshot)
        if self._snapshots is not None:
            await self._snapshots.set(job_id, body, self._settings.cache_snapshot_max_age_s)
        self._send_finished(resp, body)

    def _send_finished(self, resp: falcon.asgi.Response, body: bytes) -> None:
        resp.data = body
        resp.content_type = falcon.MEDIA_JSON
        resp.set_header("Cache-Control", self._finished_cache_control)


class ChatAnswersResource:
    """POST /api/chat/answers {job_id, answers}: the waiting job resumes.

    Answers are bounded like a chat message (``max_bytes``, the setting).
    """

    def __init__(self, queue: JobQueue, max_bytes: int) -> None:
        self._queue = queue
        self._max_bytes = max_bytes

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        body = await validation.read_json(req, self._max_bytes)
        job_id = validation.job_id(body.get("job_id"))
        answers = body.get("answers")
        if not isinstance(answers, list):
            raise falcon.HTTPBadRequest(
                title="invalid_answers", description="answers must be a list"
            )
        try:
            job = await self._queue.answer(job_id, answers)
        except JobNotFoundError:
            raise not_found(f"no job {job_id}") from None
        except JobStateError as exc:
            raise conflict(str(exc)) from None
        resp.media = {"job_id": job.id, "status": "pending"}


class ChatCancelResource:
    """POST /api/chat/cancel {job_id}: the job ends and its agent is stopped."""

    def __init__(self, queue: JobQueue) -> None:
        self._queue = queue

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        body = await validation.read_json(req, 4096)
        job_id = validation.job_id(body.get("job_id"))
        try:
            job = await self._queue.cancel(job_id)
        except JobNotFoundError:
            raise not_found(f"no job {job_id}") from None
        except JobStateError as exc:
            raise conflict(str(exc)) from None
        resp.media = {"job_id": job.id, "status": job.status.value}


class ActiveJobResource:
    """GET /api/active/{project}: the project's unfinished job, to reattach after reload.

    No running job is the normal case on every page load: 204, not an error.
    """

    def __init__(self, queue: JobQueue) -> None:
        self._queue = queue

    async def on_get(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response, project: str
    ) -> None:
        job = await self._queue.active(validation.project(project))
        resp.set_header("Cache-Control", "no-store")
        if job is None:
            resp.status = falcon.HTTP_204
            return
        resp.media = job_links(job)
