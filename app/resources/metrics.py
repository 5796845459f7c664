"""GET /metrics: the Prometheus exposition of this app (all Granian workers)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import falcon.asgi

from relay import telemetry

log = logging.getLogger(__name__)


class MetricsResource:
    """Serves ``/metrics`` in the format the scraper asks for (OpenMetrics or text).

    ``refresh`` (optional) runs before each scrape to set gauges whose truth lives
    in Redis (queue depth, watchers alive), so they are fresh whichever worker
    answers; a failing refresh is logged and the scrape still succeeds.
    """

    def __init__(self, refresh: Callable[[], Awaitable[None]] | None = None) -> None:
        self._refresh = refresh

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        """Return every metric; merging worker files runs off the event loop."""
        if self._refresh is not None:
            try:
                await self._refresh()
            except Exception:
                log.exception("refreshing gauges before a scrape failed")
        body, content_type = await asyncio.to_thread(
            telemetry.metrics_exposition, req.get_header("Accept")
        )
        resp.data = body
        resp.content_type = content_type
        resp.cache_control = ["no-store"]
