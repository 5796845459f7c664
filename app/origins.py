"""Where a request may come from: the Host allow-list and the cross-origin check.

- **Host allow-list** (DNS rebinding): a page on ``attacker.example`` whose name is
  made to resolve to 127.0.0.1 talks to Relay with ``Host: attacker.example``. Only
  the names in ``RELAY_ALLOWED_HOSTS`` (default: the loopback names and ``RELAY_HOST``)
  are answered; another name gets 421, a missing or malformed Host 400. nginx applies
  the same list first (``proxy/render.py``); the app repeats it for its own port.
- **Cross-origin check** (CSRF): a state-changing request that a browser marks as
  coming from another origin (``Origin``, ``Sec-Fetch-Site``) is refused with 403
  unless that origin is in the CORS allow-list. A request authenticated by the cookie
  must also *show* it is same-origin, on every method: SameSite=Strict does not
  separate two ports of one host, so another port's page would carry the cookie.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import falcon
import falcon.asgi

#: Methods that change nothing: a cross-origin one is harmless unless it is
#: cookie-authenticated (the browser will not let the other page read the answer).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``Sec-Fetch-Site`` values a browser sends for requests another page started.
FOREIGN_FETCH_SITES = frozenset({"cross-site", "same-site"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=1024)  # every request asks; clients send few distinct hosts
def host_name(host_header: str) -> str | None:
    """The lower-case name of a ``Host`` header (IPv6 without brackets), None if malformed."""
    host = host_header.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not _is_port_suffix(rest)):
            return None
    else:
        name, colon, port = host.partition(":")
        if colon and not _is_port_suffix(":" + port):
            return None
    name = name.rstrip(".")
    if not name or any(c in name for c in "/\\@ \t?#"):
        return None
    return name


def _is_port_suffix(text: str) -> bool:
    return text.startswith(":") and text[1:].isascii() and text[1:].isdigit() and len(text) <= 6


class HostAllowList:
    """Middleware answering only requests whose ``Host`` is on the allow-list."""

    def __init__(self, allowed: frozenset[str] | None) -> None:
        self._allowed = allowed  # None: any host (RELAY_ALLOWED_HOSTS=*)

    async def process_request(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        """421 for a Host not on the list, 400 for a missing or malformed one."""
        if self._allowed is None:
            return
        header = req.get_header("Host")
        name = host_name(header) if header else None
        if name is None:
            raise falcon.HTTPBadRequest(
                title="invalid_host", description="send a valid Host header"
            )
        if name not in self._allowed:
            raise falcon.HTTPError(
                falcon.HTTP_421,
                title="misdirected_request",
                description=f"this Relay does not answer for host {name!r} (RELAY_ALLOWED_HOSTS)",
            )


def _origin_key(scheme: str, netloc: str) -> tuple[str, str | None, int | None] | None:
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    return scheme, parts.hostname, port


class OriginCheck:
    """Decides whether a request comes from the page itself (or an allowed origin)."""

    def __init__(self, allowed_origins: frozenset[str]) -> None:
        self._allowed = {key for o in allowed_origins if (key := _parse_origin(o))}

    def refuse_foreign(self, req: falcon.asgi.Request, cookie_authenticated: bool) -> None:
        """403 when another origin's page started this request (see the module docstring)."""
        if req.method == "OPTIONS":
            return  # CORS preflight: carries no credentials and changes nothing
        origin = req.get_header("Origin")
        fetch_site = (req.get_header("Sec-Fetch-Site") or "").lower()
        if origin is not None:
            key = _parse_origin(origin)
            if key is None or (key != self._own_origin(req) and key not in self._allowed):
                raise cross_origin(f"requests from {origin!r} are not accepted")
            if key in self._allowed:
                return
        if fetch_site in FOREIGN_FETCH_SITES:
            raise cross_origin(f"a {fetch_site} request is not accepted")
        if (
            cookie_authenticated
            and req.method not in SAFE_METHODS
            and origin is None
            and fetch_site != "same-origin"
        ):
            # Browsers send Origin on every POST; a cookie without it proves nothing.
            raise cross_origin("a cookie-authenticated write must carry its Origin")

    @staticmethod
    def _own_origin(req: falcon.asgi.Request) -> tuple[str, str | None, int | None] | None:
        # nginx sets X-Forwarded-Proto; the Host header is already on the allow-list.
        scheme = (req.get_header("X-Forwarded-Proto") or req.scheme).lower()
        return _origin_key(scheme, req.get_header("Host") or "")


def _parse_origin(origin: str) -> tuple[str, str | None, int | None] | None:
    scheme, sep, netloc = origin.strip().lower().partition("://")
    if not sep or scheme not in _DEFAULT_PORTS or not netloc or "/" in netloc:
        return None  # includes "null", the Origin of sandboxed and file:// pages
    return _origin_key(scheme, netloc)


def cross_origin(message: str) -> falcon.HTTPForbidden:
    """403 in the project's error shape."""
    return falcon.HTTPForbidden(title="cross_origin", description=message)
