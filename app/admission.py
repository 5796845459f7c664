"""Admission: a new chat is refused (503) while its backend's line is full.

The length of the line is read from Redis for every chat, but chats that arrive
together share one read: a burst of a hundred chats would otherwise send a hundred
identical reads (a quarter of a chat start's CPU in a burst, by profile). A chat
arriving once a read is done starts a new one, so chats sent one after another
each see the line as their predecessors left it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from app.errors import queue_full
from relay.settings import Settings


class Admission:
    """Checks a backend's line before a chat joins it."""

    def __init__(self, settings: Settings, read_backlog: Callable[[str], Awaitable[int]]) -> None:
        self._max_length = settings.queue_max_length
        self._retry_after_s = settings.queue_retry_after_s
        self._read_backlog = read_backlog
        self._reading: dict[str, asyncio.Future[int]] = {}

    async def admit(self, backend: str) -> None:
        """Raise the 503 ``queue_full`` error when ``backend``'s line is full."""
        waiting = await self._backlog(backend)
        if waiting >= self._max_length:
            raise queue_full(backend, waiting, self._retry_after_s)

    async def _backlog(self, backend: str) -> int:
        reading = self._reading.get(backend)
        if reading is None:
            reading = asyncio.ensure_future(self._read_backlog(backend))
            self._reading[backend] = reading
            reading.add_done_callback(lambda done: self._read_done(backend, done))
        # Shielded: a chat whose client left must not cancel the read the others share.
        return await asyncio.shield(reading)

    def _read_done(self, backend: str, reading: asyncio.Future[int]) -> None:
        self._reading.pop(backend, None)
        if not reading.cancelled():
            reading.exception()  # retrieved here too: every chat sharing it may have left
