"""The semantic tier of the response cache: a paraphrase reuses an earlier answer.

A *scope* is everything the exact key covers except the prompt: model, personality,
project, cache generation and conversation fingerprint
(:func:`relay.response_cache.cache_scope`).
Inside one scope, each answered prompt is kept as an :class:`Entry` (its unit
vector, its :func:`~relay.prompt_signature.signature` and the exact key its answer
is stored under). A lookup embeds the new prompt and takes the nearest entry whose
cosine reaches the threshold *and* whose signature is the same (numbers, negations,
names, units must match); the answer is then read by its exact key.

Because answers are stored under the context that ends with their own exchange,
a scope holds the question just answered (and its paraphrases that were hits): a
handful of entries, so a brute-force dot product beats any vector index. Entries
live in Redis (one list per scope, beside the exact entries and with their TTL)
and in a bounded in-process L1, which also answers when Redis does not.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import orjson
import redis.asyncio as aioredis

from relay import keys, telemetry
from relay.cache import count
from relay.embeddings import DIMENSION, BatchingEmbedder, EmbeddingBusy, Vector
from relay.prompt_signature import signature
from relay.settings import Settings

if TYPE_CHECKING:  # it imports this module's vector codec
    from relay.semantic_handoff import SemanticHandoff

log = logging.getLogger(__name__)

#: Entries kept per scope (the newest): a scope holds one question and its paraphrases.
MAX_ENTRIES_PER_SCOPE = 32
#: Longest a chat waits for its conversation's previous prompt to be filed.
FILING_WAIT_S = 0.5


def encode_vector(vector: Vector) -> str:
    """A vector as base64 of its float32 bytes (how jobs and Redis carry it)."""
    return base64.b64encode(np.asarray(vector, dtype=np.float32).tobytes()).decode()


def decode_vector(text: str) -> Vector | None:
    """The vector ``encode_vector`` made, or None when ``text`` is not one."""
    try:
        vector = np.frombuffer(base64.b64decode(text, validate=True), dtype=np.float32)
    except (ValueError, TypeError):
        return None
    return vector if vector.shape == (DIMENSION,) and np.all(np.isfinite(vector)) else None


@dataclass(frozen=True)
class Entry:
    """One answered prompt of a scope."""

    vector: Vector
    signature: tuple[str, ...]
    answer_key: str
    #: The question first answered (a history entry of a hit names it as ``same_as``).
    prompt: str

    def to_bytes(self) -> bytes:
        value = {
            "v": encode_vector(self.vector),
            "s": list(self.signature),
            "k": self.answer_key,
            "p": self.prompt,
        }
        return orjson.dumps(value)

    @classmethod
    def from_bytes(cls, raw: bytes | str) -> Entry | None:
        try:
            value = orjson.loads(raw)
            vector = decode_vector(value["v"])
            signature = tuple(str(fact) for fact in value["s"])
            answer_key, prompt = str(value["k"]), str(value["p"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return None
        return None if vector is None else cls(vector, signature, answer_key, prompt)


@dataclass(frozen=True)
class Match:
    """The nearest acceptable entry and how alike its prompt was (cosine)."""

    entry: Entry
    similarity: float


class SemanticIndex:
    """Scope entries in Redis and an in-process L1; nearest-neighbour by brute force."""

    def __init__(
        self, redis: aioredis.Redis, threshold: float, ttl_s: float, l1_max_scopes: int
    ) -> None:
        self._redis = redis
        self.threshold = threshold
        self._ttl_ms = int(ttl_s * 1000)
        self._l1: OrderedDict[str, list[Entry]] = OrderedDict()
        self._l1_max = max(1, l1_max_scopes)

    async def nearest(
        self, project: str, scope: str, vector: Vector, signature: tuple[str, ...]
    ) -> Match | None:
        """The closest entry above the threshold with the same signature, or None."""
        entries = await self._entries(project, scope)
        best: Match | None = None
        if entries:
            similarities = np.stack([entry.vector for entry in entries]) @ vector
            for entry, similarity in zip(entries, similarities.tolist(), strict=True):
                if similarity < self.threshold or entry.signature != signature:
                    continue
                if best is None or similarity > best.similarity:
                    best = Match(entry, similarity)
        count("semantic", "miss" if best is None else "hit")
        if best is not None:
            telemetry.SEMANTIC_SIMILARITY.observe(best.similarity)
        return best

    async def has_entries(self, project: str, scope: str) -> bool:
        """Whether the scope holds any entry a prompt could match."""
        return bool(await self._entries(project, scope))

    async def add(self, project: str, scope: str, entry: Entry) -> None:
        """Keep ``entry`` in the scope (L1 now; Redis unless it is unreachable)."""
        cached = self._l1.get(scope)
        if cached is not None:
            self._remember(scope, [*cached, entry][-MAX_ENTRIES_PER_SCOPE:])
        key = keys.semantic_scope(project, scope)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.rpush(key, entry.to_bytes())
                pipe.ltrim(key, -MAX_ENTRIES_PER_SCOPE, -1)
                pipe.pexpire(key, self._ttl_ms)
                await pipe.execute()
        except Exception as exc:  # Redis down: the L1 still has it
            log.debug("semantic entry kept in L1 only: %s: %s", type(exc).__name__, exc)
            if cached is None:
                self._remember(scope, [entry])

    async def _entries(self, project: str, scope: str) -> list[Entry]:
        cached = self._l1.get(scope)
        if cached is not None:
            self._l1.move_to_end(scope)
            return cached
        try:
            raw = await self._redis.lrange(keys.semantic_scope(project, scope), 0, -1)
        except Exception as exc:
            log.debug("semantic entries unreadable: %s: %s", type(exc).__name__, exc)
            return []
        entries = [entry for item in raw if (entry := Entry.from_bytes(item)) is not None]
        # An empty scope is not remembered: its first entry may be on its way (the
        # watcher stores it right after the exchange joined the history).
        if entries:
            self._remember(scope, entries)
        return entries

    def _remember(self, scope: str, entries: list[Entry]) -> None:
        self._l1[scope] = entries
        self._l1.move_to_end(scope)
        while len(self._l1) > self._l1_max:
            self._l1.popitem(last=False)


def semantic_index(settings: Settings, redis: aioredis.Redis) -> SemanticIndex | None:
    """The semantic cache's index (None when ``RELAY_SEMANTIC_CACHE`` is off)."""
    if not settings.semantic_cache:
        return None
    threshold, l1_max = settings.semantic_cache_threshold, settings.cache_l1_max_entries
    return SemanticIndex(redis, threshold, settings.cache_ttl_s, l1_max)


