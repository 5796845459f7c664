"""The catalog of models a job may name, derived from settings alone.

The app validates ``model`` at submit time from this catalog (without loading any
backend); the watcher's registry uses the same catalog to pick a backend.
"""

from __future__ import annotations

from dataclasses import dataclass

from relay.settings import Settings


@dataclass(frozen=True, slots=True)
class ModelRoute:
    """A model name (or name prefix) and the backend that serves it."""

    name: str
    backend: str
    base_url: str = ""
    is_prefix: bool = False

    def matches(self, model: str) -> bool:
        if self.is_prefix:
            return model.startswith(self.name) and len(model) > len(self.name)
        return model == self.name


def catalog(settings: Settings) -> list[ModelRoute]:
    """Every configured route, in the order the browser should offer them."""
    routes = [
        ModelRoute("local", "local"),
        ModelRoute("echo", "echo"),
        ModelRoute("claude", "claude"),
    ]
    if settings.openai_base_url:
        routes.append(ModelRoute("openai", "openai", settings.openai_base_url))
    for item in settings.openai_models.split(","):
        prefix, _, base_url = item.strip().partition("=")
        if prefix and base_url:
            routes.append(ModelRoute(prefix, "openai", base_url, is_prefix=True))
    return routes


def resolve(settings: Settings, model: str) -> ModelRoute | None:
    """The route serving ``model``, or None when no configured backend does."""
    return next((route for route in catalog(settings) if route.matches(model)), None)


def route_name(settings: Settings, model: str) -> str:
    """The name of the route serving ``model``: a metric label bounded by configuration.

    A prefix route accepts any model name after its prefix, which the client picks;
    labels carry the configured route name instead, or ``unknown``.
    """
    route = resolve(settings, model)
    return route.name if route is not None else "unknown"
