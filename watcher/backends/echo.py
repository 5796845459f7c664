"""The ``echo`` model: answers with the words of the message, one chunk per word.

Deterministic and free, so tests and load tests measure the relay itself. It counts
its runs so tests can prove that a cached answer did not run a backend.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator

from watcher.backends.base import BackendRequest, Output, TextDelta

_WORD = re.compile(r"\S+\s*")


def echo_chunks(message: str) -> list[str]:
    """The chunks echo streams for ``message``: each word with the whitespace after it."""
    return _WORD.findall(message.lstrip())


class EchoBackend:
    """Streams the prompt's words back every ``interval_ms`` milliseconds."""

    name = "echo"

    def __init__(self, interval_ms: float) -> None:
        self.interval_s = interval_ms / 1000
        self.runs = 0

    async def stream(self, request: BackendRequest) -> AsyncGenerator[Output, None]:
        self.runs += 1
        prompt = request.prompt
        if request.answers:
            prompt = "answers: " + " ".join(str(answer) for answer in request.answers)
        for index, chunk in enumerate(echo_chunks(prompt)):
            if index and self.interval_s:
                await asyncio.sleep(self.interval_s)
            yield TextDelta(chunk)

    async def aclose(self) -> None:
        return None
