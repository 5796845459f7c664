"""The cache tiers, the response cache and single flight, against a real Redis."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import redis.asyncio as aioredis

from app.app import create_app
from app.chat import ChatRequest, ChatService
from app.queue import JobQueue
from relay import keys, telemetry
from relay.cache import BoundedMemoryCache, TieredCache, digest, make_redis_tier
from relay.emitter import EventEmitter
from relay.fallback import FileChannel, FileJobQueue
from relay.jobs import Event, EventType, Job, JobStatus
from relay.redis_queue import RedisJobQueue
from relay.response_cache import (
    CONTEXT_WINDOW,
    CachedAnswer,
    ResponseCache,
    answer_key,
    context_fingerprint,
    history_fingerprint,
    normalize_prompt,
    valid_answer,
)
from relay.settings import Settings
from relay.single_flight import SingleFlight
from tests.support.processes import RedisServer, free_port
from watcher.backends.echo import echo_chunks


def exchange(user: str, assistant: str, job_id: str = "j") -> dict[str, Any]:
    return {"user": user, "assistant": assistant, "ts": 1.0, "job_id": job_id}


def cache_count(tier: str, result: str) -> float:
    return telemetry.CACHE_REQUESTS.labels(tier, result)._value.get()


@pytest.fixture
def redis(redis: aioredis.Redis, redis_server: RedisServer) -> aioredis.Redis:
    """The session Redis's client (conftest), emptied before the test."""
    redis_server.flush()
    return redis


@pytest.fixture
def cache_settings(settings: Settings, tmp_path: Path) -> Settings:
    return dataclasses.replace(settings, state_dir=tmp_path, cache_l1_max_entries=100)


@pytest.fixture
async def tiers(redis_server: RedisServer) -> AsyncIterator[TieredCache]:
    cache = TieredCache(
        BoundedMemoryCache(100), make_redis_tier(redis_server.url, "relay-test-l2"), 60
    )
    try:
        yield cache
    finally:
        await cache.close()


class Relay:
    """The app side (chat service) and the watcher side (completion hooks), no processes."""

    def __init__(self, settings: Settings, redis: aioredis.Redis, tiers: TieredCache) -> None:
        self.settings = settings
        self.redis = redis
        self.queue = RedisJobQueue(redis, EventEmitter(redis, settings.event_log_ttl_s))
        self.responses = ResponseCache(redis, tiers, settings)
        self.flights = SingleFlight(redis, 60)
        self.chats = ChatService(
            settings,
            JobQueue(self.queue, FileJobQueue(FileChannel(settings.fallback_dir))),
            self.responses,
            self.flights,
        )

    async def ask(self, message: str, project: str, **body: Any) -> Job:
        request = ChatRequest.parse({"message": message, "project": project, **body}, self.settings)
        return await self.chats.start(request)

    async def complete(self, job: Job, answer: str | None = None) -> None:
        """What the watcher does when ``job`` completes: history, hooks, done."""
        chunks = echo_chunks(job.message if answer is None else answer)
        result = "".join(chunks)
        entry = exchange(job.message, result, job.id)
        await self.redis.rpush(keys.project_history(job.project), orjson.dumps(entry))
        await self.responses.remember_completed(job, result, chunks)
        await self.flights.release_completed(job, result, chunks)
        await self.queue.emitter.finish(
            job.id, JobStatus.COMPLETE, EventType.DONE, {"result": result}, 1.0
        )

    async def ask_and_complete(self, message: str, project: str) -> Job:
        job = await self.ask(message, project)
        if not job.cached:
            await self.complete(job)
        return job


@pytest.fixture
async def relay(
    cache_settings: Settings, redis: aioredis.Redis, tiers: TieredCache
) -> AsyncIterator[Relay]:
    yield Relay(cache_settings, redis, tiers)


def new_project() -> str:
    return f"p-{uuid.uuid4().hex[:12]}"


# --- keys -------------------------------------------------------------------------------


