"""The ``openai`` backend: any OpenAI-compatible ``/v1/chat/completions`` stream.

OpenAI, NVIDIA NIM, Ollama, vLLM, LiteLLM and llama.cpp's servers all speak it. Every
round sends the conversation (personality, the project's history within the context
budget, the prompt) with ``stream: true``; ``watcher.backends.completion`` turns the
SSE ``chat.completion.chunk`` events into text deltas and a finish reason.

One ``aiohttp`` session serves every job of the process (the registry keeps one
backend per process): keep-alive connections, a pool as large as the jobs running at
once, no thread per request. aiohttp was measured against httpx for this job
(``loadtest/upstream_clients.py``, BENCHMARKS.md): about 30 µs of CPU per chunk
against about 950.

Failures become errors naming what happened. A request is sent again only when it
surely never reached the server (the connection could not be made), or when the
server answered 429/503 before any token, after the ``Retry-After`` it asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncGenerator
from typing import Any

import aiohttp
import orjson

from relay.models import ModelRoute, resolve
from relay.settings import Settings
from watcher.backends.base import BackendError, BackendRequest, Finished, Output
from watcher.backends.chat import chat_messages, prompt_budget
from watcher.backends.completion import (
    EmptyStreamError,
    completion_outputs,
    error_body_message,
    retry_after_s,
)

#: Statuses that mean "busy, ask again later": retried before the first token.
_BUSY_STATUSES = frozenset({429, 503})
_DRAIN_AFTER_DONE_S = 1.0
#: Idle pooled connections are closed after this long: below the 5 s keep-alive of
#: common servers (uvicorn, so llama-cpp-python and LiteLLM), so a request is never
#: written into a connection the server is just closing.
_KEEPALIVE_S = 4.0
_DEFAULT_KEY_ENV = "OPENAI_API_KEY"


class OpenAIBackend:
    """Streams chat completions from OpenAI-compatible servers over one pooled session."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The process's shared session, created on first use (inside the event loop)."""
        if self._session is None:
            settings = self.settings
            connector = aiohttp.TCPConnector(
                # As many connections as jobs of this backend run at once: none waits.
                limit=settings.openai_concurrency,
                limit_per_host=0,
                keepalive_timeout=_KEEPALIVE_S,
                ttl_dns_cache=300,  # name look-ups run in a thread: rarely
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    sock_connect=settings.openai_connect_timeout_s,
                    sock_read=settings.openai_read_timeout_s,
                ),
                auto_decompress=False,  # we ask for identity; nothing to inflate per chunk
            )
        return self._session

    async def stream(self, request: BackendRequest) -> AsyncGenerator[Output, None]:
        """Yield the completion's text as it streams, then how it finished."""
        route = self._route(request.model)
        response = await self._open(route, self._body(route, request))
        # Held before the body is read: aiohttp hands the connection back to the pool
        # as soon as the body ends, even when the stream failed.
        connection = response.connection
        protocol = connection.protocol if connection is not None else None
        finished = False
        try:
            async for output in completion_outputs(response.content.iter_any()):
                finished = isinstance(output, Finished)
                yield output
        except EmptyStreamError as exc:
            # A server that failed mid-answer closes that connection itself, a moment
            # later: never hand it to the next request (llama.cpp's server resets it
            # after an over-long prompt's empty answer). Closed here, as the end of the
            # body is read: later, another request may already be using it.
            if protocol is not None:
                protocol.close()
            raise BackendError(
                f"{route.base_url} {exc} (a prompt beyond the server's context window does that)"
            ) from None
        except TimeoutError:
            raise BackendError(
                f"{route.base_url} sent nothing for {self.settings.openai_read_timeout_s:g} s"
            ) from None
        except aiohttp.ClientError as exc:
            raise BackendError(
                f"the connection to {route.base_url} dropped mid-stream ({_describe(exc)})"
            ) from None
        except RuntimeError:  # aiohttp's word for a read on a connection already lost
            if protocol is None or protocol.is_connected():
                raise
            raise BackendError(f"the connection to {route.base_url} dropped mid-stream") from None
        finally:
            if finished:
                await _drain(response)  # so the connection goes back to the pool
            else:
                # Cancelled or failed: the upstream stream really ends. This closes the
                # connection only while the response still holds it; once the body has
                # ended it is back in the pool, maybe another job's stream by now.
                response.close()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _route(self, model: str) -> ModelRoute:
        route = resolve(self.settings, model)
        if route is None or route.backend != self.name:
            raise BackendError(f"model {model!r} is not served by an OpenAI-compatible API")
        return route

    def _body(self, route: ModelRoute, request: BackendRequest) -> dict[str, Any]:
        context_tokens = route.context_tokens or self.settings.context_tokens
        max_tokens = route.max_tokens or self.settings.openai_max_tokens
        body: dict[str, Any] = {
            "model": route.upstream_model_for(request.model),
            "messages": chat_messages(request, prompt_budget(context_tokens, max_tokens)),
            "stream": True,
        }
        if max_tokens > 0:
            body["max_tokens"] = max_tokens
        return body

    def _headers(self, route: ModelRoute) -> dict[str, str]:
        headers = {
            "Accept": "text/event-stream",
            "Accept-Encoding": "identity",
            "Content-Type": "application/json",
        }
        key = self._api_key(route)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _api_key(self, route: ModelRoute) -> str:
        """The route's own key, read from the variable it names (none when it names none)."""
        if not route.api_key_env:
            return ""
        if route.api_key_env == _DEFAULT_KEY_ENV:
            return self.settings.openai_api_key  # the settings' reading of that variable
        return os.environ.get(route.api_key_env, "")

    async def _open(self, route: ModelRoute, body: dict[str, Any]) -> aiohttp.ClientResponse:
        """Send the request and return the streaming response, retrying where safe."""
        url = route.base_url.rstrip("/") + "/chat/completions"
        data, headers = orjson.dumps(body), self._headers(route)
        backoff_s = self.settings.openai_retry_backoff_s
        connect_failures = busy_answers = 0
        while True:
            try:
                response = await self.session.post(url, data=data, headers=headers)
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
                # The connection was never made, so the request never left: safe to resend.
                if isinstance(exc, aiohttp.ClientSSLError):
                    raise BackendError(f"TLS with {route.base_url} failed: {exc}") from None
                if connect_failures >= self.settings.openai_connect_retries:
                    raise BackendError(
                        f"cannot connect to {route.base_url}: {_describe(exc)}"
                    ) from None
                connect_failures += 1
                await asyncio.sleep(backoff_s * 2 ** (connect_failures - 1))
                continue
            except aiohttp.SocketTimeoutError:
                raise BackendError(
                    f"{route.base_url} sent no response headers within "
                    f"{self.settings.openai_read_timeout_s:g} s"
                ) from None
            except aiohttp.ServerDisconnectedError:
                raise BackendError(
                    f"{route.base_url} closed the connection before answering "
                    "(the request had been sent, so it was not repeated)"
                ) from None
            except aiohttp.ClientError as exc:
                if (
                    _request_not_written(exc)
                    and connect_failures < self.settings.openai_connect_retries
                ):
                    # A pooled connection the server closed as we wrote (llama.cpp's server
                    # does after a failed stream): the request never arrived whole.
                    connect_failures += 1
                    continue
                raise BackendError(
                    f"{route.base_url} failed before answering: {_describe(exc)} "
                    "(the request had been sent, so it was not repeated)"
                ) from None
            if response.status < 400:
                return response
            wait_s = await self._busy_wait(response, busy_answers, backoff_s)
            if wait_s is None:
                raise await _status_error(route, response)
            busy_answers += 1
            await asyncio.sleep(wait_s)

    async def _busy_wait(
        self, response: aiohttp.ClientResponse, busy_answers: int, backoff_s: float
    ) -> float | None:
        """Seconds to wait before asking again after a 429/503; None: do not ask again."""
        if response.status not in _BUSY_STATUSES:
            return None
        if busy_answers >= self.settings.openai_busy_retries:
            return None
        wait_s = retry_after_s(response.headers.get("Retry-After"))
        if wait_s is None:
            wait_s = backoff_s * 2**busy_answers
        if wait_s > self.settings.openai_retry_after_max_s:
            return None
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            await response.read()  # the connection goes back to the pool
        response.release()
        return wait_s


