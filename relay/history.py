"""Per-project conversation history: every ended turn, each with a stable id.

An entry is one exchange: the user's message, the answer (whole or as far as it
got), its ``outcome`` (``complete``, ``cancelled`` or ``error``), the questions the
agent asked with the user's answers (``qa``), and an ``id`` that delete, edit and
regenerate address. A job's exchange has the job's id as its id, so the page can
address an exchange as soon as its job has one. :func:`entry` is the one place an
entry is built (the watcher, the app's cancel and the cache hit all use it).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Sequence
from enum import Enum
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from relay import keys
from relay.batching import Call, CommandBatcher, raise_errors
from relay.connections import text

#: Exchanges kept per project; older ones are trimmed.
MAX_EXCHANGES = 1000
#: Outcomes an entry may have (the job's finished statuses).
OUTCOMES = ("complete", "cancelled", "error")


def entry(
    *,
    user: str,
    assistant: str,
    outcome: str = "complete",
    job_id: str | None = None,
    error: str = "",
    qa: Sequence[dict[str, Any]] = (),
    ts: float | None = None,
    same_as: str = "",
) -> dict[str, Any]:
    """One history entry; its id is the job's id, or a new random one without a job."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    item: dict[str, Any] = {
        "id": job_id or secrets.token_urlsafe(16),
        "job_id": job_id,
        "user": user,
        "assistant": assistant,
        "outcome": outcome,
        "ts": time.time() if ts is None else ts,
    }
    if error:
        item["error"] = error
    if qa:
        item["qa"] = [dict(round_) for round_ in qa]
    if same_as:
        # A semantic cache hit: the question it paraphrased, which the cache's
        # fingerprint counts instead (so the exchange counts once, like a repeat).
        item["same_as"] = same_as
    return item


def qa_round(questions: Sequence[Any], answers: Sequence[Any]) -> dict[str, Any]:
    """One round of the agent's questions and the user's answers, as an entry keeps it."""
    return {"questions": list(questions), "answers": list(answers)}


def is_complete(item: dict[str, Any]) -> bool:
    """Whether an entry is a finished answer (entries from before outcomes were kept are)."""
    return bool(item.get("outcome", "complete") == "complete")


def decode(raw: bytes | str) -> dict[str, Any] | None:
    """An entry from its stored form, with an id even if it was stored without one.

    Entries written before ids existed get one derived from their bytes: stable,
    because an entry is never rewritten in place. None for anything undecodable.
    """
    try:
        item = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(item, dict):
        return None
    if not item.get("id"):
        stored = raw.encode() if isinstance(raw, str) else raw
        item["id"] = "h" + hashlib.sha256(stored).hexdigest()[:22]
    item.setdefault("outcome", "complete")
    return item


#: The one projects set of the layout before the registry was sharded.
LEGACY_PROJECTS_SET = f"{keys.NAMESPACE}:projects"


async def adopt_legacy_projects(redis: aioredis.Redis) -> int:
    """Move the projects listed in :data:`LEGACY_PROJECTS_SET` into the sharded registry.

    A Redis written by an earlier Relay keeps its conversations listed after the
    upgrade. Idempotent (SADD, then the old set is deleted); how many were moved.
    """
    names = await redis.smembers(LEGACY_PROJECTS_SET)
    if not names:
        return 0
    async with redis.pipeline(transaction=False) as pipe:
        for name in names:
            project = text(name)
            pipe.sadd(keys.project_registry(project), project)
        await pipe.execute()
    await redis.delete(LEGACY_PROJECTS_SET)
    return len(names)


async def known_projects(redis: aioredis.Redis) -> list[str]:
    """Every project in the registry (all its shards), sorted."""
    async with redis.pipeline(transaction=False) as pipe:
        for registry in keys.projects_registries():
            pipe.smembers(registry)
        shards = await pipe.execute()
    return sorted({text(name) for names in shards for name in names})


def append_calls(project: str, item: dict[str, Any]) -> list[Call]:
    """The commands appending ``item`` to ``project``'s history, per slot.

    The history (``{project}`` slot) and the project's registry shard are two slots;
    the history is written first.
    """
    history_key, registry = keys.project_history(project), keys.project_registry(project)
    return [
        (
            history_key,
            [
                # Names as str: a redis-py cluster pipeline looks them up to route.
                ("RPUSH", history_key, orjson.dumps(item)),
                ("LTRIM", history_key, -MAX_EXCHANGES, -1),
            ],
        ),
        (registry, [("SADD", registry, project)]),
    ]


def queue_append(pipe: Pipeline, project: str, item: dict[str, Any]) -> None:
    """Add :func:`append_calls`' commands to ``pipe`` (a non-transactional pipeline)."""
    for _, commands in append_calls(project, item):
        for command in commands:
            pipe.execute_command(*command)


class Removal(Enum):
    """What :meth:`HistoryStore.remove` did."""

    REMOVED = "removed"
    NOT_FOUND = "not_found"
    NOT_LATEST = "not_latest"


class HistoryStore:
    """History lists in Redis, shared by the watcher (writes) and the app (reads).

    With a ``batcher``, appends and reads of many jobs at once travel together (the
    watcher's, where every job reads its context and appends its exchange).
    """

    def __init__(self, redis: aioredis.Redis, batcher: CommandBatcher | None = None) -> None:
        self._redis = redis
        self._batcher = batcher

    async def append(self, project: str, item: dict[str, Any]) -> None:
        if self._batcher is None:
            async with self._redis.pipeline(transaction=False) as pipe:  # two slots
                queue_append(pipe, project, item)
                await pipe.execute()
            return
        for replies in await self._batcher.execute(*append_calls(project, item)):
            raise_errors(replies)

    async def entries(self, project: str, last: int = MAX_EXCHANGES) -> list[dict[str, Any]]:
        """The project's last ``last`` entries, oldest first."""
        history_key = keys.project_history(project)
        if self._batcher is None:
            raw = await self._redis.lrange(history_key, -last, -1)
        else:
            ((raw,),) = await self._batcher.execute(
                (history_key, [(b"LRANGE", history_key, -last, -1)])
            )
            raise_errors([raw])
        return [item for item in map(decode, raw) if item is not None]

    async def remove(self, project: str, entry_id: str, *, latest_only: bool = False) -> Removal:
        """Remove the entry ``entry_id``; with ``latest_only``, only if it is the newest.

        The entry is removed by its exact stored bytes (LREM), which contain its
        unique id: whatever else changed in the list meanwhile, only that entry goes.
        """
        key = keys.project_history(project)
        raw_items = await self._redis.lrange(key, 0, -1)
        for position in range(len(raw_items) - 1, -1, -1):
            raw = raw_items[position]
            item = decode(raw)
            if item is None or item["id"] != entry_id:
                continue
            if latest_only and position != len(raw_items) - 1:
                return Removal.NOT_LATEST
            removed = await self._redis.lrem(key, 1, raw)  # type: ignore[arg-type]  # redis-py's stubs say str; bytes are sent as they are
            return Removal.REMOVED if removed else Removal.NOT_FOUND
        return Removal.NOT_FOUND

    async def clear(self, project: str) -> None:
        await self._redis.delete(keys.project_history(project))

    async def projects(self) -> list[str]:
        return await known_projects(self._redis)