def test_normalization_folds_case_whitespace_and_trailing_punctuation() -> None:
    assert normalize_prompt("  What   is\tX?! ") == normalize_prompt("what is x")
    assert normalize_prompt("\uff28\uff25\uff2c\uff2c\uff2f\u3002")  # full-width == "hello"
    assert normalize_prompt("call f(x)") != normalize_prompt("call f(x")
    assert normalize_prompt("what is x?") != normalize_prompt("what is y?")


def test_fingerprint_counts_identical_consecutive_exchanges_once() -> None:
    a, b = exchange("Q1", "A1"), exchange("Q2", "A2")
    assert context_fingerprint([a, a, a]) == context_fingerprint([a])
    assert context_fingerprint([b, a, a]) == context_fingerprint([b, a])
    assert context_fingerprint([exchange("q1!", "A1", "other")]) == context_fingerprint([a])
    assert context_fingerprint([a, b, a]) != context_fingerprint([a, b])
    assert context_fingerprint([exchange("Q1", "A1 but different")]) != context_fingerprint([a])
    assert context_fingerprint([]) != context_fingerprint([a])


def test_fingerprint_of_raw_history_skips_what_does_not_decode() -> None:
    a, b = exchange("Q1", "A1"), exchange("Q2", "A2" * 10_000)  # b is too big to memoize
    raw = [orjson.dumps(a), b"\x00deleted", orjson.dumps(b), orjson.dumps(a)]
    assert history_fingerprint(raw) == context_fingerprint([a, b, a])
    assert history_fingerprint(raw) == history_fingerprint(raw)


def test_fingerprint_covers_the_window_the_agent_sees() -> None:
    older = [exchange(f"q{i}", f"a{i}") for i in range(CONTEXT_WINDOW + 5)]
    assert context_fingerprint(older) == context_fingerprint(older[-CONTEXT_WINDOW:])


def test_huge_prompt_makes_a_fixed_size_key_without_user_text() -> None:
    prompt = "secret words " * 50_000
    key = answer_key("echo", "", "p", 0, context_fingerprint([]), prompt)
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == answer_key("echo", "", "p", 0, context_fingerprint([]), prompt.upper())
    assert "secret" not in keys.inflight(key)


def test_key_depends_on_model_personality_project_and_generation() -> None:
    fp = context_fingerprint([])
    base = answer_key("echo", "", "p", 0, fp, "q")
    assert base != answer_key("local", "", "p", 0, fp, "q")
    assert base != answer_key("echo", "pirate", "p", 0, fp, "q")
    assert base != answer_key("echo", "", "p2", 0, fp, "q")
    assert base != answer_key("echo", "", "p", 1, fp, "q")
    assert digest("ab", "c") != digest("a", "bc")


# --- tiers --------------------------------------------------------------------------------


async def test_l1_keeps_at_most_max_entries_evicting_least_recently_used() -> None:
    l1 = BoundedMemoryCache(3)
    for name in "abc":
        await l1.set(name, name.upper(), ttl=60)
    assert await l1.get("a") == "A"  # "a" is now the most recently used
    await l1.set("d", "D", ttl=60)
    assert len(l1) == 3
    assert await l1.get("b") is None
    assert [await l1.get(n) for n in "acd"] == ["A", "C", "D"]
    for i in range(100):
        await l1.set(f"k{i}", i, ttl=60)
    assert len(l1) == 3
    assert len(l1._handlers) == 3  # evicted entries' expiry timers are gone too


async def test_l1_entries_expire() -> None:
    l1 = BoundedMemoryCache(10)
    await l1.set("k", "v", ttl=0.05)
    await asyncio.sleep(0.1)
    assert await l1.get("k") is None and len(l1) == 0


