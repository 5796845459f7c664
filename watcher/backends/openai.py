"""The ``openai`` backend: any OpenAI-compatible ``/v1/chat/completions`` stream.

OpenAI, NVIDIA NIM, Ollama, vLLM and the llama.cpp server all speak it. Every round
sends the whole conversation (personality, the project's history, the prompt) with
``stream: true`` and turns the SSE ``chat.completion.chunk`` events into text deltas.

One pooled keep-alive ``httpx.AsyncClient`` serves every job of the process (the
registry keeps one backend per process), so sequential jobs reuse connections instead
of paying a TCP (and TLS) handshake each. Connect errors are retried with exponential
backoff, which is safe only because nothing has been streamed yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx

from relay.models import ModelRoute, resolve
from relay.settings import Settings
from watcher.backends.base import BackendError, BackendRequest, Output, TextDelta
from watcher.backends.chat import chat_messages
from watcher.backends.streamjson import shorten

# Failures that happen before the server has seen the request (or, for a stale
# keep-alive connection, before it answered): retrying cannot duplicate output.
_RETRYABLE = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)
_DRAIN_AFTER_DONE_S = 1.0
_DONE = "[DONE]"


class OpenAIBackend:
    """Streams chat completions from OpenAI-compatible servers over one pooled client."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        """The process's shared client, created on first use."""
        if self._client is None:
            settings = self.settings
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    connect=settings.openai_connect_timeout_s,
                    read=settings.openai_read_timeout_s,
                    write=settings.openai_connect_timeout_s,
                    pool=settings.openai_read_timeout_s,
                ),
                limits=httpx.Limits(
                    max_connections=settings.openai_max_connections,
                    max_keepalive_connections=settings.openai_max_connections,
                    keepalive_expiry=60.0,
                ),
            )
        return self._client

    async def stream(self, request: BackendRequest) -> AsyncGenerator[Output, None]:
        """Yield the completion's text as it streams; raise BackendError on failure."""
        route = self._route(request.model)
        response = await self._open(route, self._body(route, request))
        try:
            await _raise_for_status(response, route)
            async for text in _stream_texts(response):
                yield TextDelta(text)
        except httpx.TimeoutException:
            raise BackendError(
                f"{route.base_url} sent nothing for {self.settings.openai_read_timeout_s:g} s"
            ) from None
        except httpx.TransportError as exc:
            raise BackendError(
                f"the connection to {route.base_url} dropped mid-stream ({exc})"
            ) from None
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _route(self, model: str) -> ModelRoute:
        route = resolve(self.settings, model)
        if route is None or route.backend != self.name:
            raise BackendError(f"model {model!r} is not served by an OpenAI-compatible API")
        return route

    def _body(self, route: ModelRoute, request: BackendRequest) -> dict[str, Any]:
        # A prefix route ("gpt-" -> OpenAI) forwards the full name; the plain
        # "openai" route uses the configured upstream model.
        model = request.model if route.is_prefix else self.settings.openai_model
        return {"model": model, "messages": chat_messages(request), "stream": True}

    async def _open(self, route: ModelRoute, body: dict[str, Any]) -> httpx.Response:
        """Send the request; retry connect errors with exponential backoff."""
        headers = {"Accept": "text/event-stream"}
        if self.settings.openai_api_key:
            headers["Authorization"] = f"Bearer {self.settings.openai_api_key}"
        url = route.base_url.rstrip("/") + "/chat/completions"
        delay_s = self.settings.openai_retry_backoff_s
        failure: Exception | None = None
        for attempt in range(self.settings.openai_connect_retries + 1):
            http_request = self.client.build_request("POST", url, json=body, headers=headers)
            try:
                return await self.client.send(http_request, stream=True)
            except _RETRYABLE as exc:
                failure = exc
            if attempt < self.settings.openai_connect_retries:
                await asyncio.sleep(delay_s)
                delay_s *= 2
        raise BackendError(f"cannot connect to {route.base_url}: {failure}")


async def _raise_for_status(response: httpx.Response, route: ModelRoute) -> None:
    if response.status_code < 400:
        return
    await response.aread()
    raise BackendError(
        f"{route.base_url} answered HTTP {response.status_code}: {_error_message(response)}"
    )


def _error_message(response: httpx.Response) -> str:
    """The upstream's own words: OpenAI's ``{"error": {"message"}}`` and the variants."""
    try:
        payload = response.json()
    except ValueError:
        return shorten(response.text, 300) or response.reason_phrase
    error = payload.get("error", payload) if isinstance(payload, dict) else payload
    if isinstance(error, dict):
        error = error.get("message") or error.get("detail") or error
    return shorten(str(error), 300)


async def _stream_texts(response: httpx.Response) -> AsyncIterator[str]:
    """The content deltas of an SSE completion stream, until ``[DONE]``."""
    finished = False
    async with contextlib.aclosing(_sse_data(response)) as events:
        async for payload in events:
            if payload == _DONE:
                return
            text, finish_reason = _parse_chunk(payload)
            finished = finished or finish_reason is not None
            if text:
                yield text
    if not finished:
        raise BackendError("the stream ended before the completion did")


async def _sse_data(response: httpx.Response) -> AsyncGenerator[str, None]:
    """The ``data`` of each SSE event; after ``[DONE]`` the body is read to its end."""
    lines = response.aiter_lines()
    data: list[str] = []
    async for line in lines:
        if line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
            continue
        if line or not data:
            continue  # comments, other SSE fields, keep-alive blank lines
        payload, data = "\n".join(data), []
        if payload == _DONE:
            await _drain(lines)  # so the connection goes back to the pool
            yield payload
            return
        yield payload
    if data:  # a last event without its blank line
        yield "\n".join(data)


def _parse_chunk(payload: str) -> tuple[str, str | None]:
    """(content delta, finish reason) of one ``chat.completion.chunk``."""
    try:
        chunk = json.loads(payload)
    except ValueError:
        raise BackendError(f"unreadable stream event: {shorten(payload, 200)}") from None
    if "error" in chunk:  # some servers report failures inside the stream
        error = chunk["error"]
        message = error.get("message", error) if isinstance(error, dict) else error
        raise BackendError(f"the model failed mid-stream: {shorten(str(message), 300)}")
    choices = chunk.get("choices") or [{}]
    choice = choices[0]
    content = (choice.get("delta") or {}).get("content") or ""
    return content, choice.get("finish_reason")


async def _drain(lines: AsyncIterator[str]) -> None:
    """Read what is left of the body (normally just the end of the chunked encoding)."""
    with contextlib.suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout(_DRAIN_AFTER_DONE_S):
            async for _ in lines:
                pass
