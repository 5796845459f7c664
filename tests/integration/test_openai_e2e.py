"""The OpenAI-compatible backend through the whole path, against real upstreams.

A stack of its own (Redis, Granian, one watcher, nginx) whose routes lead to two
upstreams: llama-cpp-python's own server with SmolLM2 (a real OpenAI-compatible
server nobody on this project wrote, with its default settings), and the project's
fake for what a real server cannot be made to do on demand. Chats go in through nginx
as a browser's do; only the stack's ``openai_max_tokens`` is set (to keep the model's
answers short, so the tests stay cheap).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from relay.settings import Settings
from tests.backends.support import FakeOpenAIServer, start_fake_openai
from tests.support.llama_server import LlamaServer
from tests.support.processes import (
    AppServer,
    NginxServer,
    RedisServer,
    WatcherProcess,
    running,
)
from tests.support.sse import SSEResult, read_stream
from tests.support.stack import make_settings, with_redis

#: Short answers keep the model cheap; the "long" route asks for many more tokens.
MAX_TOKENS = 24


@dataclass
class Upstreams:
    """The stack's nginx URL and the two upstreams behind its routes."""

    url: str
    settings: Settings
    fake: FakeOpenAIServer
    llama: LlamaServer

    def fake_requests(self) -> int:
        stats_url = f"http://127.0.0.1:{self.fake.port}/_fake/stats"
        with urllib.request.urlopen(stats_url, timeout=5) as response:
            return int(json.load(response)["requests"])


@pytest.fixture(scope="module")
def upstreams(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[Upstreams]:
    state = tmp_path_factory.mktemp("openai-stack")
    with contextlib.ExitStack() as processes:
        fake = start_fake_openai()
        processes.callback(fake.stop)
        llama = processes.enter_context(running(LlamaServer(logs_dir)))
        model = llama.model_id()
        routes = ",".join(
            [
                f"fake-={fake.base_url}",
                f"llama={llama.base_url};model={model}",
                f"llama-long={llama.base_url};model={model};max_tokens=2000",
                # A budget far beyond the server's real window: the history overflows it.
                f"llama-unbudgeted={llama.base_url};model={model};context=1000000",
            ]
        )
        redis = processes.enter_context(running(RedisServer(logs_dir, state / "redis")))
        settings = with_redis(
            make_settings(
                state,
                openai_models=routes,
                openai_max_tokens=MAX_TOKENS,
                # Reading a 2,000-token prompt takes SmolLM2 a few seconds on a quiet
                # machine, minutes on a loaded one: generous limits, never hit when quiet.
                job_timeout_s=400.0,
                openai_read_timeout_s=400.0,
            ),
            redis,
        )
        processes.enter_context(running(AppServer(settings, logs_dir)))
        processes.enter_context(running(WatcherProcess(settings, logs_dir)))
        nginx = processes.enter_context(running(NginxServer(settings, logs_dir)))
        yield Upstreams(nginx.url, settings, fake, llama)


def new_project() -> str:
    return f"oa-{uuid.uuid4().hex[:10]}"


async def start(client: httpx.AsyncClient, message: str, project: str, model: str) -> str:
    """Start a chat; its stream URL."""
    body = {"message": message, "project": project, "model": model}
    response = await client.post("/api/chat/start", json=body)
    assert response.status_code == 202, response.text
    return str(response.json()["stream_url"])


async def ask(client: httpx.AsyncClient, message: str, project: str, model: str) -> SSEResult:
    return await read_stream(client, await start(client, message, project, model), timeout_s=450)


async def cancel(client: httpx.AsyncClient, stream_url: str) -> None:
    job_id = stream_url.rstrip("/").rsplit("/", 1)[-1]
    response = await client.post("/api/chat/cancel", json={"job_id": job_id})
    assert response.status_code == 200, response.text


def last(result: SSEResult) -> tuple[str, dict[str, Any]]:
    assert result.ended, result.events[-3:]
    return result.events[-1].type, result.events[-1].data


# --- the fake: what real servers do now and then ------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "ending", "upstream_requests"),
    [
        ("no-finish", {"truncated": True, "finish_reason": None}, 1),
        ("length", {"truncated": True, "finish_reason": "length"}, 1),
        ("empty", {"result": "", "finish_reason": "stop"}, 1),
        ("reset", "failed before answering", 1),
        ("close", "closed the connection before answering", 1),
        ("busy-429-99-0", "answered HTTP 429: Rate limit reached", 3),
        ("error-500", "answered HTTP 500: The server had an error", 1),
    ],
)
async def test_cut_empty_or_failed_answers_are_never_cached(
    upstreams: Upstreams, behaviour: str, ending: dict[str, Any] | str, upstream_requests: int
) -> None:
    project, model = new_project(), f"fake-{behaviour}"
    async with httpx.AsyncClient(base_url=upstreams.url, timeout=30) as client:
        for attempt in range(2):  # the same question again: a cached answer would not ask
            before = upstreams.fake_requests()
            kind, data = last(await ask(client, "one two three", project, model))
            assert upstreams.fake_requests() - before == upstream_requests, attempt
            if isinstance(ending, str):
                assert kind == "error" and ending in data["message"], data
            else:
                assert kind == "done" and data["cached"] is False, data
                assert {key: data.get(key) for key in ending} == ending
                assert data.get("truncated", False) is ending.get("truncated", False)