async def _status_error(route: ModelRoute, response: aiohttp.ClientResponse) -> BackendError:
    """The error for an HTTP error answer, in the upstream's own words."""
    try:
        body = await response.read()
    except (aiohttp.ClientError, TimeoutError):
        body = b""
    finally:
        response.release()
    message = error_body_message(body, response.reason or "")
    retry_after = response.headers.get("Retry-After")
    hint = f" (Retry-After: {retry_after})" if retry_after else ""
    return BackendError(f"{route.base_url} answered HTTP {response.status}: {message}{hint}")


async def _drain(response: aiohttp.ClientResponse) -> None:
    """Read what is left of the body (normally just the end of the chunked encoding)."""
    try:
        async with asyncio.timeout(_DRAIN_AFTER_DONE_S):
            async for _ in response.content.iter_any():
                pass
    except (TimeoutError, aiohttp.ClientError):
        response.close()
    else:
        response.release()


def _request_not_written(exc: aiohttp.ClientError) -> bool:
    """Whether writing the request failed (aiohttp has no class of its own for it)."""
    return isinstance(exc, aiohttp.ClientOSError) and str(exc).startswith("Can not write request")


def _describe(exc: BaseException) -> str:
    """An aiohttp error in words: its message, or its type when it has none."""
    text = str(exc)
    return text if text else type(exc).__name__
