"""The semantic tier's parts against the real model and a real Redis.

The model (the packaged all-MiniLM-L6-v2) is loaded once for the whole session.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence

import numpy as np
import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from loadtest.semantic_pairs import DIFFERENT, SAME
from relay import keys
from relay.embeddings import (
    MAX_TOKENS,
    BatchingEmbedder,
    Embedder,
    EmbeddingBusy,
    Vector,
    shared_embedder,
)
from relay.prompt_signature import signature
from relay.response_cache import cache_scope, context_fingerprint
from relay.semantic_cache import (
    Entry,
    SemanticIndex,
    SemanticTier,
    decode_vector,
    encode_vector,
)
from relay.settings import Settings
from tests.support.processes import free_port

THRESHOLD = Settings().semantic_cache_threshold


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return shared_embedder()


def vectors(embedder: Embedder, texts: Sequence[str]) -> list[Vector]:
    out = embedder.embed(texts)
    assert all(vector is not None for vector in out)
    return [vector for vector in out if vector is not None]


def index_of(redis: aioredis.Redis) -> SemanticIndex:
    return SemanticIndex(redis, THRESHOLD, ttl_s=60, l1_max_scopes=100)


async def test_labelled_pairs_hit_exactly_when_they_mean_the_same(
    embedder: Embedder, redis: aioredis.Redis
) -> None:
    assert len(SAME) + len(DIFFERENT) >= 40
    outcomes: dict[str, list[tuple[str, str]]] = {"missed": [], "wrongly hit": []}
    for pairs, must_hit in ((SAME, True), (DIFFERENT, False)):
        for first, second in pairs:
            index, project, scope = index_of(redis), f"p-{uuid.uuid4().hex}", "s"
            v1, v2 = vectors(embedder, [first, second])
            await index.add(project, scope, Entry(v1, signature(first), "answer-key", first))
            fresh = index_of(redis)  # read back from Redis, not the writer's L1
            match = await fresh.nearest(project, scope, v2, signature(second))
            if must_hit and match is None:
                outcomes["missed"].append((first, second))
            if not must_hit and match is not None:
                outcomes["wrongly hit"].append((first, second))
            if match is not None:
                assert match.entry.answer_key == "answer-key"
                assert THRESHOLD <= match.similarity <= 1.0001
    assert outcomes == {"missed": [], "wrongly hit": []}


def test_near_misses_are_close_in_cosine_so_the_signature_is_what_rejects_them(
    embedder: Embedder,
) -> None:
    # Why the guard exists: cosine alone would accept most of the near-misses.
    similar = [pair for pair in DIFFERENT if float(np.dot(*vectors(embedder, pair))) >= THRESHOLD]
    assert len(similar) >= len(DIFFERENT) // 2
    assert all(signature(a) != signature(b) for a, b in DIFFERENT)
    assert all(signature(a) == signature(b) for a, b in SAME)


def test_signature_keeps_numbers_negations_names_units_and_quotes() -> None:
    assert signature("I have 2 apples, not 1,000 or the 10th") == (
        "n:2",
        "not",
        "n:1000",
        "n:10",
    )
    assert signature("Why doesn't Alice's code work in NumPy?") == ("not", "c:alice's", "c:numpy")
    assert signature("Convert 5 miles to km") == ("n:5", "w:miles", "w:km")
    assert signature("Translate 'good morning'") == ("q:good morning",)
    assert signature("How do I exit vim?") == signature("how can I quit vim")


async def test_scopes_keep_models_projects_generations_and_conversations_apart(
    embedder: Embedder, redis: aioredis.Redis
) -> None:
    index = index_of(redis)
    question, paraphrase = SAME[0]
    v1, v2 = vectors(embedder, [question, paraphrase])
    project = f"p-{uuid.uuid4().hex}"
    history = [{"user": question, "assistant": "Paris."}]
    fingerprint = context_fingerprint(history)
    filed = cache_scope("openai:gpt-x@http://a", "", project, 0, fingerprint)
    await index.add(project, filed, Entry(v1, signature(question), "k", question))

    async def hits(scope: str, in_project: str = project) -> bool:
        return await index.nearest(in_project, scope, v2, signature(paraphrase)) is not None

    moved_on = context_fingerprint([*history, {"user": "a joke", "assistant": "ha"}])
    assert await hits(filed)
    assert not await hits(cache_scope("openai:gpt-y@http://a", "", project, 0, fingerprint))
    assert not await hits(cache_scope("openai:gpt-x@http://b", "", project, 0, fingerprint))
    assert not await hits(cache_scope("openai:gpt-x@http://a", "pirate", project, 0, fingerprint))
    other = f"p-{uuid.uuid4().hex}"
    assert not await hits(cache_scope("openai:gpt-x@http://a", "", other, 0, fingerprint), other)
    assert not await hits(cache_scope("openai:gpt-x@http://a", "", project, 1, fingerprint))
    assert not await hits(cache_scope("openai:gpt-x@http://a", "", project, 0, moved_on))


def test_a_semantic_hit_counts_once_in_the_fingerprint_like_a_repeat() -> None:
    asked = {"user": "What is the capital of France?", "assistant": "Paris."}
    reworded = {
        "user": "What's the capital city of France?",
        "assistant": "Paris.",
        "same_as": "What is the capital of France?",
    }
    assert context_fingerprint([asked, reworded]) == context_fingerprint([asked])
    assert context_fingerprint([asked, {**reworded, "same_as": ""}]) != context_fingerprint([asked])


async def test_with_redis_down_entries_live_in_the_l1(embedder: Embedder) -> None:
    dead = aioredis.Redis(port=free_port(), socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    index = index_of(dead)
    question, paraphrase = SAME[1]
    v1, v2 = vectors(embedder, [question, paraphrase])
    try:
        assert await index.nearest("p", "s", v2, signature(paraphrase)) is None  # no error
        await index.add("p", "s", Entry(v1, signature(question), "k", question))
        match = await index.nearest("p", "s", v2, signature(paraphrase))
    finally:
        await dead.aclose()
    assert match is not None and match.entry.answer_key == "k"


async def test_corrupt_entries_and_vectors_are_skipped(
    embedder: Embedder, redis: aioredis.Redis
) -> None:
    project = f"p-{uuid.uuid4().hex}"
    (vector,) = vectors(embedder, ["How do I exit vim?"])
    good = Entry(vector, signature("How do I exit vim?"), "k", "How do I exit vim?")
    await redis.rpush(keys.semantic_scope(project, "s"), b"not json", b'{"v": "AAAA"}')
    await index_of(redis).add(project, "s", good)
    match = await index_of(redis).nearest(project, "s", vector, good.signature)
    assert match is not None and match.entry.answer_key == "k"
    assert decode_vector("!!!") is None and decode_vector(encode_vector(vector[:10])) is None
    decoded = decode_vector(encode_vector(vector))
    assert decoded is not None and np.array_equal(decoded, vector)


def test_a_prompt_too_long_to_read_whole_is_not_embedded(embedder: Embedder) -> None:
    short, long = embedder.embed(["hello", "word " * (MAX_TOKENS + 10)])
    assert short is not None and abs(float(np.linalg.norm(short)) - 1.0) < 1e-4
    assert long is None


class RecordingEmbedder:
    """The real model, recording the size of each batch it is given."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.batches: list[int] = []

    def embed(self, texts: Sequence[str]) -> list[Vector | None]:
        self.batches.append(len(texts))
        return self.inner.embed(texts)


