"""``create_app(settings)``: builds clients, middleware, resources and routes. Wiring only."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import Any

import falcon
import falcon.asgi
import orjson
import redis.asyncio as aioredis
from falcon import media

from app import errors
from app.access import access_middleware, add_access_routes
from app.chat import ChatService
from app.first_token import FirstTokenRecorder
from app.middleware import telemetry_middleware
from app.queue import JobQueue, RedisUnavailableError
from app.resources.chat import (
    ActiveJobResource,
    ChatAnswersResource,
    ChatCancelResource,
    ChatStartResource,
    ChatStatusResource,
)
from app.resources.conversations import (
    ProjectDeleteResource,
    ProjectRenameResource,
    ProjectsResource,
)
from app.resources.events import EventStreamResource
from app.resources.health import (
    HealthProbeResource,
    HealthResource,
    MetricsRefresher,
    ModelsResource,
    QueueStatusResource,
)
from app.resources.history import (
    HistoryClearResource,
    HistoryDeleteResource,
    HistoryResource,
    HistorySaveResource,
)
from app.resources.metrics import MetricsResource
from relay import keys, telemetry
from relay.cache import BoundedMemoryCache, TieredCache, make_redis_tier
from relay.connections import REDIS_DOWN_ERRORS, connect, is_cluster
from relay.conversations import ConversationStore
from relay.embeddings import BatchingEmbedder
from relay.emitter import EventEmitter
from relay.fallback import FileChannel, FileJobQueue
from relay.history import HistoryStore, adopt_legacy_projects
from relay.hub import EventHub
from relay.logs import configure_logging
from relay.recent import RecentJobs
from relay.redis_queue import RedisJobQueue
from relay.response_cache import ResponseCache
from relay.semantic_cache import SemanticTier, semantic_index
from relay.semantic_handoff import SemanticHandoff
from relay.settings import Settings
from relay.single_flight import SingleFlight, marker_ttl_s

log = logging.getLogger(__name__)

#: Pool size of one app process for requests (the hub's feeds have their own, one per
#: node). Still O(1) in the number of clients; 8 was too few at 1,000 streams opening at
#: once on a busy 2-core machine: their lookups queued past the pool's wait (503).
APP_REDIS_CONNECTIONS = 32


class Lifecycle:
    """Start-up and shut-down of the process-wide clients (Falcon lifespan hooks)."""

    def __init__(
        self,
        hub: EventHub,
        redis: aioredis.Redis,
        caches: tuple[TieredCache, ...] = (),
        semantic: SemanticTier | None = None,
    ) -> None:
        self._hub = hub
        self._redis = redis
        self._caches = caches
        self._semantic = semantic
        self._flusher: asyncio.Task[None] | None = None

    async def process_startup(self, scope: dict[str, Any], event: dict[str, Any]) -> None:
        await self._hub.start()
        with contextlib.suppress(*REDIS_DOWN_ERRORS):  # the next start adopts them then
            if moved := await adopt_legacy_projects(self._redis):
                log.info("moved %d projects into the sharded registry", moved)
        if self._semantic is not None:
            await self._semantic.warm()  # the model loads once per process, before any chat
        self._flusher = asyncio.create_task(telemetry.CHUNK_DELIVERY_BUFFER.flush_periodically())
        log.info("app started")

    async def process_shutdown(self, scope: dict[str, Any], event: dict[str, Any]) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
        telemetry.CHUNK_DELIVERY_BUFFER.flush()
        await self._hub.stop()
        for cache in self._caches:
            await cache.close()
        if self._semantic is not None:
            await self._semantic.settle()  # prompts being filed: a few milliseconds each
            self._semantic.close()
        await self._redis.aclose()


def semantic_tier(settings: Settings, redis: aioredis.Redis) -> SemanticTier | None:
    """The app's semantic tier: the index and this process's embedding model."""
    index = semantic_index(settings, redis)
    if index is None:
        return None
    embedder = BatchingEmbedder(wait_s=settings.semantic_cache_wait_ms / 1000)
    return SemanticTier(index, embedder, SemanticHandoff(redis))


def create_app(
    settings: Settings | None = None,
) -> falcon.asgi.App[falcon.asgi.Request, falcon.asgi.Response]:
    """The Relay ASGI application."""
    settings = settings or Settings.from_env()
    configure_logging("app")
    keys.use_shards(settings.redis_shards)
    redis = connect(
        settings,
        APP_REDIS_CONNECTIONS,
        blocking=True,
        client_name=f"relay-app-{os.getpid()}",
    )
    emitter = EventEmitter(redis, settings.event_log_ttl_s, wait_replicas=settings.wait_replicas)
    hub = EventHub(redis, settings.sse_heartbeat_s)
    queue = JobQueue(
        RedisJobQueue(redis, emitter, hub),
        FileJobQueue(FileChannel(settings.fallback_dir), settings.sse_heartbeat_s),
    )
    history = HistoryStore(redis)
    # Caches: answers in L1 + L2 (L2 on aiocache's own tiny pool, named like ours),
    # finished jobs' snapshots in L1 only.
    answers = TieredCache(
        BoundedMemoryCache(settings.cache_l1_max_entries),
        make_redis_tier(
            settings.effective_redis_url,
            f"relay-app-{os.getpid()}",
            redis if is_cluster(redis) else None,
        ),
        settings.cache_ttl_s,
    )
    snapshots = TieredCache(
        BoundedMemoryCache(settings.cache_l1_max_entries),
        None,
        settings.cache_snapshot_max_age_s,
        tier_names=("snapshot", "snapshot"),
    )
    semantic = semantic_tier(settings, redis)
    responses = ResponseCache(redis, answers, settings, semantic.index if semantic else None)
    flights = SingleFlight(redis, marker_ttl_s(settings.job_timeout_s))
    recent = RecentJobs()
    chats = ChatService(settings, queue, responses, flights, recent, history, semantic)
    conversations = ConversationStore(redis)

    access = access_middleware(settings)
    middleware = [
        *telemetry_middleware(),  # first: it times everything, 401s included
        *access,
        Lifecycle(hub, redis, (answers,), semantic),
    ]
    app = falcon.asgi.App(middleware=middleware, cors_enable=False)
    json_handler = media.JSONHandler(dumps=orjson.dumps, loads=orjson.loads)
    app.req_options.media_handlers[falcon.MEDIA_JSON] = json_handler
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = json_handler
    app.set_error_serializer(errors.serialize_error)
    for error in (RedisUnavailableError, aioredis.ConnectionError, aioredis.TimeoutError):
        app.add_error_handler(error, errors.redis_unavailable)

    add_access_routes(app, access)
    app.add_route("/metrics", MetricsResource(refresh=MetricsRefresher(settings, queue).refresh))
    health = HealthResource(settings, queue, hub)
    app.add_route("/api/health", health)
    app.add_route("/health", HealthProbeResource(health, queue))
    app.add_route("/api/queue/status", QueueStatusResource(settings, queue))
    app.add_route("/api/models", ModelsResource(settings))
    app.add_route("/api/chat/start", ChatStartResource(settings, chats))
    status = ChatStatusResource(settings, queue, snapshots)
    app.add_route("/api/chat/status", status)
    app.add_route("/api/chat/status/{job_id}", status, suffix="job")
    app.add_route("/api/chat/answers", ChatAnswersResource(queue, settings.max_message_bytes))
    app.add_route("/api/chat/cancel", ChatCancelResource(queue))
    app.add_route("/api/active/{project}", ActiveJobResource(queue))
    app.add_route(
        "/api/sse/status/{job_id}",
        EventStreamResource(
            queue,
            settings.sse_retry_ms,
            recent,
            FirstTokenRecorder(redis, settings, emitter.batcher),
        ),
    )
    app.add_route("/api/projects", ProjectsResource(conversations))
    app.add_route("/api/projects/rename", ProjectRenameResource(conversations))
    app.add_route(
        "/api/projects/delete", ProjectDeleteResource(conversations, responses.invalidate_project)
    )
    app.add_route("/api/history/{project}", HistoryResource(history))
    app.add_route("/api/history/save", HistorySaveResource(history, settings.max_message_bytes))
    app.add_route(
        "/api/history/delete", HistoryDeleteResource(history, responses.invalidate_project)
    )
    app.add_route("/api/history/clear", HistoryClearResource(history, responses.invalidate_project))
    return app