async def test_a_whole_answer_with_a_raw_u2028_is_exact_and_cached(upstreams: Upstreams) -> None:
    project, message = new_project(), "A\u2028B\u2029C\u0085D"
    async with httpx.AsyncClient(base_url=upstreams.url, timeout=30) as client:
        first = await ask(client, message, project, "fake-raw-utf8")
        before = upstreams.fake_requests()
        again = await ask(client, message, project, "fake-raw-utf8")
    kind, data = last(first)
    assert kind == "done" and data["result"] == f"You said: {message}", data
    assert data["finish_reason"] == "stop" and "truncated" not in data
    # The control case: a whole answer is reused, so the tests above could see a hit.
    assert last(again)[1]["cached"] not in (False, None)
    assert upstreams.fake_requests() == before


async def test_model_names_up_to_256_characters_are_accepted(upstreams: Upstreams) -> None:
    async with httpx.AsyncClient(base_url=upstreams.url, timeout=30) as client:
        longest = "fake-" + "m" * 251
        kind, data = last(await ask(client, "hi", new_project(), longest))
        too_long = await client.post(
            "/api/chat/start", json={"message": "hi", "model": longest + "m"}
        )
    assert kind == "done" and data["result"] == "You said: hi"
    assert too_long.status_code == 400
    assert too_long.json()["error"]["code"]


# --- llama-cpp-python's server ----------------------------------------------------------------


async def test_llama_server_answers_stream_with_their_finish_reason(upstreams: Upstreams) -> None:
    async with httpx.AsyncClient(base_url=upstreams.url, timeout=450) as client:
        result = await ask(client, "What is the capital of France?", new_project(), "llama")
    kind, data = last(result)
    assert kind == "done", data
    assert len(result.chunks) >= 2 and data["result"] == result.text
    assert data["finish_reason"] in ("stop", "length")
    assert data.get("truncated", False) is (data["finish_reason"] == "length")


@pytest.mark.timeout(600)
async def test_a_history_beyond_the_servers_context_still_gets_answers(
    upstreams: Upstreams,
) -> None:
    """~13,000 characters of history against a 2,048-token server: the budget keeps it working.

    The same history sent whole (a route whose budget is far too large) is refused by
    the server: which also proves the history really goes upstream.
    """
    project = new_project()
    async with httpx.AsyncClient(base_url=upstreams.url, timeout=450) as client:
        for index in range(20):
            saved = await client.post(
                "/api/history/save",
                json={
                    "project": project,
                    "user": f"Please tell me about the river number {index}. " * 8,
                    "assistant": f"The river number {index} flows to the sea. " * 8,
                },
            )
            assert saved.status_code == 201, saved.text
        whole = last(await ask(client, "Thank you.", project, "llama-unbudgeted"))
        kind, data = last(await ask(client, "Thanks.", project, "llama"))
    # llama's server answers an over-long prompt with 200 and an empty body.
    assert whole[0] == "error", whole
    assert "ended the stream without sending any completion" in whole[1]["message"]
    assert kind == "done" and data["result"], data


async def test_cancel_closes_the_upstream_stream(upstreams: Upstreams) -> None:
    server = psutil.Process(upstreams.llama.process.pid)
    async with httpx.AsyncClient(base_url=upstreams.url, timeout=450) as client:
        stream_url = await start(client, "Write a very long story about a dragon.",
                                 new_project(), "llama-long")  # fmt: skip
        head = await read_stream(client, stream_url, until=lambda e: e.type == "chunk")
        assert head.events[-1].type == "chunk"
        await cancel(client, stream_url)
        kind, data = last(await read_stream(client, stream_url, timeout_s=30))
        assert (kind, data.get("status")) == ("status", "cancelled")
        # 2,000 tokens would keep the server busy for a long while; a closed stream
        # stops its generation at once, so it goes quiet.
        await asyncio.sleep(1.0)
        before = sum(server.cpu_times()[:2])
        await asyncio.sleep(1.5)
        busy_s = sum(server.cpu_times()[:2]) - before
        assert busy_s < 0.3, f"the server still generated for {busy_s:.2f} s of CPU"
        after = last(await ask(client, "Say hi.", new_project(), "llama"))
    assert after[0] == "done"


async def test_two_projects_at_once_never_present_a_cut_answer_as_complete(
    upstreams: Upstreams,
) -> None:
    """llama's server interrupts a stream when another request arrives (its default).

    The interrupted answer must reach the user as cut (truncated, or an error when the
    body itself was cut), and asking it again must not be served from the cache.
    """
    first_project, story = new_project(), "Write a very long story about a king."
    async with httpx.AsyncClient(base_url=upstreams.url, timeout=450) as client:
        first_url = await start(client, story, first_project, "llama-long")
        head = await read_stream(client, first_url, until=lambda e: e.type == "chunk")
        assert head.events[-1].type == "chunk"
        second = await ask(client, "Say hi.", new_project(), "llama")
        first = await read_stream(client, first_url, timeout_s=120)
        # Not cached: asked again, the question runs on the model (and can be cancelled).
        again_url = await start(client, story, first_project, "llama-long")
        await read_stream(client, again_url, until=lambda e: e.type == "chunk", timeout_s=120)
        await cancel(client, again_url)
        again = last(await read_stream(client, again_url, timeout_s=30))
    kind, data = last(first)
    # The server ends the interrupted stream with [DONE] and no finish reason, or (seen
    # too) cuts its body short: a truncated answer, or an error naming the cut.
    if kind == "done":
        assert data["truncated"] is True and data["finish_reason"] is None, data
    else:
        assert kind == "error" and "dropped mid-stream" in data["message"], data
    assert last(second)[0] == "done"
    assert again == ("status", again[1]) and again[1]["status"] == "cancelled", again
