"""Exchanges answered in file mode, kept in the fallback folder until Redis has them.

A watcher ending a file-mode job (or the app taking back a queued one on cancel)
writes its exchange to ``history/<job>.json`` (atomically) instead of the Redis
history, which may be unreachable. Whenever Redis
answers, :meth:`FileHistory.replay` appends the waiting exchanges to their projects'
histories in the order they were answered, and lists the projects. Replay is
idempotent (a per-project set of replayed job ids), so two watchers replaying at
once, or a watcher killed between the append and the file's removal, never write an
exchange twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import orjson
import redis.asyncio as aioredis

from relay import keys
from relay.atomic_files import atomic_write
from relay.history import MAX_EXCHANGES

#: Appends one exchange unless its job id was replayed before.
#: KEYS: history list, replayed set. ARGV: job id, entry, max exchanges, marker ttl.
_REPLAY_ONE = """
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
end
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""
#: How long the replayed-ids set of a project is kept after its last replay.
REPLAYED_TTL_S = 7 * 24 * 3600


class FileHistory:
    """The ``history/`` folder of the fallback: save, read back, replay into Redis."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._replaying = asyncio.Lock()

    def save(self, project: str, entry: dict[str, Any]) -> None:
        """Keep ``entry`` (it carries ``job_id`` and ``ts``) until it is replayed."""
        record = {"project": project, "entry": entry}
        atomic_write(self.folder / f"{entry['job_id']}.json", orjson.dumps(record))

    def pending(self, project: str | None = None) -> list[tuple[Path, str, dict[str, Any]]]:
        """Waiting exchanges (path, project, entry), oldest answer first."""
        found = []
        for path in self.folder.glob("*.json"):
            with contextlib.suppress(FileNotFoundError, orjson.JSONDecodeError):
                record = orjson.loads(path.read_bytes())
                if project is None or record["project"] == project:
                    found.append((path, record["project"], record["entry"]))
        return sorted(found, key=lambda item: (item[2].get("ts", 0), item[0].name))

    async def replay(self, redis: aioredis.Redis) -> int:
        """Append every waiting exchange to Redis, in order; how many were handled.

        Raises what Redis raises when it is unreachable; what was replayed stays so.
        """
        async with self._replaying:
            done = 0
            for path, project, entry in self.pending():
                async with redis.pipeline(transaction=False) as pipe:
                    pipe.eval(
                        _REPLAY_ONE,
                        2,
                        keys.project_history(project),
                        keys.project_replayed(project),
                        entry["job_id"],
                        orjson.dumps(entry),
                        MAX_EXCHANGES,
                        REPLAYED_TTL_S,
                    )
                    pipe.sadd(keys.project_registry(project), project)
                    await pipe.execute()
                path.unlink(missing_ok=True)
                done += 1
            return done
