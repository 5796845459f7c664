"""Health, queue status and the model list."""

from __future__ import annotations

import os

import falcon

from app.hub import EventHub
from app.queue import JobQueue
from relay import models, queue_health, telemetry
from relay.connections import REDIS_DOWN_ERRORS
from relay.redis_queue import live_watchers
from relay.settings import Settings


class HealthResource:
    """GET /api/health and /health: Redis, watchers' heartbeats, mode."""

    def __init__(self, settings: Settings, queue: JobQueue, hub: EventHub) -> None:
        self._settings = settings
        self._queue = queue
        self._hub = hub

    async def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        redis_ok = await self._queue.redis_reachable()
        watchers = []
        if redis_ok:
            try:
                watchers = await live_watchers(
                    self._queue.redis.redis, self._settings.watcher_dead_after_s
                )
            except REDIS_DOWN_ERRORS:
                redis_ok = False
        telemetry.WATCHERS_ALIVE.set(len(watchers))
        resp.media = {
            "status": "ok" if redis_ok and watchers else "degraded",
            "redis": redis_ok,
            "mode": "redis" if redis_ok else "file",
            "watchers": watchers,
            "fallback_queued": len(self._queue.files.channel.queued_ids()),
            "process": {
                "pid": os.getpid(),
                # Redis-mode streams (hub subscriptions) + file-mode ones (folder watch).
                "sse_streams": self._hub.subscription_count
                + self._queue.files.events_watch.subscriber_count,
            },
        }
        resp.set_header("Cache-Control", "no-store")


class HealthProbeResource:
    """GET /health: open to probes, so it says only ``up`` or ``down`` to anonymous callers.

    Up means a chat sent now would be accepted: Redis answers, or the file fallback
    can take it. A caller with the token (or any caller when none is configured) gets
    the details of ``/api/health`` instead.
    """

    def __init__(self, details: HealthResource, queue: JobQueue) -> None:
        self._details = details
        self._queue = queue

    async def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.context.get("authenticated"):
            await self._details.on_get(req, resp)
            return
        up = await self._queue.redis_reachable() or os.access(
            self._queue.files.channel.queue, os.W_OK
        )
        resp.media = {"status": "up" if up else "down"}
        resp.status = falcon.HTTP_200 if up else falcon.HTTP_503
        resp.set_header("Cache-Control", "no-store")


class QueueStatusResource:
    """GET /api/queue/status: depth, running jobs, watchers alive."""

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        self._settings = settings
        self._queue = queue

    async def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        try:
            status = await self._queue.redis.queue_status(self._settings.watcher_dead_after_s)
            status["mode"] = "redis"
        except REDIS_DOWN_ERRORS:
            status = {"queue_depth": None, "running": [], "watchers_alive": None, "mode": "file"}
        status["fallback_queued"] = len(self._queue.files.channel.queued_ids())
        resp.media = status
        resp.set_header("Cache-Control", "no-store")


class ModelsResource:
    """GET /api/models: what the browser can offer, whether each works now, and why not."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        listed = []
        for route in models.catalog(self._settings):
            available = models.availability(self._settings, route)
            listed.append(
                {
                    "name": route.name,
                    "backend": route.backend,
                    "prefix": route.is_prefix,
                    "available": available.available,
                    "reason": available.reason,
                    "test": route.backend in models.TEST_BACKENDS,
                }
            )
        resp.media = {
            "models": listed,
            "default": self._settings.default_model,
            "show_test_models": self._settings.show_test_models,
        }


class MetricsRefresher:
    """Sets the gauges whose truth lives in Redis just before each /metrics scrape.

    Queue health is measured here, by the app, because a stuck or saturated watcher
    cannot report on itself (relay/queue_health.py).
    """

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        self._settings = settings
        self._queue = queue

    async def refresh(self) -> None:
        if not await self._queue.redis_reachable():
            return  # FALLBACK_MODE was just set; the rest is unknowable without Redis
        redis = self._queue.redis.redis
        watchers = await live_watchers(redis, self._settings.watcher_dead_after_s)
        health = await queue_health.measure(redis, self._settings)
        telemetry.WATCHERS_ALIVE.set(len(watchers))
        for backend, waiting in health.waiting.items():
            telemetry.QUEUE_DEPTH.labels(backend).set(waiting)
        telemetry.QUEUE_OLDEST_JOB_AGE.set(health.oldest_age_s)
