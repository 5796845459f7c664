"""Relay's settings: one frozen object read from ``RELAY_*`` environment variables.

Every default lives here and nowhere else. The README's configuration table is
generated from the ``help`` text of each field (``python -m app.settings``).
Tests build a ``Settings`` with ``dataclasses.replace`` instead of patching globals.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PREFIX = "RELAY_"
ROOT_DIR = Path(__file__).resolve().parent.parent


def _setting(default: Any, help: str, env: str | None = None) -> Any:
    """A field with its documentation and, optionally, a non-prefixed variable name."""
    return field(default=default, metadata={"help": help, "env": env})


def new_job_id() -> str:
    """A random, URL-safe, unguessable id (192 bits)."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Settings:
    """Everything configurable about Relay. Read it once with ``Settings.from_env()``."""

    # --- network -------------------------------------------------------------
    host: str = _setting("127.0.0.1", "Address nginx listens on (loopback unless a token is set)")
    port: int = _setting(8080, "nginx port: the only public entry")
    app_host: str = _setting("127.0.0.1", "Address Granian binds the ASGI app to")
    app_port: int = _setting(8000, "Granian port (also serves /metrics)")
    watcher_metrics_port: int = _setting(9101, "Port of the watcher's /metrics endpoint")
    app_workers: int = _setting(1, "Granian worker processes")
    app_backpressure: int = _setting(
        16384, "Granian backpressure: concurrent connections per worker (each SSE holds one)"
    )
    api_token: str = _setting("", "Bearer token required on /api/ when set (required off loopback)")
    cors_origins: str = _setting("", "Comma-separated origins allowed by CORS (empty: same-origin)")
    # --- redis and state ---------------------------------------------------------
    redis_url: str = _setting(
        "", "Redis to use; empty: the launcher starts a private one", env="REDIS_URL"
    )
    redis_port: int = _setting(6391, "Port of the private Redis the launcher starts")
    state_dir: Path = _setting(ROOT_DIR / "state", "Folder for Redis data, fallback queue, logs")
    # --- jobs ---------------------------------------------------------------------
    default_model: str = _setting("local", "Model used when a request names none")
    max_message_bytes: int = _setting(256 * 1024, "Largest accepted chat message, in bytes")
    event_log_ttl_s: int = _setting(3600, "How long a finished job's events stay replayable")
    job_timeout_s: float = _setting(600.0, "A job running longer than this ends with an error")
    answers_timeout_s: float = _setting(3600.0, "How long a job waits for answers to questions")
    sse_heartbeat_s: float = _setting(10.0, "Seconds between ': ping' comments on a quiet stream")
    sse_retry_ms: int = _setting(1000, "The 'retry:' hint sent to EventSource clients")
    # --- watcher ------------------------------------------------------------------
    watcher_concurrency: int = _setting(8, "Jobs one watcher runs at once (different projects)")
    watcher_heartbeat_s: float = _setting(1.0, "Seconds between watcher heartbeats")
    watcher_dead_after_s: float = _setting(5.0, "A watcher silent this long is considered dead")
    claim_idle_ms: int = _setting(5000, "A job unacknowledged this long is reclaimed (XAUTOCLAIM)")
    echo_interval_ms: float = _setting(20.0, "Delay between echo chunks (0: as fast as possible)")
    # --- backends -----------------------------------------------------------------
    projects_dir: Path = _setting(
        ROOT_DIR / "state" / "projects", "Working folders of the agents, one per project"
    )
    claude_command: str = _setting(
        "claude", "The Claude Code CLI executable (never passed through a shell)"
    )
    openai_base_url: str = _setting(
        "", "Base URL of an OpenAI-compatible API (e.g. http://127.0.0.1:11434/v1)"
    )
    openai_api_key: str = _setting("", "API key for the OpenAI-compatible API", env="OPENAI_API_KEY")
    openai_models: str = _setting(
        "", "Comma-separated prefix=base_url routes, e.g. 'gpt-=https://api.openai.com/v1'"
    )
    local_max_tokens: int = _setting(256, "Most tokens the embedded local model generates")
    # --- cache --------------------------------------------------------------------
    cache_ttl_s: int = _setting(3600, "How long a cached answer is reused")
    cache_l1_max_entries: int = _setting(10_000, "Entries kept in the in-process (L1) cache")
    cache_bypass_models: str = _setting("", "Comma-separated models whose answers are never cached")
    # --- things tests swap (not read from the environment) ----------------------------
    job_id_factory: Callable[[], str] = field(default=new_job_id, metadata={"internal": True})
    clock: Callable[[], float] = field(default=time.time, metadata={"internal": True})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``), converting types."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.metadata.get("internal"):
                continue
            name = f.metadata.get("env") or PREFIX + f.name.upper()
            raw = environ.get(name, environ.get(PREFIX + f.name.upper()))
            if raw is None:
                continue
            values[f.name] = _convert(f.default, raw, name)
        return cls(**values)

    @property
    def effective_redis_url(self) -> str:
        """The configured Redis, or the private one the launcher starts."""
        return self.redis_url or f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def fallback_dir(self) -> Path:
        """Where the file-system fallback queue lives when Redis is unreachable."""
        return self.state_dir / "fallback"

    @property
    def cache_bypass(self) -> frozenset[str]:
        return _csv(self.cache_bypass_models)

    @property
    def allowed_origins(self) -> frozenset[str]:
        return _csv(self.cors_origins)


def _csv(value: str) -> frozenset[str]:
    return frozenset(item.strip() for item in value.split(",") if item.strip())


def _convert(default: Any, raw: str, name: str) -> Any:
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, Path):
            return Path(raw).expanduser().resolve()
        return raw
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a valid {type(default).__name__}") from exc


def documentation() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting: the README's table."""
    rows = []
    for f in fields(Settings):
        if f.metadata.get("internal"):
            continue
        name = f.metadata.get("env") or PREFIX + f.name.upper()
        default = f.default
        if isinstance(default, Path):
            default = default.relative_to(ROOT_DIR) if default.is_relative_to(ROOT_DIR) else default
        rows.append((name, str(default), f.metadata["help"]))
    return rows


if __name__ == "__main__":
    print("| variable | default | meaning |\n|---|---|---|")
    for name, default, meaning in documentation():
        print(f"| `{name}` | `{default}` | {meaning} |")
