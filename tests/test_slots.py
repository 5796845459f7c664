"""Backend slot pools: limits, first-come first-served, places in line, slots given back."""

from __future__ import annotations

import asyncio
import dataclasses
import os

import pytest

from relay import models
from relay.settings import Settings
from watcher import slots as slots_module
from watcher.slots import BackendSlots, SlotPool


@pytest.fixture(autouse=True)
def _no_report_spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Position rounds back to back, so the tests follow every move without waiting."""
    monkeypatch.setattr(slots_module, "REPORT_INTERVAL_S", 0.0)
    monkeypatch.setattr(slots_module, "REPORTS_PER_S", float("inf"))


async def _settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def test_each_backend_has_a_default_fitting_what_it_waits_on() -> None:
    settings = Settings()
    assert models.concurrency(settings, "claude") <= 8  # a handful of CLI processes
    assert models.concurrency(settings, "local") == (os.cpu_count() or 1)
    assert models.concurrency(settings, "openai") >= 100  # sockets only
    assert models.concurrency(settings, "echo") >= 100
    assert models.concurrency(dataclasses.replace(settings, echo_concurrency=3), "echo") == 3


async def test_jobs_beyond_the_limit_wait_in_order_and_hear_their_place() -> None:
    pool = SlotPool("echo", limit=1)
    heard: dict[str, list[int]] = {"b": [], "c": []}
    started: list[str] = []
    release_a = asyncio.Event()

    async def job(name: str, until: asyncio.Event | None = None) -> None:
        async def listener(position: int) -> None:
            heard[name].append(position)

        async with pool.slot(listener):
            started.append(name)
            if until is not None:
                await until.wait()

    a = asyncio.create_task(job("a", release_a))
    await _settle()
    b = asyncio.create_task(job("b", asyncio.Event()))
    await _settle()
    c = asyncio.create_task(job("c"))
    await _settle()
    assert started == ["a"] and pool.waiting == 2
    assert heard == {"b": [1], "c": [2]}

    release_a.set()
    await a
    await _settle()
    assert started == ["a", "b"], "the first in line got the slot"
    assert heard["c"] == [2, 1], "c moved up when b left the line"
    b.cancel()
    await asyncio.gather(b, return_exceptions=True)
    await c
    assert started == ["a", "b", "c"] and pool.busy == 0


async def test_a_job_cancelled_in_line_leaves_it_and_the_others_move_up() -> None:
    pool = SlotPool("claude", limit=1)
    positions: list[int] = []
    hold = asyncio.Event()

    async def holder() -> None:
        async with pool.slot():
            await hold.wait()

    async def positions_of_last(position: int) -> None:
        positions.append(position)

    first = asyncio.create_task(holder())
    await _settle()
    waiting = asyncio.create_task(pool.acquire())
    await _settle()
    last = asyncio.create_task(pool.acquire(positions_of_last))
    await _settle()
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    await _settle()
    assert pool.waiting == 1 and positions == [2, 1]
    hold.set()
    await first
    await last
    assert pool.busy == 1  # ``last`` holds the slot the cancelled waiter never took
    pool.release()
    assert pool.busy == 0


async def test_a_released_slot_serves_another_job_meanwhile() -> None:
    pool = SlotPool("echo", limit=1)
    other_ran = asyncio.Event()
    back = asyncio.Event()

    async def asking() -> None:
        async with pool.slot() as slot:
            async with slot.released():
                await other_ran.wait()  # a person answering, meanwhile
            back.set()

    async def other() -> None:
        async with pool.slot():
            other_ran.set()

    await asyncio.gather(asking(), other())
    assert back.is_set() and pool.busy == 0


def test_the_claim_capacity_counts_only_configured_backends() -> None:
    settings = dataclasses.replace(Settings(), echo_concurrency=5, claude_concurrency=2)
    local = models.concurrency(settings, "local")
    assert BackendSlots(settings).capacity() == 5 + 2 + local
    with_openai = dataclasses.replace(settings, openai_base_url="http://x/v1", openai_concurrency=7)
    assert BackendSlots(with_openai).capacity() == 5 + 2 + local + 7
    assert BackendSlots(settings).for_model("echo").limit == 5
