"""The response cache: an answer is reused only where the agent would give it again.

The key covers the model (with, for an OpenAI-compatible route, the upstream's base
URL and the model name sent there), the personality, the project, the project's cache
*generation*, a fingerprint of the conversation so far, and the normalized prompt.

- The prompt is normalized: Unicode-compatible forms, case, whitespace runs and
  trailing sentence punctuation are folded ("What is X?" == "what  is x").
- The fingerprint hashes the project's recent exchanges, with identical consecutive
  exchanges counted once: asking again the question just answered, and being
  answered the same, leaves the fingerprint unchanged, so a third ask hits too.
- The generation is a per-project counter bumped when history is cleared or an
  exchange deleted: every answer keyed under the old number becomes unreachable.

An answer is stored by the watcher *after* its exchange joined the history, under
the key of the conversation that now ends with that exchange: that is exactly the
key the next identical question computes.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import redis.asyncio as aioredis

from relay import keys
from relay.cache import TieredCache, digest
from relay.jobs import Job
from relay.models import resolve, upstream_scope
from relay.prompt_signature import signature
from relay.semantic_cache import Entry, SemanticIndex, decode_vector
from relay.semantic_handoff import Filing, SemanticHandoff
from relay.settings import Settings

log = logging.getLogger(__name__)

#: Distinct (collapsed) exchanges the fingerprint covers by default: the backends are
#: given the last ``Settings.context_exchanges`` exchanges, so older ones cannot
#: change the answer. :class:`ResponseCache` uses the setting itself.
CONTEXT_WINDOW: int = Settings.context_exchanges
#: Bound on the watcher's store (answers are stored before ``done`` is emitted).
STORE_TIMEOUT_S = 1.0

#: Entries up to this size have their identity memoized (bounds the memo's memory).
_MEMO_MAX_ENTRY_BYTES = 8192

_WHITESPACE = re.compile(r"\s+")
#: Sentence punctuation folded at the end of a prompt (brackets and quotes are kept:
#: in code they change the meaning).
_TRAILING_PUNCTUATION = ".,;:!?\u2026\u3002\uff01\uff1f\uff0c\uff1b\uff1a\u00bf\u00a1"


def normalize_prompt(text: str) -> str:
    """``text`` with compatibility forms, case, whitespace runs and end punctuation folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _WHITESPACE.sub(" ", folded).strip()
    return folded.rstrip(_TRAILING_PUNCTUATION + " ")


def exchange_identity(entry: dict[str, Any]) -> str:
    """What makes two history exchanges "identical": normalized question, exact answer.

    A semantic hit's entry counts as the question it paraphrased (``same_as``).
    """
    question = str(entry.get("same_as") or entry.get("user", ""))
    return digest(normalize_prompt(question), str(entry.get("assistant", "")))


def context_fingerprint(entries: Iterable[dict[str, Any]], window: int = CONTEXT_WINDOW) -> str:
    """Hash of the last ``window`` exchanges, identical consecutive ones counted once."""
    return _fingerprint((exchange_identity(entry) for entry in entries), window)


def history_fingerprint(raw: Sequence[bytes], window: int = CONTEXT_WINDOW) -> str:
    """:func:`context_fingerprint` of raw history entries (skipping undecodable ones)."""
    return _fingerprint((i for item in raw if (i := _raw_identity(item))), window)


def _fingerprint(identities: Iterable[str], window: int) -> str:
    collapsed: list[str] = []
    for identity in identities:
        if not collapsed or collapsed[-1] != identity:
            collapsed.append(identity)
    return digest(*collapsed[-window:])


def _raw_identity(raw: bytes) -> str | None:
    # Every lookup re-reads the same recent entries of a conversation: remember the
    # identity of small ones instead of decoding, normalizing and hashing them again.
    if len(raw) <= _MEMO_MAX_ENTRY_BYTES:
        return _memo_raw_identity(raw)
    return _decode_identity(raw)


