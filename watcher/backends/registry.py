"""Routes a job's ``model`` to the backend that serves it.

The routes come from :func:`relay.models.catalog`, the same list the app validates
against at submit time. Backends are built on first use and then shared: one per
kind per process, so the OpenAI client's connection pool and the local model are
created once and kept warm.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from relay.models import ModelRoute, catalog, resolve
from relay.settings import Settings
from watcher.backends.base import Backend, BackendError
from watcher.backends.echo import EchoBackend

log = logging.getLogger(__name__)


def _echo(settings: Settings) -> Backend:
    return EchoBackend(settings.echo_interval_ms)


def _claude(settings: Settings) -> Backend:
    from watcher.backends.claude import ClaudeBackend

    return ClaudeBackend(settings)


def _openai(settings: Settings) -> Backend:
    from watcher.backends.openai import OpenAIBackend

    return OpenAIBackend(settings)


def _local(settings: Settings) -> Backend:
    # Imported lazily: a watcher that never uses the local model needs no llama_cpp.
    from watcher.backends.local import LocalBackend

    return LocalBackend(settings)


#: How to build each kind of backend named in the catalog.
FACTORIES: dict[str, Callable[[Settings], Backend]] = {
    "echo": _echo,
    "claude": _claude,
    "openai": _openai,
    "local": _local,
}


class BackendRegistry:
    """The backends of one watcher process, built lazily from settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._backends: dict[str, Backend] = {}

    def models(self) -> list[str]:
        """The configured model names (prefix routes by their prefix), for the UI."""
        return [route.name for route in catalog(self.settings)]

    def route_for(self, model: str) -> ModelRoute:
        """The route serving ``model``; BackendError listing the configured ones if none."""
        route = resolve(self.settings, model)
        if route is None:
            configured = ", ".join(_describe(route) for route in catalog(self.settings))
            raise BackendError(f"unknown model {model!r}; configured: {configured}")
        return route

    def backend_for(self, model: str) -> Backend:
        """The (shared) backend that answers jobs naming ``model``."""
        kind = self.route_for(model).backend
        backend = self._backends.get(kind)
        if backend is None:
            factory = FACTORIES.get(kind)
            if factory is None:
                raise BackendError(f"model {model!r} names an unknown backend {kind!r}")
            backend = self._backends[kind] = factory(self.settings)
        return backend

    async def warm_up(self) -> None:
        """Load the local model now when it is the default, so no user waits for it."""
        route = resolve(self.settings, self.settings.default_model)
        if route is not None and route.backend == "local":
            warm_up = getattr(self.backend_for(self.settings.default_model), "warm_up", None)
            if warm_up is not None:
                await warm_up()

    async def aclose(self) -> None:
        """Close every backend built so far (pools, loaded model)."""
        backends, self._backends = list(self._backends.values()), {}
        for backend in backends:
            try:
                await backend.aclose()
            except Exception:  # one failing close must not keep the others open
                log.exception("closing the %s backend failed", backend.name)


def _describe(route: ModelRoute) -> str:
    return f"{route.name}*" if route.is_prefix else route.name
