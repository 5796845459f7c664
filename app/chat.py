"""Starting a chat: validate, build the job, then answer it from the cache, join the
identical job already running, or hand it to the queue."""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from typing import Any

from opentelemetry.trace import SpanKind
from redis.exceptions import RedisError

from app import validation
from app.admission import Admission
from app.errors import bad_request, conflict, not_found
from app.queue import JobQueue
from relay import history, models, telemetry
from relay.cache import count
from relay.connections import REDIS_DOWN_ERRORS
from relay.history import HistoryStore, Removal
from relay.jobs import DEFAULT_PROJECT, EventType, Job, JobStatus
from relay.recent import RecentJobs
from relay.response_cache import (
    CachedAnswer,
    ResponseCache,
    answer_key,
    cache_scope,
    cached_timings,
)
from relay.semantic_cache import Match, SemanticTier, encode_vector
from relay.settings import Settings
from relay.single_flight import SingleFlight

log = logging.getLogger(__name__)

#: Failures of the cache's Redis work that turn a lookup into a miss (the job then
#: takes the ordinary path, which has its own fallback): never a failed request.
CACHE_ERRORS: tuple[type[BaseException], ...] = (*REDIS_DOWN_ERRORS, RedisError)


@dataclass(frozen=True)
class ChatRequest:
    """A validated POST /api/chat/start body."""

    message: str
    project: str
    model: str
    personality: str
    use_cache: bool
    #: The id of the project's latest exchange this one replaces (regenerate, edit).
    replaces: str | None = None
    #: Whether a paraphrase may answer it (``cache: "exact"`` asks for exact only).
    semantic: bool = True

    @classmethod
    def parse(cls, body: dict[str, Any], settings: Settings) -> ChatRequest:
        message = validation.message(body.get("message"), settings.max_message_bytes)
        project = validation.project(body.get("project") or DEFAULT_PROJECT)
        model = validation.optional_string(body, "model", models.MAX_MODEL_NAME_CHARS)
        model = model or settings.default_model
        if models.resolve(settings, model) is None:
            configured = ", ".join(route.name for route in models.catalog(settings))
            raise bad_request("unknown_model", f"unknown model {model!r}; configured: {configured}")
        personality = validation.optional_string(body, "personality", 4000)
        use_cache = body.get("cache", True)
        semantic = use_cache is True
        if use_cache == "exact":
            use_cache = True
        if not isinstance(use_cache, bool):
            raise bad_request("invalid_cache", 'cache must be true, false or "exact"')
        replaces = body.get("replaces")
        if replaces is not None and (not isinstance(replaces, str) or not 1 <= len(replaces) <= 64):
            raise bad_request("invalid_replaces", "replaces must be the id of an exchange")
        # Asking for another answer (regenerate) or to a changed message (edit) must
        # reach the agent: an answer replaced is never served from the cache.
        if replaces is not None:
            use_cache = False
        semantic = semantic and use_cache
        return cls(message, project, model, personality, use_cache, replaces, semantic)


