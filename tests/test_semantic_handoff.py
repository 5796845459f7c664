"""Deferred semantic entries: the app's vector and the watcher's filing meet once.

Against a real redis-server, with the real model: whichever half arrives second
takes the other and files the entry, in either order; a half nobody takes expires.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import redis.asyncio as aioredis

from relay import keys
from relay.embeddings import BatchingEmbedder, Vector, shared_embedder
from relay.prompt_signature import signature
from relay.semantic_cache import SemanticIndex, SemanticTier
from relay.semantic_handoff import HALF_TTL_MS, Filing, SemanticHandoff

PROMPT = "What is the capital of France?"
PARAPHRASE = "What's the capital city of France?"


def tier_of(redis: aioredis.Redis) -> SemanticTier:
    index = SemanticIndex(redis, 0.8, 600, 100)
    return SemanticTier(index, BatchingEmbedder(shared_embedder()), SemanticHandoff(redis))


async def test_the_vector_first_then_the_filing_takes_it(redis: aioredis.Redis) -> None:
    tier, handoff = tier_of(redis), SemanticHandoff(redis)
    try:
        tier.file_later("job-a", "p", PROMPT)  # the app, right after the submit
        await tier.settle()
        assert await redis.exists(keys.job_semantic_half("job-a", "vector"))
        ttl = await redis.pttl(keys.job_semantic_half("job-a", "vector"))
        assert 0 < ttl <= HALF_TTL_MS
        # The watcher, once the answer is stored: it takes the vector (and files it).
        vector = await handoff.offer_filing("job-a", Filing("p", "scope", "answer-key", PROMPT))
    finally:
        tier.close()
    assert vector is not None
    (alone,) = shared_embedder().embed([PROMPT])
    assert alone is not None and float(np.dot(vector, alone)) > 0.999
    assert not await redis.exists(keys.job_semantic_half("job-a", "vector")), "taken once"
    assert not await redis.exists(keys.job_semantic_half("job-a", "filing"))


async def test_the_filing_first_then_the_app_files_the_entry(redis: aioredis.Redis) -> None:
    tier, handoff = tier_of(redis), SemanticHandoff(redis)
    try:
        # A fast answer: the watcher stored it before the app had the vector.
        left = await handoff.offer_filing("job-b", Filing("p", "scope-b", "answer-b", PROMPT))
        assert left is None
        tier.file_later("job-b", "p", PROMPT)
        await tier.settle()
        (paraphrase,) = shared_embedder().embed([PARAPHRASE])
        assert paraphrase is not None
        match = await tier.index.nearest("p", "scope-b", paraphrase, signature(PARAPHRASE))
    finally:
        tier.close()
    assert match is not None and match.entry.answer_key == "answer-b"
    assert match.entry.prompt == PROMPT
    assert not await redis.exists(keys.job_semantic_half("job-b", "filing")), "taken once"
    assert not await redis.exists(keys.job_semantic_half("job-b", "vector"))


async def test_an_empty_scope_could_not_match_and_a_filled_one_could(
    redis: aioredis.Redis,
) -> None:
    tier, handoff = tier_of(redis), SemanticHandoff(redis)
    try:
        assert not await tier.could_match("p", "scope-c")
        await handoff.offer_filing("job-c", Filing("p", "scope-c", "answer-c", PROMPT))
        tier.file_later("job-c", "p", PROMPT)
        await tier.settle()
        assert await tier.could_match("p", "scope-c")
    finally:
        tier.close()


class SlowModel:
    """The real model on a host where each prompt takes 0.2 s longer."""

    def embed(self, texts: Sequence[str]) -> list[Vector | None]:
        time.sleep(0.2)
        return shared_embedder().embed(texts)


async def test_the_next_chat_waits_for_its_conversations_prompt_to_be_filed(
    redis: aioredis.Redis,
) -> None:
    # The answer was stored before the (slow) model had the vector, and the person
    # asks again at once: the lookup waits for the filing instead of missing.
    index = SemanticIndex(redis, 0.8, 600, 100)
    slow = BatchingEmbedder(SlowModel())  # type: ignore[arg-type]
    tier = SemanticTier(index, slow, SemanticHandoff(redis))
    try:
        await SemanticHandoff(redis).offer_filing("job-d", Filing("p", "scope-d", "ans-d", PROMPT))
        tier.file_later("job-d", "p", PROMPT)
        assert await tier.could_match("p", "scope-d")
        assert not await tier.could_match("other-project", "scope-of-other-project")
    finally:
        tier.close()
