"""The catalog of models a job may name, derived from settings alone.

The app validates ``model`` at submit time from this catalog (without loading any
backend); the watcher's registry uses the same catalog to pick a backend.
"""

from __future__ import annotations

from dataclasses import dataclass

from relay.settings import Settings

#: The longest model name a job may carry (llama.cpp's server reports ids of 100+).
MAX_MODEL_NAME_CHARS = 256


@dataclass(frozen=True, slots=True)
class ModelRoute:
    """A model name (or name prefix) and the backend that serves it.

    For OpenAI-compatible routes: the upstream's base URL, the name of the environment
    variable holding its API key (empty: no key is sent), the model name sent upstream
    (empty: the job's own model name, for prefix routes) and the route's context
    budget in tokens (0: the global ``context_tokens``) and ``max_tokens`` (0: the global
    ``openai_max_tokens``).
    """

    name: str
    backend: str
    base_url: str = ""
    is_prefix: bool = False
    api_key_env: str = ""
    upstream_model: str = ""
    context_tokens: int = 0
    max_tokens: int = 0

    def matches(self, model: str) -> bool:
        if self.is_prefix:
            return model.startswith(self.name) and len(model) > len(self.name)
        return model == self.name

    def upstream_model_for(self, model: str) -> str:
        """The model name sent upstream for a job naming ``model``."""
        return self.upstream_model or model

    def cache_scope(self, model: str) -> str:
        """What an answer depends on besides the conversation: the upstream and its model.

        Changing the base URL or the upstream model of a route must not serve the old
        upstream's answers, so both are part of the cache key.
        """
        if self.backend != "openai":
            return model
        return f"{model}\n{self.base_url.rstrip('/')}\n{self.upstream_model_for(model)}"


def catalog(settings: Settings) -> list[ModelRoute]:
    """Every configured route, in the order the browser should offer them."""
    routes = [
        ModelRoute("local", "local"),
        ModelRoute("echo", "echo"),
        ModelRoute("claude", "claude"),
    ]
    if settings.openai_base_url:
        routes.append(
            ModelRoute(
                "openai",
                "openai",
                settings.openai_base_url,
                api_key_env="OPENAI_API_KEY",
                upstream_model=settings.openai_model,
            )
        )
    routes.extend(parse_routes(settings.openai_models))
    return routes


_ROUTE_OPTIONS = ("key", "model", "context", "max_tokens")


def parse_routes(spec: str) -> list[ModelRoute]:
    """``NAME=BASE_URL[;key=ENV_VAR][;model=UPSTREAM][;context=N][;max_tokens=N]``, comma-separated.

    Without ``model=`` the name is a prefix and the job's whole model name goes upstream
    (``gpt-=https://api.openai.com/v1`` serves ``gpt-4o``); with it, the route serves
    exactly that name. Raises ValueError on an unknown option or a bad number.
    """
    routes = []
    for item in spec.split(","):
        name, _, rest = item.strip().partition("=")
        base_url, *options = rest.split(";")
        if not name or not base_url.strip():
            continue
        values: dict[str, str] = {}
        for option in options:
            key, sep, value = option.strip().partition("=")
            if key not in _ROUTE_OPTIONS or not sep:
                raise ValueError(f"RELAY_OPENAI_MODELS: unknown route option {option!r}")
            values[key] = value.strip()
        counts = {option: values.get(option, "0") for option in ("context", "max_tokens")}
        for option, count in counts.items():
            if not count.isdigit():
                raise ValueError(f"RELAY_OPENAI_MODELS: {option}={count!r} is not a token count")
        routes.append(
            ModelRoute(
                name.strip(),
                "openai",
                base_url.strip(),
                is_prefix="model" not in values,
                api_key_env=values.get("key", ""),
                upstream_model=values.get("model", ""),
                context_tokens=int(counts["context"]),
                max_tokens=int(counts["max_tokens"]),
            )
        )
    return routes


def cache_scope(settings: Settings, model: str) -> str:
    """The model part of an answer's cache key (the route's upstream included)."""
    route = resolve(settings, model)
    return model if route is None else route.cache_scope(model)


def resolve(settings: Settings, model: str) -> ModelRoute | None:
    """The route serving ``model``, or None when no configured backend does."""
    return next((route for route in catalog(settings) if route.matches(model)), None)
