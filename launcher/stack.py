"""The processes of a Relay stack: their command lines, environments and folders.

The one place these are written down. The launcher runs them; the test fixtures
(tests/support/) run exactly the same commands on free ports.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from proxy import build_static
from proxy.render import NginxPaths, write_config
from relay.settings import ROOT_DIR, Settings

#: Debian puts nginx in /usr/sbin, which is not on ordinary users' PATH.
_SYSTEM_BIN_DIRS = "/usr/sbin:/sbin:/usr/local/sbin"
#: Descriptors children may open: each SSE stream holds one in Granian, two in nginx.
OPEN_FILES_WANTED = 65535


@dataclass(frozen=True)
class Command:
    """One process to run: its name (the log prefix), argv and environment."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(repr=False)
    cwd: Path = ROOT_DIR


class MissingBinaryError(RuntimeError):
    """A system program (nginx, redis-server) is not installed."""


def find_binary(name: str) -> str:
    """The path of a system program, or ``MissingBinaryError`` saying what to install."""
    found = shutil.which(name) or shutil.which(name, path=_SYSTEM_BIN_DIRS)
    if found is None:
        raise MissingBinaryError(
            f"{name} is not installed (run `make setup` or apt-get install it)"
        )
    return found


def base_env(settings: Settings) -> dict[str, str]:
    """The environment every child gets: ours, with the settings as ``RELAY_*``."""
    env = dict(os.environ)
    env.update(settings.to_env())
    env["PYTHONUNBUFFERED"] = "1"
    # Only Granian's workers share a multiprocess metrics folder (see app_command).
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


def metrics_multiproc_dir(settings: Settings) -> Path:
    """prometheus-client's multiprocess folder for the app's Granian workers.

    One per app port, so that several app processes sharing a state folder (a
    scaled-out stack, ``make bench-cluster``) each count only their own workers.
    """
    return settings.state_dir / f"prometheus-multiproc-{settings.app_port}"


def redis_data_dir(settings: Settings) -> Path:
    """Where the private Redis keeps its append-only file."""
    return settings.state_dir / "redis"


def redis_command(settings: Settings, data_dir: Path | None = None) -> Command:
    """A private redis-server on loopback, AOF on so accepted jobs survive a restart.

    Redis writes the AOF before it replies, so a killed (even SIGKILLed) Redis loses
    nothing; ``RELAY_REDIS_APPENDFSYNC`` decides what a crash of the machine may lose.
    """
    argv = redis_server_argv(settings, settings.redis_port, data_dir or redis_data_dir(settings))
    return Command("redis", argv, base_env(settings))


def redis_server_argv(settings: Settings, port: int, folder: Path) -> list[str]:
    """What every redis-server the launcher starts shares (one Redis, a cluster's nodes).

    Loopback only, in the foreground, logging to stdout, the append-only file on with
    ``RELAY_REDIS_APPENDFSYNC``, no RDB snapshots.
    """
    return [
        find_binary("redis-server"),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(folder),
        "--appendonly", "yes",
        "--appendfsync", settings.redis_appendfsync,
        "--save", "",
        "--daemonize", "no",
        "--protected-mode", "yes",
        "--logfile", "",
        "--maxclients", "10000",
    ]  # fmt: skip


def watcher_command(settings: Settings) -> Command:
    """The watcher: claims jobs and runs the agents."""
    return Command("watcher", [sys.executable, "-m", "watcher"], base_env(settings))


def app_command(settings: Settings) -> Command:
    """Granian serving the Falcon app; PROMETHEUS_MULTIPROC_DIR shared by its workers."""
    env = base_env(settings)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_multiproc_dir(settings))
    argv = [
        sys.executable, "-m", "granian",
        "--interface", "asgi",  # not asginl: that one skips lifespan start-up
        "--factory", "app.app:create_app",
        "--host", settings.app_host,
        "--port", str(settings.app_port),
        "--workers", str(settings.app_workers),
        "--loop", settings.event_loop,
        "--backpressure", str(settings.app_backpressure),
        "--backlog", "4096",
        "--http", "1",  # nginx speaks HTTP/1.1 to its upstream
        "--no-ws",
        "--no-metrics",  # Granian's own exporter defaults to Prometheus's port 9090
        "--respawn-failed-workers",
        "--workers-kill-timeout", "5",  # SSE streams would otherwise hold shutdown open
    ]  # fmt: skip
    return Command("app", argv, env)


def nginx_command(settings: Settings, paths: NginxPaths | None = None) -> Command:
    """nginx in the foreground, with every file it writes under the state folder."""
    paths = paths or NginxPaths.for_settings(settings)
    argv = [
        find_binary("nginx"),
        "-p", str(paths.nginx_dir),
        "-c", str(paths.config),
        "-e", "stderr",  # else it first opens /var/log/nginx/error.log
        "-g", "daemon off;",
    ]  # fmt: skip
    return Command("nginx", argv, base_env(settings))


def prepare_app(settings: Settings) -> None:
    """Empty the metrics folder: files of dead workers would be summed forever."""
    shutil.rmtree(metrics_multiproc_dir(settings), ignore_errors=True)
    metrics_multiproc_dir(settings).mkdir(parents=True)


def prepare_redis(settings: Settings, data_dir: Path | None = None) -> None:
    """Create the private Redis's data folder."""
    (data_dir or redis_data_dir(settings)).mkdir(parents=True, exist_ok=True)


def prepare_nginx(settings: Settings, paths: NginxPaths | None = None) -> Path:
    """Build the static folder and render the configuration; returns the config path."""
    paths = paths or NginxPaths.for_settings(settings)
    build_static.build(build_static.STATIC_DIR, paths.www_dir)
    return write_config(settings, paths)


def raise_open_files_limit(wanted: int = OPEN_FILES_WANTED) -> None:
    """Raise our soft descriptor limit (inherited by children) as far as allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
