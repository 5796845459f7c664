"""The semantic tier through nginx: a paraphrase of the question just answered is a hit.

Real Redis, Granian (the app loads the packaged all-MiniLM-L6-v2 at start), a
watcher on the echo backend, and nginx. The echo model answers with the words of
the question, so a hit shows itself: its answer is the *first* wording's words.
"""

from __future__ import annotations

import httpx

from relay import keys
from tests.integration.test_cache_e2e import ask, done, echo_runs, new_project, start
from tests.support.sse import read_stream
from tests.support.stack import Stack
from watcher.backends.echo import echo_chunks

QUESTION = "What is the capital of France?"
PARAPHRASE = "What's the capital city of France?"


async def test_a_paraphrase_hits_and_a_near_miss_does_not(stack: Stack) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        first_job = await start(client, QUESTION, project)
        first = await read_stream(client, first_job["stream_url"])
        runs = echo_runs(stack.settings.watcher_metrics_port)
        paraphrase = await ask(client, PARAPHRASE, project)
        again = await ask(client, "Which city is the capital of France?", project)
        runs_after_hits = echo_runs(stack.settings.watcher_metrics_port)
        near_miss = await ask(client, "What's the capital city of Germany?", project)
        history = (await client.get(f"/api/history/{project}")).json()["history"]

    assert done(first)["cached"] is False
    # A new conversation's scope is empty: the first question could not match, so it
    # was embedded after its job started, not before (and still filed, as the hit shows).
    with stack.redis.client() as redis:
        first_hash = redis.hgetall(keys.job(first_job["job_id"]))
    assert first_hash[b"embedding_deferred"] == b"1" and first_hash[b"prompt_embedding"] == b""
    hit = done(paraphrase)
    assert hit["cached"] == "semantic"
    assert 0.8 <= hit["similarity"] <= 1.0
    assert hit["result"] == QUESTION, "the first question's answer is reused"
    assert paraphrase.chunks == first.chunks == echo_chunks(QUESTION)
    assert [e.id for e in paraphrase.events] == list(range(1, len(paraphrase.events) + 1))
    # The paraphrase counted once in the fingerprint: a third wording hits as well.
    assert done(again)["cached"] == "semantic"
    assert runs_after_hits == runs, "no backend run for the hits"

    assert done(near_miss)["cached"] is False
    assert done(near_miss)["result"] == "What's the capital city of Germany?"
    assert echo_runs(stack.settings.watcher_metrics_port) == runs + 1
    assert [e["user"] for e in history] == [
        QUESTION,
        PARAPHRASE,
        "Which city is the capital of France?",
        "What's the capital city of Germany?",
    ]


async def test_other_scopes_and_opt_outs_never_hit(stack: Stack) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        await ask(client, QUESTION, project)
        elsewhere = await ask(client, PARAPHRASE, new_project())
        exact_only = await ask(client, PARAPHRASE, project, cache="exact")
        opted_out = await ask(client, PARAPHRASE, project, cache=False)
        moved_project = new_project()
        await ask(client, QUESTION, moved_project)
        await ask(client, "Tell me a joke.", moved_project)
        moved_on = await ask(client, PARAPHRASE, moved_project)  # no longer just answered

        cleared_project = new_project()
        await ask(client, QUESTION, cleared_project)
        cleared = await client.post("/api/history/clear", json={"project": cleared_project})
        assert cleared.status_code == 200
        saved = {"project": cleared_project, "user": QUESTION, "assistant": QUESTION}
        assert (await client.post("/api/history/save", json=saved)).status_code == 201
        after_clear = await ask(client, PARAPHRASE, cleared_project)

        regenerate_project = new_project()
        await ask(client, QUESTION, regenerate_project)
        latest = await start(client, PARAPHRASE, regenerate_project)
        assert done(await read_stream(client, latest["stream_url"]))["cached"] == "semantic"
        regenerated = await ask(client, PARAPHRASE, regenerate_project, replaces=latest["job_id"])
        bad_mode = await client.post(
            "/api/chat/start", json={"message": "x", "project": project, "cache": "fuzzy"}
        )

    for result in (elsewhere, exact_only, opted_out, moved_on, after_clear, regenerated):
        assert done(result)["cached"] is False
        assert done(result)["result"] == PARAPHRASE, "the agent answered, not the cache"
    assert bad_mode.status_code == 400
    assert bad_mode.json()["error"]["code"] == "invalid_cache"
