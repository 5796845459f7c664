"""Admission: chats arriving together share one read of their backend's line."""

from __future__ import annotations

import asyncio
import dataclasses

import falcon
import pytest

from app.admission import Admission
from relay.settings import Settings


class Line:
    """A backend's line whose length is read slowly, counting the reads."""

    def __init__(self, length: int) -> None:
        self.length = length
        self.reads = 0

    async def read(self, backend: str) -> int:
        self.reads += 1
        await asyncio.sleep(0.02)  # a Redis round trip
        return self.length


def admission(line: Line, max_length: int = 10) -> Admission:
    return Admission(dataclasses.replace(Settings(), queue_max_length=max_length), line.read)


async def test_a_burst_shares_one_read_and_chats_one_after_another_each_read() -> None:
    line = Line(3)
    gate = admission(line)
    await asyncio.gather(*(gate.admit("openai") for _ in range(50)))
    assert line.reads == 1
    await gate.admit("openai")
    await gate.admit("openai")
    assert line.reads == 3, "a chat after the burst sees the line as it is now"
    await asyncio.gather(gate.admit("openai"), gate.admit("echo"))
    assert line.reads == 5, "each backend has its own line"


async def test_a_full_line_refuses_every_chat_of_the_burst_with_503() -> None:
    gate = admission(Line(10), max_length=10)
    results = await asyncio.gather(
        *(gate.admit("openai") for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, falcon.HTTPServiceUnavailable) for r in results), results
    error = results[0]
    assert isinstance(error, falcon.HTTPServiceUnavailable)
    assert error.title == "queue_full" and "10 jobs are waiting for the openai" in str(
        error.description
    )


async def test_a_chat_whose_client_left_does_not_cancel_the_shared_read() -> None:
    line = Line(1)
    gate = admission(line)
    leaving = asyncio.create_task(gate.admit("openai"))
    staying = asyncio.create_task(gate.admit("openai"))
    await asyncio.sleep(0)
    leaving.cancel()
    await staying  # still answered
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert line.reads == 1