def _decode_identity(raw: bytes) -> str | None:
    """The identity of one raw entry; None for anything else (e.g. a delete's tombstone)."""
    try:
        entry = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return exchange_identity(entry) if isinstance(entry, dict) else None


_memo_raw_identity = functools.lru_cache(maxsize=4096)(_decode_identity)


def last_entry(raw: Sequence[bytes]) -> dict[str, Any] | None:
    """The newest decodable history entry, if any."""
    for item in reversed(raw):
        try:
            entry = orjson.loads(item)
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            return entry
    return None


def cache_scope(
    model: str, personality: str, project: str, generation: int, fingerprint: str
) -> str:
    """Everything an answer depends on but the prompt.

    The exact key is this scope plus the normalized prompt; the semantic tier
    searches the prompts filed under the same scope. One function, so that both
    tiers always separate answers by the same facts.
    """
    return digest("scope", model, personality, project, str(generation), fingerprint)


def answer_key(
    model: str, personality: str, project: str, generation: int, fingerprint: str, prompt: str
) -> str:
    """The cache key: a fixed-size digest whatever the size of the prompt."""
    scope = cache_scope(model, personality, project, generation, fingerprint)
    return digest("answer", scope, normalize_prompt(prompt))


@dataclass(frozen=True)
class CachedAnswer:
    """A stored answer: its text, the chunks it streamed as, and the job that made it."""

    result: str
    chunks: tuple[str, ...]
    job_id: str

    def to_value(self) -> dict[str, Any]:
        return {"result": self.result, "chunks": list(self.chunks), "job_id": self.job_id}

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> CachedAnswer:
        return cls(value["result"], tuple(value["chunks"]), value.get("job_id", ""))


def valid_answer(value: Any) -> bool:
    """True for a well-formed stored answer (anything else is corrupt: a miss)."""
    if not isinstance(value, dict):
        return False
    result, chunks = value.get("result"), value.get("chunks")
    return (
        isinstance(result, str)
        and isinstance(chunks, list)
        and all(isinstance(chunk, str) for chunk in chunks)
        and "".join(chunks) == result
    )