class SemanticTier:
    """The app's side: embed a prompt (batched, off the loop), find its nearest match.

    A prompt whose scope is empty cannot match: it is embedded after its job was
    submitted (:meth:`file_later`), and its entry is filed with the watcher's half
    through ``handoff`` (:mod:`relay.semantic_handoff`).
    """

    def __init__(
        self,
        index: SemanticIndex,
        embedder: BatchingEmbedder,
        handoff: SemanticHandoff | None = None,
    ) -> None:
        self.index = index
        self._embedder = embedder
        self._handoff = handoff
        self._filing: set[asyncio.Task[None]] = set()
        #: Each project's newest prompt being filed: the next chat of that conversation
        #: waits for it, or a paraphrase sent faster than the model embeds would miss.
        self._filing_in: dict[str, asyncio.Task[None]] = {}

    async def warm(self) -> None:
        """Load and run the model once, so the first chat pays nothing for it."""
        await self._embedder.warm()

    async def find(
        self, project: str, scope: str, prompt: str
    ) -> tuple[Match | None, Vector | None]:
        """The nearest acceptable earlier prompt of the scope, and ``prompt``'s vector.

        The vector is None when the prompt cannot be compared (too long, the model
        failed, or it is busy past the wait budget: counted ``semantic``/``busy``): the
        prompt then takes the exact tier only.
        """
        vector = await self._vector(prompt)
        if vector is None:
            return None, None
        return await self.index.nearest(project, scope, vector, signature(prompt)), vector

    async def _vector(self, prompt: str) -> Vector | None:
        """``prompt``'s vector; None when it is too long, the model failed, or the model
        is busy past the wait budget (counted ``semantic``/``busy``)."""
        try:
            return await self._embedder.embed(prompt)
        except EmbeddingBusy:
            count("semantic", "busy")  # a burst: this prompt does not wait for the model
        except Exception as exc:
            log.warning("embedding failed, semantic tier skipped: %s: %s", type(exc).__name__, exc)
        return None

    async def could_match(self, project: str, scope: str) -> bool:
        """Whether a prompt of this scope could be a hit (else: :meth:`file_later`)."""
        if self._handoff is None:
            return True
        filing = self._filing_in.get(project)
        if filing is not None:  # the conversation's previous prompt is not filed yet
            await asyncio.wait([filing], timeout=FILING_WAIT_S)
        return await self.index.has_entries(project, scope)

    def file_later(self, job_id: str, project: str, prompt: str) -> None:
        """Embed the prompt of a submitted job in the background and file its entry.

        The chat does not wait. Under a burst the wait budget sheds these as it sheds
        lookups (counted ``semantic``/``busy``): that prompt is then not filed.
        """
        task = asyncio.get_running_loop().create_task(self._file(job_id, project, prompt))
        self._filing.add(task)  # held until done: the loop keeps only weak references
        self._filing_in[project] = task
        task.add_done_callback(lambda done: self._filed(project, done))

    def _filed(self, project: str, task: asyncio.Task[None]) -> None:
        self._filing.discard(task)
        if self._filing_in.get(project) is task:
            del self._filing_in[project]

    async def settle(self) -> None:
        """Wait for the prompts being filed in the background (at shutdown)."""
        await asyncio.gather(*self._filing, return_exceptions=True)

    async def _file(self, job_id: str, project: str, prompt: str) -> None:
        assert self._handoff is not None  # only deferred when there is a hand-off
        vector = await self._vector(prompt)
        if vector is None:
            return
        try:
            filing = await self._handoff.offer_vector(job_id, vector)
            if filing is not None:  # the answer is already stored: file it here
                entry = Entry(vector, signature(prompt), filing.answer_key, filing.prompt)
                await self.index.add(filing.project, filing.scope, entry)
        except Exception as exc:  # Redis away: the prompt is just not filed
            log.debug("prompt of job_id=%s not filed: %s: %s", job_id, type(exc).__name__, exc)

    async def add_paraphrase(
        self, project: str, scope: str, prompt: str, vector: Vector, match: Match
    ) -> None:
        """File a hit's prompt beside the one it matched: later paraphrases may be nearer."""
        entry = Entry(vector, signature(prompt), match.entry.answer_key, match.entry.prompt)
        await self.index.add(project, scope, entry)

    def close(self) -> None:
        self._embedder.close()