class ChatService:
    """Turns chat requests into jobs: a cached answer, the identical running job, or a new one."""

    def __init__(
        self,
        settings: Settings,
        queue: JobQueue,
        responses: ResponseCache | None = None,
        flights: SingleFlight | None = None,
        recent: RecentJobs | None = None,
        history: HistoryStore | None = None,
        semantic: SemanticTier | None = None,
    ) -> None:
        self._settings = settings
        self._admission = Admission(settings, queue.backlog)
        self._semantic = semantic
        self._history = history
        self._queue = queue
        self._responses = responses
        self._flights = flights
        #: Where a hit's events are kept so its stream replays from memory.
        self._recent = recent

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
            traceparent=telemetry.inject_traceparent(),
        )

    async def start(self, request: ChatRequest) -> Job:
        """The job answering ``request``: from the cache, joined, or enqueued."""
        job = self.new_job(request)
        # Admission first: a refused chat must leave nothing changed (history, flights).
        backend = _backend_of(self._settings, job.model)
        if backend:
            await self._admission.admit(backend)
        if request.replaces is not None:
            await self._replace(request.project, request.replaces)
        if self._responses is not None and self._responses.applies(job.model, job.use_cache):
            semantic = request.semantic and self._responses.semantic_applies(job.model)
            reused = await self._reuse(self._responses, job, semantic)
            if reused is not None:
                return reused
        with telemetry.tracer.start_as_current_span(
            f"send {telemetry.JOBS_DESTINATION}",
            kind=SpanKind.PRODUCER,
            attributes=telemetry.messaging_attributes("send", job.id),
        ) as span:
            job.traceparent = telemetry.inject_traceparent()  # the consumer continues here
            channel = await self._queue.submit(job, backend)
            if channel.mode != "redis":
                span.set_attributes(telemetry.messaging_attributes("send", job.id, channel.mode))
        telemetry.JOBS_SUBMITTED.labels(channel.mode).inc()
        if job.embedding_deferred and channel.mode == "redis" and self._semantic is not None:
            self._semantic.file_later(job.id, job.project, job.message)
        return job

    async def _replace(self, project: str, entry_id: str) -> None:
        """Take the exchange being regenerated or edited out of the conversation.

        Only the latest exchange can be replaced: the new turn takes its place at
        the end, with the conversation before it as its context.
        """
        if self._history is None:
            raise conflict("this server keeps no history to replace an exchange in")
        removal = await self._history.remove(project, entry_id, latest_only=True)
        if removal is Removal.NOT_FOUND:
            raise not_found(f"project {project} has no exchange {entry_id}")
        if removal is Removal.NOT_LATEST:
            raise conflict(f"only the latest exchange can be replaced, not {entry_id}")
        if self._responses is not None:
            await self._responses.invalidate_project(project)

    async def _reuse(self, responses: ResponseCache, job: Job, semantic: bool) -> Job | None:
        """A finished job with the cached answer, or the identical job already running.

        None means ``job`` must run (its ``cache_key`` is set, and it holds the
        single-flight marker when Redis allowed). Redis being unreachable only
        means a miss: the job then goes to the file fallback like any other.
        The semantic tier is asked only when the exact one missed.
        """
        lookup_started = time.time()
        try:
            generation, fingerprint = await responses.context_of(job.project)
        except CACHE_ERRORS:
            return None
        scoped_model = responses.model_scope(job.model)  # the upstream's, for a route
        job.cache_key = answer_key(
            scoped_model, job.personality, job.project, generation, fingerprint, job.message
        )
        answer = await responses.lookup(job.cache_key)
        count("exact", "miss" if answer is None else "hit")  # l1/l2 count where it was found
        match: Match | None = None
        if answer is None and semantic and self._semantic is not None:
            scope = cache_scope(scoped_model, job.personality, job.project, generation, fingerprint)
            if not await self._semantic.could_match(job.project, scope):
                count("semantic", "miss")  # nothing to match: embedded once submitted
                job.embedding_deferred = True
            else:
                match, vector = await self._semantic.find(job.project, scope, job.message)
                if match is not None:
                    answer = await responses.lookup(match.entry.answer_key)
                if answer is not None and match is not None and vector is not None:
                    await self._semantic.add_paraphrase(
                        job.project, scope, job.message, vector, match
                    )
                elif vector is not None:
                    match = None
                    job.prompt_embedding = encode_vector(vector)  # the watcher files it
        if answer is not None:
            try:
                hit = await self._store_hit(job, answer, lookup_started, match)
            except CACHE_ERRORS as exc:
                log.debug("cache hit not served job_id=%s: %s", job.id, exc)
                return None
            telemetry.JOBS_SUBMITTED.labels("cache").inc()
            return hit
        if self._flights is None:
            return None
        try:
            running = await self._flights.join_or_claim(job)
        except CACHE_ERRORS:
            return None
        if running is not None:
            telemetry.JOBS_SUBMITTED.labels("single_flight").inc()
        return running

    async def _store_hit(
        self, job: Job, answer: CachedAnswer, lookup_started: float, match: Match | None
    ) -> Job:
        """Store a finished job replaying ``answer``'s chunks, then ``done`` (cached).

        ``match`` is the semantic tier's (None: an exact hit); ``done`` then carries
        its similarity, and the history entry the question it paraphrased.
        """
        tier = "exact" if match is None else "semantic"
        hit = dataclasses.replace(job, result=answer.result, cached=tier)
        events: list[tuple[EventType, dict[str, Any]]] = [
            (EventType.CHUNK, {"text": chunk}) for chunk in answer.chunks
        ]
        done: dict[str, Any] = {"result": answer.result, "cached": tier}
        if match is not None:
            done["similarity"] = round(match.similarity, 4)
        done["timings"] = cached_timings(lookup_started)
        done["finish_reason"] = "stop"  # only whole answers are ever cached
        events.append((EventType.DONE, done))
        # The exchange joins the conversation as if the agent had answered it.
        entry = history.entry(
            user=job.message,
            assistant=answer.result,
            job_id=job.id,
            same_as="" if match is None else match.entry.prompt,
        )
        events_written = await self._queue.store_answered(
            hit, events, event_log_ttl_s=self._settings.event_log_ttl_s, history_entry=entry
        )
        if self._recent is not None:
            self._recent.remember(hit.id, events_written, hit.traceparent)
        log.debug("%s cache hit job_id=%s from job_id=%s", tier, job.id, answer.job_id)
        return hit


def _backend_of(settings: Settings, model: str) -> str:
    route = models.resolve(settings, model)
    return route.backend if route is not None else ""