class ResponseCache:
    """Looks answers up for the app and stores completed answers for the watcher."""

    def __init__(
        self,
        redis: aioredis.Redis,
        tiers: TieredCache,
        settings: Settings,
        semantic: SemanticIndex | None = None,
    ) -> None:
        self._redis = redis
        self._tiers = tiers
        self._settings = settings
        #: The semantic tier's index (None: exact only).
        self.semantic = semantic
        self._handoff = SemanticHandoff(redis)

    def applies(self, model: str, use_cache: bool) -> bool:
        """False when the request opted out or the model's answers are never cached.

        Stateless backends are cached unless ``RELAY_CACHE_BYPASS_MODELS`` names them;
        backends with side effects only when ``RELAY_CACHE_AGENT_MODELS`` does.
        """
        if not use_cache or model in self._settings.cache_bypass:
            return False
        route = resolve(self._settings, model)
        return route is None or not route.side_effects or model in self._settings.cache_agents

    def semantic_applies(self, model: str) -> bool:
        """Whether paraphrases may reuse ``model``'s answers: never for side effects."""
        route = resolve(self._settings, model)
        return self.semantic is not None and (route is None or not route.side_effects)

    async def key_for(self, project: str, model: str, personality: str, prompt: str) -> str:
        """The key for ``prompt`` in the project's current conversation (one round trip).

        Raises the Redis error when Redis is unreachable: without the history the
        context is unknown, so the caller treats it as a miss.
        """
        generation, fingerprint = await self.context_of(project)
        return answer_key(
            self.model_scope(model), personality, project, generation, fingerprint, prompt
        )

    def model_scope(self, model: str) -> str:
        """The model part of the keys: the name, and for an upstream its base URL and model."""
        return upstream_scope(self._settings, model)

    async def context_of(self, project: str) -> tuple[int, str]:
        """The project's cache generation and conversation fingerprint (one round trip)."""
        raw, generation = await self._context(project)
        return generation, history_fingerprint(raw, self._settings.context_exchanges)

    async def _context(self, project: str) -> tuple[list[bytes], int]:
        # Both keys carry the {project} hash tag: one slot, so MULTI is Cluster-safe,
        # and the generation is read fresh with the history at no extra round trip.
        async with self._redis.pipeline(transaction=True) as pipe:
            # Twice the window: a few repeats (counted once) still leave a full window.
            read = 2 * self._settings.context_exchanges
            pipe.lrange(keys.project_history(project), -read, -1)
            pipe.get(keys.cache_generation(project))
            raw, generation = await pipe.execute()
        return raw, int(generation or 0)

    async def lookup(self, key: str) -> CachedAnswer | None:
        """The stored answer for ``key``, or None (a miss, whatever went wrong)."""
        value = await self._tiers.get(key, valid_answer)
        return None if value is None else CachedAnswer.from_value(value)

    async def store(self, key: str, answer: CachedAnswer) -> None:
        await self._tiers.set(key, answer.to_value(), self._settings.cache_ttl_s)

    async def invalidate_project(self, project: str) -> None:
        """Make every cached answer of ``project`` unreachable (history changed)."""
        await self._redis.incr(keys.cache_generation(project))

    async def remember_completed(self, job: Job, result: str, chunks: Sequence[str]) -> None:
        """Runner hook: store a completed job's answer, unless it must not be reused.

        Runs after the exchange was appended to the history and before ``done`` is
        emitted, so the client's next identical question already finds it. Bounded
        and silent on failure: caching never delays or fails a job by much.
        """
        model = job.model or self._settings.default_model
        if not self.applies(model, job.use_cache) or job.questions:
            return  # opted out, or the answer depended on the user's answers
        try:
            async with asyncio.timeout(STORE_TIMEOUT_S):
                raw, generation = await self._context(job.project)
                newest = last_entry(raw)
                if newest is None or newest.get("job_id") != job.id:
                    # The history save failed or the conversation moved on meanwhile:
                    # no key describes the context this answer was given in.
                    log.debug("answer of job_id=%s not cached: history moved", job.id)
                    return
                fingerprint = history_fingerprint(raw, self._settings.context_exchanges)
                scoped_model = self.model_scope(model)
                key = answer_key(
                    scoped_model, job.personality, job.project, generation, fingerprint, job.message
                )
                await self.store(key, CachedAnswer(result, tuple(chunks), job.id))
                if self.semantic is not None:
                    scope = cache_scope(
                        scoped_model, job.personality, job.project, generation, fingerprint
                    )
                    await self._file_semantic(job, scope, key)
        except Exception as exc:  # Redis down (file fallback) or slow: just not cached
            log.debug("answer of job_id=%s not cached: %s: %s", job.id, type(exc).__name__, exc)

    async def _file_semantic(self, job: Job, scope: str, key: str) -> None:
        """File the job's prompt in the semantic index under the answer just stored.

        Its vector came with the job, or (deferred) the app offers it separately: then
        whichever of the two is second files the entry (:mod:`relay.semantic_handoff`).
        """
        assert self.semantic is not None
        vector = decode_vector(job.prompt_embedding) if job.prompt_embedding else None
        if vector is None and job.embedding_deferred:
            filing = Filing(job.project, scope, key, job.message)
            vector = await self._handoff.offer_filing(job.id, filing)
        if vector is not None:
            entry = Entry(vector, signature(job.message), key, job.message)
            await self.semantic.add(job.project, scope, entry)


def cached_timings(lookup_started: float) -> dict[str, float]:
    """The ``timings`` of a cache hit's ``done``: no queue, no run."""
    elapsed_ms = round((time.time() - lookup_started) * 1000, 3)
    return {
        "queue_wait_ms": 0.0,
        "time_to_first_token_ms": elapsed_ms,
        "run_ms": 0.0,
        "total_ms": elapsed_ms,
    }
