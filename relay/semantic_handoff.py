"""Filing the semantic entry of a prompt that was embedded after its job started.

A prompt whose scope holds no entries cannot be a semantic hit, and that is most
prompts: a scope holds the question just answered, so only a question asked again
right after its answer finds anything there. Such a prompt's vector is needed only to
file its answer for a later paraphrase, so the app embeds it once the job is
submitted, off the chat's path (``Job.embedding_deferred``).

The entry then needs two halves: the vector (the app's, a few milliseconds after the
submit) and the exact key and scope of the stored answer (the watcher's, when the job
completes). Each side offers its half with one script in the job's hash slot, which
hands back the other half if it is already there (and deletes it), or else leaves its
own for the other side, with a TTL. Whichever side comes second files the entry, so
it is filed exactly once, in either order; a half nobody takes (the model was busy,
the answer was not cached) expires.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
import redis.asyncio as aioredis

from relay import keys
from relay.embeddings import Vector
from relay.semantic_cache import decode_vector, encode_vector

#: How long a half waits for the other (longer than any job runs).
HALF_TTL_MS = 3_600_000

#: KEYS[1] my half, KEYS[2] the other's; ARGV[1] my half's value, ARGV[2] its TTL (ms).
_TAKE_OR_LEAVE = """
local theirs = redis.call('GET', KEYS[2])
if theirs then
  redis.call('DEL', KEYS[2])
  return theirs
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
"""


@dataclass(frozen=True)
class Filing:
    """Where a completed job's answer is stored: the watcher's half of the entry."""

    project: str
    scope: str
    answer_key: str
    prompt: str

    def to_json(self) -> bytes:
        return orjson.dumps([self.project, self.scope, self.answer_key, self.prompt])

    @classmethod
    def from_json(cls, raw: bytes | str) -> Filing | None:
        try:
            project, scope, answer_key, prompt = orjson.loads(raw)
        except (orjson.JSONDecodeError, TypeError, ValueError):
            return None
        return cls(str(project), str(scope), str(answer_key), str(prompt))


class SemanticHandoff:
    """The two sides' offers of their halves of a deferred entry."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._take_or_leave = redis.register_script(_TAKE_OR_LEAVE)

    async def offer_vector(self, job_id: str, vector: Vector) -> Filing | None:
        """The app's half: the watcher's filing if it came first (then file it), else None."""
        theirs = await self._offer(job_id, "vector", "filing", encode_vector(vector))
        return None if theirs is None else Filing.from_json(theirs)

    async def offer_filing(self, job_id: str, filing: Filing) -> Vector | None:
        """The watcher's half: the app's vector if it came first (then file it), else None."""
        theirs = await self._offer(job_id, "filing", "vector", filing.to_json())
        if theirs is None:
            return None
        return decode_vector(theirs.decode() if isinstance(theirs, bytes) else theirs)

    async def _offer(self, job_id: str, mine: str, other: str, value: str | bytes) -> bytes | None:
        halves = [keys.job_semantic_half(job_id, mine), keys.job_semantic_half(job_id, other)]
        theirs: bytes | None = await self._take_or_leave(keys=halves, args=[value, HALF_TTL_MS])
        return theirs
