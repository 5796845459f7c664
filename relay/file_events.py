"""One inotify watch of the fallback's events folder per process, shared by every stream.

A stream following a file-mode job subscribes to its job id and is woken whenever
that job's event log changes. The watch (one inotify instance, one thread) starts
with the first subscriber and stops with the last, so an outage with hundreds of
open streams needs one instance, far below the per-user inotify limit (often 128).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from watchfiles import awatch

log = logging.getLogger(__name__)

#: inotify batching window; small, so fallback mode still streams promptly.
WATCH_STEP_MS = 10
EVENT_LOG_SUFFIX = ".jsonl"


class EventsFolderWatch:
    """Fans the changes of one folder out to the subscribers of each job id."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._subscribers: defaultdict[str, set[asyncio.Event]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None

    @property
    def subscriber_count(self) -> int:
        return sum(len(events) for events in self._subscribers.values())

    @property
    def watching(self) -> bool:
        return self._task is not None and not self._task.done()

    @contextlib.contextmanager
    def subscribe(self, job_id: str) -> Iterator[asyncio.Event]:
        """An event set whenever ``job_id``'s event log changes (clear it yourself)."""
        changed = asyncio.Event()
        self._subscribers[job_id].add(changed)
        if not self.watching:
            self._task = asyncio.create_task(self._watch())
        try:
            yield changed
        finally:
            waiting = self._subscribers[job_id]
            waiting.discard(changed)
            if not waiting:
                del self._subscribers[job_id]
            if not self._subscribers and self._task is not None:
                self._task.cancel()  # watchfiles stops its thread on cancellation
                self._task = None

    async def _watch(self) -> None:
        try:
            async for changes in awatch(
                self._folder, step=WATCH_STEP_MS, debounce=1000, recursive=False
            ):
                for _change, raw_path in changes:
                    name = Path(raw_path).name
                    if name.endswith(EVENT_LOG_SUFFIX):
                        for changed in self._subscribers.get(name[: -len(EVENT_LOG_SUFFIX)], ()):
                            changed.set()
        except asyncio.CancelledError:
            raise
        except Exception:  # followers still re-read their logs every second meanwhile
            log.exception("watching %s failed", self._folder)