async def test_embeddings_arriving_together_run_as_one_batch_off_the_loop(
    embedder: Embedder,
) -> None:
    recording = RecordingEmbedder(embedder)
    batching = BatchingEmbedder(recording, max_batch=32)  # type: ignore[arg-type]
    texts = [question for question, _ in SAME[:8]]
    try:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.create_task(tick())
        results = await asyncio.gather(*(batching.embed(text) for text in texts))
        ticker.cancel()
    finally:
        batching.close()
    assert recording.batches == [8], "eight concurrent calls, one batch"
    assert ticks > 1, "the loop kept running while the model did"
    for text, result in zip(texts, results, strict=True):
        (alone,) = vectors(embedder, [text])
        assert result is not None and float(np.dot(result, alone)) > 0.999


async def test_a_burst_beyond_the_wait_budget_is_shed_not_queued(embedder: Embedder) -> None:
    recording = RecordingEmbedder(embedder)
    batching = BatchingEmbedder(recording, max_batch=8, wait_s=0.001)  # type: ignore[arg-type]
    prompts = [f"question number {i} about the weather in town {i}" for i in range(64)]
    try:
        # A millisecond is less than one batch of eight takes: the first batch starts at
        # once and is waited for; every prompt behind it gives up.
        results = await asyncio.gather(
            *(batching.embed(prompt) for prompt in prompts), return_exceptions=True
        )
        await asyncio.sleep(0.5)
        later = await batching.embed(prompts[-1])
    finally:
        batching.close()
    assert all(isinstance(result, np.ndarray) for result in results[:8]), results[:8]
    assert all(isinstance(result, EmbeddingBusy) for result in results[8:]), results[8:11]
    assert recording.batches == [8, 1], "the 56 prompts in line were dropped, not computed"
    assert later is not None, "the embedder goes on serving once the burst is over"