async def test_l2_hit_fills_l1_and_every_lookup_is_counted(tiers: TieredCache) -> None:
    key = digest("t", uuid.uuid4().hex)
    before = {(t, r): cache_count(t, r) for t in ("l1", "l2") for r in ("hit", "miss")}
    assert await tiers.get(key) is None
    await tiers.set(key, {"x": 1})
    assert tiers.l1 is not None
    await tiers.l1.delete(key)
    assert await tiers.get(key) == {"x": 1}  # from L2
    assert await tiers.get(key) == {"x": 1}  # from L1
    after = {k: cache_count(*k) - v for k, v in before.items()}
    assert after == {("l1", "miss"): 2, ("l2", "miss"): 1, ("l2", "hit"): 1, ("l1", "hit"): 1}


async def test_l2_entries_are_orjson_under_the_cache_namespace_with_ttl(
    tiers: TieredCache, redis: aioredis.Redis
) -> None:
    key = digest("ns")
    await tiers.set(key, {"result": "é"}, 30)
    raw_key = keys.cache_namespace() + key
    assert orjson.loads(await redis.get(raw_key) or b"") == {"result": "é"}
    assert 0 < await redis.ttl(raw_key) <= 30


async def test_corrupt_entry_is_a_miss_and_is_replaced(
    tiers: TieredCache, redis: aioredis.Redis
) -> None:
    key = digest("corrupt")
    raw_key = keys.cache_namespace() + key
    for garbage in (b"\x00not json{", orjson.dumps({"result": "a", "chunks": ["b"]})):
        await redis.set(raw_key, garbage)
        misses = cache_count("l2", "miss")
        assert await tiers.get(key, valid_answer) is None
        assert cache_count("l2", "miss") == misses + 1
        assert await redis.exists(raw_key) == 0  # dropped, so the next store replaces it
    answer = CachedAnswer("a b", ("a ", "b"), "job")
    await tiers.set(key, answer.to_value())
    assert tiers.l1 is not None
    await tiers.l1.clear()
    assert await tiers.get(key, valid_answer) == answer.to_value()


async def test_l2_down_is_a_miss_and_l1_keeps_working() -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    cache = TieredCache(BoundedMemoryCache(10), make_redis_tier(dead, "relay-test-dead"), 60)
    try:
        misses = cache_count("l2", "miss")
        assert await cache.get("k") is None
        assert cache_count("l2", "miss") == misses + 1
        await cache.set("k", "v")  # the L2 write fails quietly
        assert await cache.get("k") == "v"
    finally:
        await cache.close()


async def test_l2_pool_is_tiny_and_named_like_the_process(
    redis_server: RedisServer, redis: aioredis.Redis
) -> None:
    name = f"relay-app-test-{uuid.uuid4().hex[:6]}"
    cache = TieredCache(None, make_redis_tier(redis_server.url, name), 60)
    try:
        await asyncio.gather(*(cache.get(f"k{i}") for i in range(200)))
        clients = await redis.client_list()
        assert 1 <= sum(c["name"] == name for c in clients) <= 2
    finally:
        await cache.close()


# --- event frames ---------------------------------------------------------------------------


async def test_batched_frames_are_byte_identical_to_the_emitters(redis: aioredis.Redis) -> None:
    emitter = EventEmitter(redis, 60)
    job = Job(id="frames-" + uuid.uuid4().hex, message="m")
    await redis.hset(keys.job(job.id), mapping=job.to_hash())  # type: ignore[arg-type]  # invariant Mapping key in redis-py's stubs
    events: list[tuple[EventType, dict[str, Any]]] = [
        (EventType.CHUNK, {"text": 'he said "hi"\n'}),
        (EventType.CHUNK, {"text": "é ✓"}),
        (EventType.DONE, {"result": "x", "cached": True, "timings": {"total_ms": 0.5}}),
    ]
    ts = 1764201600123.4
    for event_type, payload in events[:-1]:
        await emitter.emit(job.id, event_type, payload, ts)
    await emitter.finish(job.id, JobStatus.COMPLETE, *events[-1], ts)
    logged = [fields[b"m"] for _, fields in await redis.xrange(keys.job_events(job.id))]
    rendered = [
        Event.create(job.id, i, t, ts, p).to_message() for i, (t, p) in enumerate(events, 1)
    ]
    assert rendered == logged


