"""The app and the watcher run on the configured event loop: uvloop by default."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from relay.settings import Settings
from tests.support.processes import AppServer, WatcherProcess


def loaded_uvloop(pid: int) -> bool:
    """Whether the process has uvloop's extension module mapped (it imported uvloop)."""
    return "uvloop/loop.cpython" in Path(f"/proc/{pid}/maps").read_text()


def test_the_app_worker_and_the_watcher_run_on_uvloop_by_default(
    app_server: AppServer, watcher: Callable[..., WatcherProcess]
) -> None:
    running = watcher()
    workers = psutil.Process(app_server.pid).children(recursive=True)
    assert workers, "Granian runs its app in worker processes"
    assert all(loaded_uvloop(worker.pid) for worker in workers)
    assert loaded_uvloop(running.pid)


def test_asyncio_can_be_chosen_and_anything_else_is_refused(
    watcher: Callable[..., WatcherProcess],
) -> None:
    running = watcher(event_loop="asyncio")
    assert not loaded_uvloop(running.pid)
    with pytest.raises(ValueError, match="RELAY_EVENT_LOOP='trio' is not one of uvloop, asyncio"):
        dataclasses.replace(Settings(), event_loop="trio")
