"""History by exchange id, every ended turn with its outcome, regenerate and edit, and
the conversations of the sidebar: through nginx, against the session stack."""

from __future__ import annotations

import asyncio
import secrets

import httpx

from relay.settings import Settings
from tests.integration.test_pipeline import _wait_for_status, start_chat, words
from tests.support.sse import read_stream
from tests.support.stack import Stack


def new_project() -> str:
    return f"hist-{secrets.token_hex(4)}"


async def history(client: httpx.AsyncClient, project: str) -> list[dict]:
    response = await client.get(f"/api/history/{project}")
    assert response.status_code == 200
    return response.json()["history"]


async def ask(client: httpx.AsyncClient, message: str, project: str, **fields: object) -> dict:
    job = await start_chat(client, message, project=project, **fields)
    result = await read_stream(client, job["stream_url"])
    return {**job, "events": result.events}


async def test_every_exchange_has_a_stable_id_and_delete_addresses_it(stack: Stack) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        for text in ("alpha", "bravo", "charlie"):
            await ask(client, text, project, cache=False)
        entries = await history(client, project)
        assert [e["user"] for e in entries] == ["alpha", "bravo", "charlie"]
        assert all(e["outcome"] == "complete" for e in entries)
        ids = {e["user"]: e["id"] for e in entries}
        assert len(set(ids.values())) == 3
        assert [e["id"] for e in await history(client, project)] == [e["id"] for e in entries]

        # Two readers that both saw all three: one deletes "alpha", then the other
        # deletes "bravo" with the list it saw. Positions moved; ids did not.
        first = await client.post(
            "/api/history/delete", json={"project": project, "id": ids["alpha"]}
        )
        second = await client.post(
            "/api/history/delete", json={"project": project, "id": ids["bravo"]}
        )
        again = await client.post(
            "/api/history/delete", json={"project": project, "id": ids["alpha"]}
        )
        positional = await client.post("/api/history/delete", json={"project": project, "index": 0})
        left = await history(client, project)

    assert first.status_code == 200 and first.json()["deleted"] == ids["alpha"]
    assert second.status_code == 200
    assert again.status_code == 404
    assert positional.status_code == 400
    assert positional.json()["error"]["code"] == "index_not_supported"
    assert "id" in positional.json()["error"]["message"]
    assert [e["user"] for e in left] == ["charlie"]


async def test_a_stopped_turn_and_a_question_and_answer_turn_are_kept(stack: Stack) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        # A question-and-answer turn.
        job = await start_chat(
            client, "Paint it: [[ASK]] Which colour? [[/ASK]]", project=project, cache=False
        )
        await _wait_for_status(client, job["job_id"], "waiting_for_answers")
        answered = await client.post(
            "/api/chat/answers", json={"job_id": job["job_id"], "answers": ["blue"]}
        )
        assert answered.status_code == 200
        await read_stream(client, job["stream_url"])

        # A stopped turn: cancelled after its first words.
        stopped = await start_chat(client, words(400), project=project, cache=False)
        await read_stream(client, stopped["stream_url"], until=lambda e: e.type == "chunk")
        cancel = await client.post("/api/chat/cancel", json={"job_id": stopped["job_id"]})
        assert cancel.status_code == 200
        entries = await history(client, project)

    qa, cut = entries
    assert qa["id"] == job["job_id"] and qa["outcome"] == "complete"
    assert qa["qa"] == [{"questions": ["Which colour?"], "answers": ["blue"]}]
    assert "answers: blue" in qa["assistant"]
    assert cut["id"] == stopped["job_id"] and cut["outcome"] == "cancelled"
    assert cut["user"] == words(400)
    assert cut["assistant"] and words(400).startswith(cut["assistant"].rstrip())
    assert len(cut["assistant"]) < len(words(400))


async def test_regenerate_runs_the_backend_again_and_replaces_the_latest(stack: Stack) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        first = await ask(client, "tell me a story", project)
        repeat = await ask(client, "tell me a story", project)  # the cache answers a repeat
        assert repeat["status"] == "complete" and repeat["events"][-1].data["cached"] == "exact"
        regenerated = await ask(client, "tell me a story", project, replaces=repeat["job_id"])
        entries = await history(client, project)
        not_latest = await client.post(
            "/api/chat/start",
            json={"message": "x", "project": project, "replaces": first["job_id"]},
        )
        unknown = await client.post(
            "/api/chat/start",
            json={"message": "x", "project": project, "replaces": "no-such-exchange"},
        )

    assert regenerated["status"] == "pending"  # queued for a watcher, not a cache hit
    done = regenerated["events"][-1]
    assert done.type == "done" and done.data["cached"] is False
    assert [e["id"] for e in entries] == [first["job_id"], regenerated["job_id"]]
    assert not_latest.status_code == 409
    assert unknown.status_code == 404