async def test_store_answered_writes_job_events_and_history_at_once(
    redis: aioredis.Redis,
) -> None:
    queue = RedisJobQueue(redis, EventEmitter(redis, 60))
    job = Job(id="stored-" + uuid.uuid4().hex, message="hi there", project="p", created_ts=5.0)
    events: list[tuple[EventType, dict[str, Any]]] = [
        (EventType.CHUNK, {"text": "hi "}),
        (EventType.CHUNK, {"text": "there"}),
    ]
    events.append((EventType.DONE, {"result": "hi there", "cached": True}))
    entry = exchange("hi there", "hi there", job.id)
    await queue.store_answered(job, events, event_log_ttl_s=60, history_entry=entry)

    stored = await queue.get(job.id)
    assert stored.status is JobStatus.COMPLETE and stored.last_seq == 3
    assert await queue.text(job.id) == "hi there"
    replay = await queue.events_after(job.id, 0)
    assert [e.seq for e in replay] == [1, 2, 3] and replay[-1].terminal
    assert replay[-1].data() == {
        "seq": 3,
        "result": "hi there",
        "cached": True,
        "ts": replay[-1].ts_ms,
    }
    assert isinstance(replay[0], Event) and replay[0].data()["text"] == "hi "
    for key in (keys.job(job.id), keys.job_events(job.id), keys.job_text(job.id)):
        assert 0 < await redis.ttl(key) <= 60
    history = await redis.lrange(keys.project_history("p"), 0, -1)
    assert [orjson.loads(h) for h in history] == [entry]


# --- response cache semantics -----------------------------------------------------------------


async def test_same_question_again_is_a_hit_replaying_the_same_chunks(relay: Relay) -> None:
    project = new_project()
    first = await relay.ask_and_complete("Tell me about the sea", project)
    assert not first.cached

    second = await relay.ask("tell me  about the SEA?", project)
    assert second.cached and second.status is JobStatus.COMPLETE
    assert second.result == "Tell me about the sea"
    replay = await relay.queue.events_after(second.id, 0)
    assert [e.data()["text"] for e in replay[:-1]] == echo_chunks("Tell me about the sea")
    done = replay[-1].data()
    assert replay[-1].type == "done" and done["cached"] == "exact"
    assert done["result"] == "Tell me about the sea"

    third = await relay.ask("Tell me about the sea", project)
    assert third.cached  # the repeated exchange collapsed in the fingerprint
    history = await relay.redis.lrange(keys.project_history(project), 0, -1)
    assert [orjson.loads(h)["job_id"] for h in history] == [first.id, second.id, third.id]


async def test_other_project_or_moved_on_conversation_is_a_miss(relay: Relay) -> None:
    project = new_project()
    await relay.ask_and_complete("q one", project)
    assert not (await relay.ask_and_complete("q one", new_project())).cached

    await relay.ask_and_complete("q two", project)
    assert not (await relay.ask("q one", project)).cached


async def test_cache_false_and_bypassed_models_never_hit(relay: Relay) -> None:
    project = new_project()
    await relay.ask_and_complete("cached words", project)
    assert not (await relay.ask("cached words", project, cache=False)).cached

    bypassing = dataclasses.replace(relay.settings, cache_bypass_models="local, echo")
    other = Relay(bypassing, relay.redis, relay.responses._tiers)
    assert not (await other.ask("cached words", project)).cached


async def test_answers_with_questions_are_not_stored(relay: Relay) -> None:
    project = new_project()
    job = await relay.ask("ask me something", project)
    job.questions = ["which one?"]
    await relay.complete(job)
    assert not (await relay.ask("ask me something", project)).cached


