"""The OpenAI-compatible backend against a real local streaming server."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from relay.settings import Settings
from tests.support.processes import free_port
from watcher.backends.base import BackendError, BackendRequest, Exchange, Output, TextDelta
from watcher.backends.openai import OpenAIBackend

from .support import FakeOpenAIServer, start_fake_openai


def configure(settings: Settings, base_url: str, **changes: Any) -> Settings:
    """Route the plain 'openai' model and every 'fake-*' model to ``base_url``."""
    return dataclasses.replace(
        settings,
        openai_base_url=base_url,
        openai_models=f"fake-={base_url}",
        openai_model="fake-model",
        openai_api_key="test-key",
        **changes,
    )


def request(prompt: str, model: str = "openai", **fields: Any) -> BackendRequest:
    return BackendRequest(job_id="job", prompt=prompt, project="demo", model=model, **fields)


async def collect(backend: OpenAIBackend, req: BackendRequest) -> list[Output]:
    return [output async for output in backend.stream(req)]


def text_of(outputs: list[Output]) -> str:
    return "".join(o.text for o in outputs if isinstance(o, TextDelta))


async def test_streams_deltas_and_sends_the_conversation(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    history = (Exchange("Hi", "Hello!"), Exchange("How are you?", "Fine."))
    try:
        outputs = await collect(
            backend, request("Tell me a joke", personality="Be brief.", history=history)
        )
    finally:
        await backend.aclose()
    assert [o.text for o in outputs] == ["You ", "said: ", "Tell ", "me ", "a ", "joke"]
    last = fake_openai.stats()["last_request"]
    assert last["body"]["model"] == "fake-model"
    assert last["body"]["stream"] is True
    assert last["body"]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "How are you?"},
        {"role": "assistant", "content": "Fine."},
        {"role": "user", "content": "Tell me a joke"},
    ]
    assert last["headers"]["authorization"] == "Bearer test-key"


async def test_answers_round_appends_questions_and_answers(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    try:
        await collect(backend, request("Plan it", questions=("When?",), answers=("Monday",)))
    finally:
        await backend.aclose()
    messages = fake_openai.stats()["last_request"]["body"]["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"] == "When?"
    assert "Q: When?\nA: Monday" in messages[2]["content"]


async def test_sequential_streams_reuse_pooled_connections(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    try:
        for index in range(50):
            assert text_of(await collect(backend, request(f"n{index}"))) == f"You said: n{index}"
    finally:
        await backend.aclose()
    stats = fake_openai.stats()
    assert stats["requests"] == 50
    assert 1 <= stats["connections"] <= 2


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("fake-error-401", "answered HTTP 401: Incorrect API key provided"),
        ("fake-error-500", "answered HTTP 500: The server had an error"),
    ],
)
async def test_error_status_becomes_an_error_with_the_upstream_message(
    settings: Settings, fake_openai: FakeOpenAIServer, model: str, expected: str
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    try:
        with pytest.raises(BackendError, match=expected):
            await collect(backend, request("hello", model=model))
    finally:
        await backend.aclose()


async def test_dropped_connection_mid_stream_is_an_error(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    received: list[Output] = []
    try:
        with pytest.raises(BackendError, match="dropped mid-stream"):
            async for output in backend.stream(request("one two three four five", "fake-drop")):
                received.append(output)
        # The words before the cut were streamed; the pool still works afterwards.
        assert text_of(received) == "You said: one "
        assert text_of(await collect(backend, request("again"))) == "You said: again"
    finally:
        await backend.aclose()


async def test_slow_first_token_still_streams(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url, openai_read_timeout_s=5.0))
    try:
        outputs = await collect(backend, request("patience", model="fake-slow-1200"))
    finally:
        await backend.aclose()
    assert text_of(outputs) == "You said: patience"


async def test_silence_beyond_the_read_timeout_is_an_error(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url, openai_read_timeout_s=0.3))
    try:
        with pytest.raises(BackendError, match=r"sent nothing for 0\.3 s"):
            await collect(backend, request("patience", model="fake-slow-3000"))
    finally:
        await backend.aclose()


async def test_connect_errors_before_the_first_token_are_retried(settings: Settings) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    backend = OpenAIBackend(
        configure(settings, base_url, openai_connect_retries=8, openai_retry_backoff_s=0.05)
    )
    # Nothing listens yet: the first attempts are refused, then the server comes up.
    stream = asyncio.create_task(collect(backend, request("late")))
    await asyncio.sleep(0.2)
    assert not stream.done()
    server = await asyncio.to_thread(start_fake_openai, port)
    try:
        assert text_of(await stream) == "You said: late"
    finally:
        await backend.aclose()
        server.stop()


async def test_unreachable_server_is_an_error_after_the_retries(settings: Settings) -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"
    backend = OpenAIBackend(
        configure(settings, base_url, openai_connect_retries=2, openai_retry_backoff_s=0.01)
    )
    try:
        with pytest.raises(BackendError, match=r"cannot connect to http://127\.0\.0\.1"):
            await collect(backend, request("anyone?"))
    finally:
        await backend.aclose()
