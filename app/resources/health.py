"""Health, queue status and the model list."""

from __future__ import annotations

import os
from typing import Any

import falcon
import falcon.asgi

from app.queue import JobQueue
from relay import models, telemetry
from relay.hub import EventHub
from relay.settings import Settings


class HealthResource:
    """GET /api/health and /health: Redis, watchers' heartbeats, mode, this process's hub.

    ``hub`` is ``"up"`` while the process's event hub runs (subscribed or
    reconnecting) and ``"down"`` when its task has ended: its SSE clients would then
    get nothing but pings, so the process is degraded whatever Redis says.
    """

    def __init__(self, settings: Settings, queue: JobQueue, hub: EventHub) -> None:
        self._settings = settings
        self._queue = queue
        self._hub = hub

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        redis_ok = await self._queue.redis_reachable()
        watchers: list[dict[str, Any]] = []
        if redis_ok:
            watchers = await self._queue.watchers(self._settings.watcher_dead_after_s)
            redis_ok = self._queue.mode == "redis"  # unless Redis went away meanwhile
        telemetry.WATCHERS_ALIVE.set(len(watchers))
        hub_up = self._hub.running
        resp.media = {
            "status": "ok" if redis_ok and watchers and hub_up else "degraded",
            "redis": redis_ok,
            "mode": "redis" if redis_ok else "file",
            "watchers": watchers,
            "fallback_queued": await self._queue.fallback_queued(),
            "hub": "up" if hub_up else "down",
            "process": {
                "pid": os.getpid(),
                # Redis-mode streams (hub subscriptions) + file-mode ones (folder watch).
                "sse_streams": self._hub.subscription_count + self._queue.file_stream_count(),
                "hub_connected": self._hub.connected,
                "hub_malformed_skipped": self._hub.malformed,
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

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
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

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        status = await self._queue.queue_status(self._settings.watcher_dead_after_s)
        resp.media = status
        resp.set_header("Cache-Control", "no-store")


class ModelsResource:
    """GET /api/models: what the browser can offer, whether each works now, and why not."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
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
        watchers = await self._queue.watchers(self._settings.watcher_dead_after_s)
        health = await self._queue.queue_health(self._settings)
        telemetry.WATCHERS_ALIVE.set(len(watchers))
        for backend, waiting in health.waiting.items():
            telemetry.QUEUE_DEPTH.labels(backend).set(waiting)
        telemetry.QUEUE_OLDEST_JOB_AGE.set(health.oldest_age_s)
