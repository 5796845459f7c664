"""Conversations as the sidebar lists them: one per project, with a title.

A conversation's title is the one the user gave it (``rename``), else the start of
its first message, else "New chat". Search matches the title and the text
of every exchange (message and answer), case-insensitively.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import redis.asyncio as aioredis

from relay import keys
from relay.history import decode, known_projects

#: Characters of the first message a derived title keeps.
TITLE_CHARS = 60
#: The title of a conversation with nothing in it yet.
NEW_TITLE = "New chat"
#: Longest title a user may give.
MAX_TITLE_CHARS = 120


@dataclass(frozen=True, slots=True)
class Conversation:
    """One entry of the sidebar."""

    project: str
    title: str
    renamed: bool
    exchanges: int
    updated_ts: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def derived_title(first_message: str) -> str:
    """The title of a conversation nobody renamed: its first message, shortened."""
    words = " ".join(first_message.split())
    if not words:
        return NEW_TITLE
    if len(words) <= TITLE_CHARS:
        return words
    return words[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


class ConversationStore:
    """Titles, listing, search, rename and delete of conversations in Redis."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def list(self, query: str = "") -> list[Conversation]:
        """Every conversation (matching ``query`` when given), most recent first."""
        names = await known_projects(self._redis)
        if not names:
            return []
        needle = query.casefold().strip()
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in names:
                history = keys.project_history(name)
                pipe.hget(keys.project_meta(name), "title")
                pipe.llen(history)
                pipe.lindex(history, 0)
                pipe.lindex(history, -1)
                if needle:
                    pipe.lrange(history, 0, -1)
            replies = await pipe.execute()
        per_project = 5 if needle else 4
        found = []
        for index, name in enumerate(names):
            title_raw, count, first_raw, last_raw, *everything = replies[
                index * per_project : (index + 1) * per_project
            ]
            first = decode(first_raw) if first_raw else None
            last = decode(last_raw) if last_raw else None
            title = title_raw.decode() if title_raw else ""
            conversation = Conversation(
                project=name,
                title=title or derived_title(str((first or {}).get("user", ""))),
                renamed=bool(title),
                exchanges=int(count),
                updated_ts=float((last or {}).get("ts") or 0),
            )
            if needle and not _matches(conversation, everything[0], needle):
                continue
            found.append(conversation)
        return sorted(found, key=lambda c: (-c.updated_ts, c.project))

    async def rename(self, project: str, title: str) -> None:
        """Give ``project`` a title of the user's; an empty title goes back to the derived one."""
        meta = keys.project_meta(project)
        async with self._redis.pipeline(transaction=False) as pipe:  # two slots, title first
            if title:
                pipe.hset(meta, "title", title)
            else:
                pipe.hdel(meta, "title")
            pipe.sadd(keys.project_registry(project), project)
            await pipe.execute()

    async def delete(self, project: str) -> bool:
        """Forget the conversation: its history, title and listing. False if it was unknown."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.srem(keys.project_registry(project), project)
            pipe.delete(keys.project_history(project), keys.project_meta(project))
            removed, _ = await pipe.execute()
        return bool(removed)


def _matches(conversation: Conversation, raw_entries: list[bytes], needle: str) -> bool:
    if needle in conversation.title.casefold():
        return True
    for raw in raw_entries:
        item = decode(raw)
        if item is None:
            continue
        text = f"{item.get('user', '')}\n{item.get('assistant', '')}"
        if needle in text.casefold():
            return True
    return False