async def test_clearing_or_deleting_history_drops_cached_answers(
    cache_settings: Settings, redis: aioredis.Redis
) -> None:
    """Through the real endpoints: the same history again after the change still misses."""
    project = new_project()
    app = create_app(cache_settings)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # falcon types __call__ narrower than httpx
    relay = Relay(cache_settings, redis, TieredCache(None, None, 60))
    relay.responses = ResponseCache(
        redis,
        TieredCache(None, make_redis_tier(cache_settings.effective_redis_url, "relay-test"), 60),
        cache_settings,
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:

        async def start(message: str) -> dict[str, Any]:
            response = await client.post(
                "/api/chat/start", json={"message": message, "project": project}
            )
            assert response.status_code == 202, response.text
            return response.json()

        first = await start("hello there")
        await relay.complete(await relay.queue.get(first["job_id"]))
        assert (await start("hello there"))["status"] == "complete"  # a hit

        response = await client.post("/api/history/clear", json={"project": project})
        assert response.status_code == 200
        saved = {"project": project, "user": "hello there", "assistant": "hello there"}
        assert (await client.post("/api/history/save", json=saved)).status_code == 201
        # The conversation is as before, but the answers of its old generation are gone.
        cleared = await start("hello there")
        assert cleared["status"] == "pending"
        await relay.complete(await relay.queue.get(cleared["job_id"]))
        assert (await start("hello there"))["status"] == "complete"

        history = (await client.get(f"/api/history/{project}")).json()["history"]
        assert len(history) == 3  # saved, cleared job's exchange, the hit: all identical
        oldest = history[0]["id"]
        response = await client.post("/api/history/delete", json={"project": project, "id": oldest})
        assert response.status_code == 200
        assert (await start("hello there"))["status"] == "pending"
    await relay.responses._tiers.close()


# --- single flight ---------------------------------------------------------------------------


async def test_identical_request_joins_the_running_job(relay: Relay) -> None:
    project = new_project()
    first, second = await asyncio.gather(
        relay.ask("same words", project), relay.ask("same words", project)
    )
    assert first.id == second.id
    assert await relay.redis.llen(keys.project_order(project)) == 1  # submitted once
    await relay.complete(await relay.queue.get(first.id))
    assert await relay.redis.exists(keys.inflight(first.cache_key)) == 0


async def test_marker_of_a_finished_job_is_taken_over(relay: Relay) -> None:
    project = new_project()
    first = await relay.ask("words", project)
    await relay.queue.cancel(first.id)  # ended without releasing its marker
    second = await relay.ask("words", project)
    assert second.id != first.id and second.status is JobStatus.PENDING
    marker = await relay.redis.get(keys.inflight(second.cache_key))
    assert marker == second.id.encode()


async def test_redis_down_means_a_miss_and_the_job_goes_to_the_file_fallback(
    cache_settings: Settings,
) -> None:
    down = dataclasses.replace(cache_settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    app = create_app(down)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # falcon types __call__ narrower than httpx
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.post("/api/chat/start", json={"message": "still works"})
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        status = (await client.get(f"/api/chat/status/{job_id}")).json()
    assert status["mode"] == "file" and status["status"] == "pending"
    assert status["cached"] is False


async def test_agents_with_side_effects_are_not_cached_unless_configured(relay: Relay) -> None:
    """Repeating "list the files" to the Claude CLI must run it again: a new turn."""
    project = new_project()
    first = await relay.ask("list the files", project, model="claude")
    await relay.complete(first)
    assert not first.cache_key  # not even looked up
    assert not (await relay.ask("list the files", project, model="claude")).cached

    caching = dataclasses.replace(relay.settings, cache_agent_models="claude")
    agent = Relay(caching, relay.redis, relay.responses._tiers)
    other = new_project()
    job = await agent.ask("list the files", other, model="claude")
    await agent.complete(job)
    assert (await agent.ask("list the files", other, model="claude")).cached
    # Stateless backends stay cached by default (echo here), bypassable as before.
    await relay.ask_and_complete("stateless words", other)
    assert (await relay.ask("stateless words", other)).cached
