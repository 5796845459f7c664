"""The OpenAI-compatible backend against a real local streaming server."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import pytest

from relay.settings import Settings
from tests.support.processes import free_port
from watcher.backends.base import (
    BackendError,
    BackendRequest,
    Exchange,
    Finished,
    Output,
    TextDelta,
)
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
    """The text of the deltas (the trailing Finished has none)."""
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
    assert [o.text for o in outputs if isinstance(o, TextDelta)] == [
        "You ",
        "said: ",
        "Tell ",
        "me ",
        "a ",
        "joke",
    ]
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


# --- what real servers do (the fake's modes) -----------------------------------------


async def test_a_complete_answer_ends_with_its_finish_reason(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    try:
        outputs = await collect(backend, request("hi"))
    finally:
        await backend.aclose()
    assert outputs[-1] == Finished("stop") and not outputs[-1].truncated


@pytest.mark.parametrize(("model", "reason"), [("fake-no-finish", None), ("fake-length", "length")])
async def test_a_cut_answer_is_reported_as_truncated(
    settings: Settings, fake_openai: FakeOpenAIServer, model: str, reason: str | None
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    try:
        outputs = await collect(backend, request("one two", model=model))
    finally:
        await backend.aclose()
    assert text_of(outputs) == "You said: one two"
    assert outputs[-1] == Finished(reason) and outputs[-1].truncated


async def test_a_raw_u2028_inside_a_data_line_is_part_of_the_text(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    prompt = "A\u2028B\u2029C\u0085D"
    try:
        outputs = await collect(backend, request(prompt, model="fake-raw-utf8"))
    finally:
        await backend.aclose()
    assert text_of(outputs) == f"You said: {prompt}"
    assert outputs[-1] == Finished("stop")


async def test_headers_later_than_the_read_timeout_are_a_clear_error(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url, openai_read_timeout_s=0.3))
    try:
        with pytest.raises(BackendError, match=r"sent no response headers within 0\.3 s"):
            await collect(backend, request("patience", model="fake-late-2000"))
    finally:
        await backend.aclose()
    assert fake_openai.stats()["requests"] == 1  # it had the request: not sent again


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("fake-reset", r"failed before answering: .*reset"),
        ("fake-close", r"closed the connection before answering"),
    ],
)
async def test_a_connection_lost_after_the_request_was_sent_is_not_retried(
    settings: Settings, fake_openai: FakeOpenAIServer, model: str, expected: str
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url, openai_connect_retries=3))
    try:
        with pytest.raises(BackendError, match=expected):
            await collect(backend, request("once", model=model))
    finally:
        await backend.aclose()
    assert fake_openai.stats()["requests"] == 1


async def test_busy_answers_are_retried_after_their_retry_after(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    started = time.monotonic()
    try:
        outputs = await collect(backend, request("later", model="fake-busy-429-2-0.3"))
    finally:
        await backend.aclose()
    assert text_of(outputs) == "You said: later"
    assert fake_openai.stats()["requests"] == 3
    assert time.monotonic() - started >= 0.6  # both waits were honoured


async def test_busy_answers_beyond_the_retries_end_with_the_upstream_words(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url, openai_busy_retries=1))
    try:
        with pytest.raises(
            BackendError, match=r"answered HTTP 503: Rate limit reached \(Retry-After: 0\.1\)"
        ):
            await collect(backend, request("later", model="fake-busy-503-5-0.1"))
    finally:
        await backend.aclose()
    assert fake_openai.stats()["requests"] == 2


async def test_a_retry_after_longer_than_the_limit_is_not_waited_for(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url, openai_retry_after_max_s=1.0))
    try:
        with pytest.raises(BackendError, match=r"HTTP 429: .*Retry-After: 30"):
            await collect(backend, request("later", model="fake-busy-429-1-30"))
    finally:
        await backend.aclose()
    assert fake_openai.stats()["requests"] == 1


# --- routes, keys, budget, max_tokens ----------------------------------------------------


async def test_each_route_sends_its_own_key_model_and_nobody_elses(
    settings: Settings, fake_openai: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_TEST_KEY", "llama-secret")
    base = fake_openai.base_url
    routes = f"llama={base};key=LLAMA_TEST_KEY;model={'m' * 103},nokey-={base}"
    backend = OpenAIBackend(
        dataclasses.replace(settings, openai_api_key="openai-secret", openai_models=routes)
    )
    try:
        await collect(backend, request("hi", model="llama"))
        llama = fake_openai.stats()["last_request"]
        await collect(backend, request("hi", model="nokey-model"))
        nokey = fake_openai.stats()["last_request"]
    finally:
        await backend.aclose()
    assert llama["headers"]["authorization"] == "Bearer llama-secret"
    assert llama["body"]["model"] == "m" * 103
    assert "authorization" not in nokey["headers"]  # the OpenAI key never leaks elsewhere
    assert nokey["body"]["model"] == "nokey-model"


async def test_history_is_fitted_into_the_routes_context_budget(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    history = tuple(Exchange(f"question {i} " * 50, f"answer {i} " * 50) for i in range(40))
    base = fake_openai.base_url
    backend = OpenAIBackend(
        dataclasses.replace(settings, openai_models=f"small={base};model=m;context=2048")
    )
    try:
        await collect(backend, request("newest", model="small", history=history))
    finally:
        await backend.aclose()
    messages = fake_openai.stats()["last_request"]["body"]["messages"]
    assert messages[-1] == {"role": "user", "content": "newest"}
    assert 2 < len(messages) < 2 * len(history)
    assert messages[-2]["content"].startswith("answer 39 ")  # the newest exchanges kept
    assert sum(len(m["content"]) for m in messages) // 3 <= 2048 * 3 // 4


async def test_max_tokens_is_sent_only_when_configured(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    backend = OpenAIBackend(configure(settings, fake_openai.base_url))
    limited = OpenAIBackend(configure(settings, fake_openai.base_url, openai_max_tokens=32))
    try:
        await collect(backend, request("hi"))
        assert "max_tokens" not in fake_openai.stats()["last_request"]["body"]
        await collect(limited, request("hi"))
        assert fake_openai.stats()["last_request"]["body"]["max_tokens"] == 32
    finally:
        await backend.aclose()
        await limited.aclose()


async def test_a_stream_closed_after_its_body_ended_leaves_the_reused_connection_alone(
    settings: Settings, fake_openai: FakeOpenAIServer
) -> None:
    # One connection: the second stream runs on the first one's, which aiohttp hands
    # back to the pool as soon as the first body has ended, read or not. Closing the
    # first stream then (its job cancelled, or Redis lost) must not cut the second.
    backend = OpenAIBackend(configure(settings, fake_openai.base_url, openai_concurrency=1))
    words = " ".join(f"w{index}" for index in range(60))
    second: list[Output] = []
    streaming = asyncio.Event()

    async def run_second() -> None:
        async for output in backend.stream(request(words)):
            second.append(output)
            streaming.set()

    try:
        first = backend.stream(request("short"))
        await anext(first)
        await asyncio.sleep(0.3)  # the rest of the short answer has arrived
        running = asyncio.create_task(run_second())
        await streaming.wait()  # on the first stream's connection
        await first.aclose()  # before it read its end
        async with asyncio.timeout(10):  # a cut connection can leave it waiting
            await running
    finally:
        await backend.aclose()
    assert text_of(second) == f"You said: {words}"
    assert isinstance(second[-1], Finished)
    assert fake_openai.stats()["connections"] == 1