async def test_edit_resends_the_changed_message_in_place_of_the_latest(stack: Stack) -> None:
    project = new_project()
    async with httpx.AsyncClient(base_url=stack.url) as client:
        kept = await ask(client, "first message", project)
        typo = await ask(client, "secnod mesage", project)
        edited = await ask(client, "second message", project, replaces=typo["job_id"])
        entries = await history(client, project)
    assert [e["user"] for e in entries] == ["first message", "second message"]
    assert [e["assistant"] for e in entries] == ["first message", "second message"]
    assert entries[0]["id"] == kept["job_id"] and entries[1]["id"] == edited["job_id"]


async def test_conversations_have_titles_search_rename_and_delete(stack: Stack) -> None:
    older, newer = new_project(), new_project()
    long_message = "How do I " + " ".join(["reverse"] * 30) + " a list?"
    async with httpx.AsyncClient(base_url=stack.url) as client:
        await ask(client, long_message, older)
        await asyncio.sleep(0.01)
        await ask(client, "Zebra crossings in Lisbon", newer)
        listed = (await client.get("/api/projects")).json()
        by_title = (await client.get("/api/projects", params={"q": "zebra"})).json()
        by_content = (await client.get("/api/projects", params={"q": "REVERSE REVERSE"})).json()
        renamed = await client.post(
            "/api/projects/rename", json={"project": newer, "title": " Trip  plans "}
        )
        after_rename = (await client.get("/api/projects", params={"q": "trip"})).json()
        bad_title = await client.post("/api/projects/rename", json={"project": newer, "title": 5})
        deleted = await client.post("/api/projects/delete", json={"project": older})
        deleted_again = await client.post("/api/projects/delete", json={"project": older})
        after_delete = (await client.get("/api/projects")).json()
        gone_history = await history(client, older)

    mine = [c for c in listed["conversations"] if c["project"] in (older, newer)]
    assert [c["project"] for c in mine] == [newer, older]  # most recent first
    assert mine[0]["title"] == "Zebra crossings in Lisbon" and not mine[0]["renamed"]
    assert mine[1]["title"].startswith("How do I reverse") and mine[1]["title"].endswith("…")
    assert len(mine[1]["title"]) <= 61
    assert older in listed["projects"]
    assert [c["project"] for c in by_title["conversations"]] == [newer]
    assert [c["project"] for c in by_content["conversations"]] == [older]
    assert renamed.status_code == 200 and renamed.json()["title"] == "Trip plans"
    assert [(c["project"], c["title"], c["renamed"]) for c in after_rename["conversations"]] == [
        (newer, "Trip plans", True)
    ]
    assert bad_title.status_code == 400
    assert deleted.status_code == 200 and deleted_again.status_code == 404
    assert older not in after_delete["projects"]
    assert gone_history == []


async def test_models_say_whether_they_are_available_and_which_are_for_tests(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        data = (await client.get("/api/models")).json()
        echo_by_name = await ask(client, "still by name", new_project(), model="echo", cache=False)
    models = {m["name"]: m for m in data["models"]}
    assert models["echo"]["available"] is True and models["echo"]["test"] is True
    assert models["claude"]["test"] is False
    for model in models.values():
        assert isinstance(model["available"], bool)
        assert model["available"] or model["reason"]  # never unavailable without a reason
    # The test stacks show them (tests pick echo in the page); by default they are hidden.
    assert data["show_test_models"] is True
    assert not Settings.__dataclass_fields__["show_test_models"].default
    assert echo_by_name["events"][-1].data["result"] == "still by name"


async def test_entries_saved_before_ids_existed_get_a_stable_one(stack: Stack) -> None:
    project = new_project()
    legacy = b'{"user": "old", "assistant": "entry", "ts": 1.0, "job_id": null}'
    with stack.redis.client() as redis:
        redis.rpush(f"relay:{{{project}}}:history", legacy)
    async with httpx.AsyncClient(base_url=stack.url) as client:
        seen = await history(client, project)
        assert [e["id"] for e in await history(client, project)] == [seen[0]["id"]]
        deleted = await client.post(
            "/api/history/delete", json={"project": project, "id": seen[0]["id"]}
        )
        left = await history(client, project)
    assert seen[0]["outcome"] == "complete" and seen[0]["user"] == "old"
    assert deleted.status_code == 200 and left == []
