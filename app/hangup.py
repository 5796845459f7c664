"""Noticing that an SSE client has gone, without waiting for a write to fail.

Once a client disconnects, Granian's ``send()`` quietly does nothing, so a stream
that only writes never learns it is talking to no one: it would run until its job
ends. The ASGI server says so on the request's ``receive`` channel instead
(``http.disconnect``). :class:`Hangup` waits for that message in one small task per
stream and tells whoever listens (the stream's hub subscription, its file follower),
so the stream ends at once, whatever it was waiting for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import falcon.asgi

Receive = Callable[[], Awaitable[Mapping[str, Any]]]


def request_receive(req: falcon.asgi.Request) -> Receive:
    """The ASGI ``receive`` callable of ``req``.

    Falcon keeps it on the request without a public name for HTTP (its own SSE
    support watches it the same way); the first ``http.request`` message was already
    consumed by Falcon, so for a GET the next message is the disconnect.
    """
    receive: Receive = req._receive
    return receive


class Hangup:
    """Set once the client of one response has disconnected."""

    __slots__ = ("_listeners", "_receive", "_task", "gone")

    def __init__(self, receive: Receive | None = None) -> None:
        self._receive = receive
        self._listeners: list[Callable[[], None]] = []
        self._task: asyncio.Task[None] | None = None
        #: True once the client is gone.
        self.gone = False

    def on_gone(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` when the client goes (at once if it already has)."""
        if self.gone:
            listener()
        else:
            self._listeners.append(listener)

    def start(self) -> None:
        """Start watching the request's ``receive`` channel."""
        if self._receive is not None and self._task is None:
            self._task = asyncio.create_task(self._watch(self._receive), name="sse-hangup")

    def hang_up(self) -> None:
        """The client is gone: tell every listener, once."""
        if self.gone:
            return
        self.gone = True
        listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener()

    async def aclose(self) -> None:
        """Stop watching (the response is over)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch(self, receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass  # a GET has no more body; anything else is not ours to read
        self.hang_up()