class SlowEmbedder:
    """The real model on a slow host: ``seconds`` of extra time per prompt."""

    def __init__(self, inner: Embedder, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds
        self.batches: list[int] = []

    def embed(self, texts: Sequence[str]) -> list[Vector | None]:
        self.batches.append(len(texts))
        time.sleep(self.seconds * len(texts))
        return self.inner.embed(texts)


async def test_on_a_slow_host_a_lone_prompt_is_embedded_and_one_behind_it_is_shed(
    redis: aioredis.Redis, embedder: Embedder
) -> None:
    slow = BatchingEmbedder(SlowEmbedder(embedder, 0.3), wait_s=0.02)  # type: ignore[arg-type]
    tier = SemanticTier(index_of(redis), slow)
    loop = asyncio.get_running_loop()
    try:
        lone = asyncio.create_task(tier.find("p", "scope", "what is the capital of France?"))
        await asyncio.sleep(0.05)  # its batch has started
        started = loop.time()
        behind = await tier.find("p", "scope", "what is the capital of Spain?")
        behind_waited_s = loop.time() - started
        _, lone_vector = await lone
        started = loop.time()
        lone_again = asyncio.create_task(tier.find("p", "scope", "and of Italy?"))
        await asyncio.sleep(0)
        behind_again = await tier.find("p", "scope", "and of Portugal?")
        shed_again_s = loop.time() - started
        _, again_vector = await lone_again
    finally:
        tier.close()
    assert lone_vector is not None, "the budget bounds the wait in line, not the model's time"
    assert again_vector is not None
    assert behind == (None, None) and behind_again == (None, None)
    assert behind_waited_s < 0.2, "the chat behind waited its budget, not the model"
    # Once the model's time per prompt is known, a prompt behind a longer line is shed
    # at once, without waiting the budget out.
    assert shed_again_s < 0.2


class FixedCostModel:
    """A stand-in model that takes exactly ``seconds`` per prompt (the policy's input)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.batches: list[int] = []

    def embed(self, texts: Sequence[str]) -> list[Vector | None]:
        self.batches.append(len(texts))
        time.sleep(self.seconds * len(texts))
        return [np.full(4, 0.5, dtype=np.float32) for _ in texts]


async def test_batches_are_sized_to_the_wait_budget() -> None:
    model = FixedCostModel(0.02)
    batching = BatchingEmbedder(model, max_batch=32, wait_s=0.07)  # type: ignore[arg-type]
    try:
        await batching.embed("the first prompt measures the model")
        results = await asyncio.gather(
            *(batching.embed(f"prompt {i} of a burst") for i in range(6)), return_exceptions=True
        )
    finally:
        batching.close()
    # 20 ms a prompt and a 70 ms budget: batches of three, so a chat waits about twice
    # the budget at most; the prompts that would wait longer in line are shed at once.
    assert model.batches[:2] == [1, 3], model.batches
    assert all(isinstance(result, np.ndarray) for result in results[:3]), results
    assert all(isinstance(result, EmbeddingBusy) for result in results[4:]), results
