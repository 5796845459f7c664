"""Render nginx's configuration from ``nginx.conf.template`` and the settings.

Used by the launcher and by the test fixtures, so both run nginx with the same file.
``python -m proxy.render`` prints the configuration for the current environment.
"""

from __future__ import annotations

import grp
import ipaddress
import os
import pwd
import resource
import string
from dataclasses import dataclass
from pathlib import Path

from relay.settings import WILDCARD_HOSTS, Settings

TEMPLATE_PATH = Path(__file__).with_name("nginx.conf.template")
#: Descriptors per nginx worker: 10,000 SSE streams need two each.
WORKER_OPEN_FILES = 65535

#: Sent with every page and static file: no script but our own files, no framing.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: What nginx answers for a Host not on the allow-list.
_MISDIRECTED_BODY = (
    '{"error": {"code": "misdirected_request", '
    '"message": "this Relay does not answer for that host name (RELAY_ALLOWED_HOSTS)"}}'
)


class NginxTemplate(string.Template):
    """``@{name}`` placeholders: ``$`` belongs to nginx variables."""

    delimiter = "@"


@dataclass(frozen=True)
class NginxPaths:
    """Where one nginx instance keeps its files (all under the state folder)."""

    nginx_dir: Path
    www_dir: Path

    @classmethod
    def for_settings(cls, settings: Settings) -> NginxPaths:
        """The standard layout: ``<state>/nginx`` and ``<state>/www``."""
        return cls(nginx_dir=settings.state_dir / "nginx", www_dir=settings.state_dir / "www")

    @property
    def config(self) -> Path:
        """The rendered configuration file."""
        return self.nginx_dir / "nginx.conf"

    @property
    def pid_file(self) -> Path:
        return self.nginx_dir / "nginx.pid"

    def make_dirs(self) -> None:
        """Create the directories nginx writes to (it only creates the leaf ones)."""
        for sub in ("temp", "cache", "logs"):
            (self.nginx_dir / sub).mkdir(parents=True, exist_ok=True)


def render(settings: Settings, paths: NginxPaths) -> str:
    """The configuration text for ``settings``, with files under ``paths``."""
    values = {
        "user_directive": _user_directive(),
        "worker_rlimit_nofile": _worker_open_files(),
        "nginx_dir": paths.nginx_dir,
        "www_dir": paths.www_dir,
        "listen_host": _bracket_ipv6(settings.host),
        "port": settings.port,
        "upstream_host": _upstream_host(settings.app_host),
        "app_port": settings.app_port,
        "nginx_status_port": settings.nginx_status_port,
        "chat_rate_limit_per_s": settings.chat_rate_limit_per_s,
        "chat_rate_limit_burst": settings.chat_rate_limit_burst,
        "client_max_body_size": settings.max_body_bytes,
        "page_headers": _page_headers(),
        **_host_guard(settings),
    }
    return NginxTemplate(TEMPLATE_PATH.read_text()).substitute(values)


def write_config(settings: Settings, paths: NginxPaths | None = None) -> Path:
    """Render and write the configuration, creating nginx's folders; returns its path."""
    paths = paths or NginxPaths.for_settings(settings)
    paths.make_dirs()
    paths.config.write_text(render(settings, paths))
    return paths.config


def _user_directive() -> str:
    # nginx started as root runs its workers as "nobody", who cannot read a private
    # state folder (pytest's tmp dirs are 0700). The workers run as whoever started
    # the launcher instead: the same user the app and the agents already run as.
    if os.geteuid() != 0:
        return "# (not root: workers run as the current user)"
    user = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid()).gr_name
    return f"user {user} {group};"


def _worker_open_files() -> int:
    # Asking for more than the hard limit only earns an alert per worker at start.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return WORKER_OPEN_FILES if hard == resource.RLIM_INFINITY else min(WORKER_OPEN_FILES, hard)


def _bracket_ipv6(host: str) -> str:
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def _upstream_host(app_host: str) -> str:
    return "127.0.0.1" if app_host in WILDCARD_HOSTS else _bracket_ipv6(app_host)


def _page_headers() -> str:
    # add_header in a location replaces every inherited one: each page location
    # repeats the set (the "always" flag: error pages get them too).
    return "\n".join(
        f'            add_header {name} "{value}" always;'
        for name, value in PAGE_SECURITY_HEADERS.items()
    )


def _host_guard(settings: Settings) -> dict[str, str]:
    """The main server's names and, with an allow-list, the 421 server for other hosts."""
    listen_options = " default_server backlog=4096"
    allowed = settings.host_allow_list
    if allowed is None:
        return {"host_guard_server": "", "server_names": "_", "main_listen_options": listen_options}
    names = " ".join(sorted(_bracket_ipv6(name) for name in allowed))
    guard = f"""    # A Host that is not on the allow-list (or no Host): 421, nothing proxied.
    server {{
        listen {_bracket_ipv6(settings.host)}:{settings.port}{listen_options};
        server_name "";
        default_type application/json;
        add_header Cache-Control "no-store" always;
        return 421 '{_MISDIRECTED_BODY}';
    }}
"""
    return {"host_guard_server": guard, "server_names": names, "main_listen_options": ""}


if __name__ == "__main__":
    _settings = Settings.from_env()
    print(render(_settings, NginxPaths.for_settings(_settings)))
