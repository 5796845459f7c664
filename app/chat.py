"""Starting a chat: validate, build the job, and hand it to the queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import models, telemetry, validation
from app.errors import bad_request
from app.jobs import DEFAULT_PROJECT, Job, JobStatus
from app.queue import JobQueue
from app.settings import Settings


@dataclass(frozen=True)
class ChatRequest:
    """A validated POST /api/chat/start body."""

    message: str
    project: str
    model: str
    personality: str
    use_cache: bool

    @classmethod
    def parse(cls, body: dict[str, Any], settings: Settings) -> ChatRequest:
        message = validation.message(body.get("message"), settings.max_message_bytes)
        project = validation.project(body.get("project") or DEFAULT_PROJECT)
        model = validation.optional_string(body, "model", 100) or settings.default_model
        if models.resolve(settings, model) is None:
            configured = ", ".join(route.name for route in models.catalog(settings))
            raise bad_request("unknown_model", f"unknown model {model!r}; configured: {configured}")
        personality = validation.optional_string(body, "personality", 4000)
        use_cache = body.get("cache", True)
        if not isinstance(use_cache, bool):
            raise bad_request("invalid_cache", "cache must be true or false")
        return cls(message, project, model, personality, use_cache)


class ChatService:
    """Turns chat requests into jobs."""

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        self._settings = settings
        self._queue = queue

    def new_job(self, request: ChatRequest) -> Job:
        return Job(
            id=self._settings.job_id_factory(),
            message=request.message,
            project=request.project,
            model=request.model,
            personality=request.personality,
            use_cache=request.use_cache,
            status=JobStatus.PENDING,
            created_ts=self._settings.clock(),
            traceparent=telemetry.current_traceparent(),
        )

    async def start(self, request: ChatRequest) -> Job:
        """Enqueue a job for ``request`` and return it."""
        job = self.new_job(request)
        channel = await self._queue.submit(job)
        telemetry.JOBS_SUBMITTED.labels(channel.mode).inc()
        return job
