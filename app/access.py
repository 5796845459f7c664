"""Access control: the API token and CORS.

The agents Relay drives can run code on the host, so when ``RELAY_API_TOKEN`` is set
every ``/api/`` request must carry it, either as ``Authorization: Bearer <token>``
or as the ``relay_token`` cookie. ``/health`` stays open for probes; ``/api/health``
does not. CORS preflights (``OPTIONS``) pass, the request that follows them does not.

The page obtains the cookie once through ``/api/session`` (handled here, no route):

- ``POST /api/session`` with ``{"token": "..."}``: sets the cookie; 204, or 401.
- ``GET /api/session?token=...``: sets the cookie and redirects to ``/`` (a link to
  open once in the browser); 401 if the token is wrong.
- ``GET /api/session``: ``{"token_required": bool, "authenticated": bool}``, so the
  page knows whether to ask for a token.
- ``DELETE /api/session``: forgets the cookie.

The cookie is HttpOnly and SameSite=Strict (Secure when the request came over
HTTPS), limited to ``/api/``.
"""

from __future__ import annotations

import hmac
from typing import Any

import falcon
import falcon.asgi
from falcon import CORSMiddleware

from relay.settings import Settings

COOKIE_NAME = "relay_token"
SESSION_PATH = "/api/session"
COOKIE_MAX_AGE_S = 30 * 24 * 3600


def access_middleware(settings: Settings) -> list[Any]:
    """The middleware to install first in ``create_app``: token check, then CORS."""
    middleware: list[Any] = [TokenAuth(settings.api_token)]
    if settings.allowed_origins:
        middleware.append(
            CORSMiddleware(
                allow_origins=sorted(settings.allowed_origins),
                expose_headers=["Retry-After", "Location"],
            )
        )
    return middleware


def unauthorized(message: str) -> falcon.HTTPUnauthorized:
    """401 in the project's error shape, with a Bearer challenge."""
    return falcon.HTTPUnauthorized(title="unauthorized", description=message, challenges=["Bearer"])


class TokenAuth:
    """Requires the API token on ``/api/`` when one is configured; serves ``/api/session``."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    @property
    def required(self) -> bool:
        """Whether a token is configured at all."""
        return bool(self._token)

    def accepts(self, presented: str | None) -> bool:
        """Constant-time comparison of a presented token with ours."""
        if not self._token:
            return True
        return presented is not None and hmac.compare_digest(presented.encode(), self._token)

    def presented_token(self, req: falcon.asgi.Request) -> str | None:
        """The token the request carries: the Bearer header first, then the cookie."""
        auth = req.get_header("Authorization") or ""
        scheme, _, credentials = auth.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
        cookies = req.get_cookie_values(COOKIE_NAME)
        return cookies[0] if cookies else None

    async def process_request(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        """Reject unauthenticated API requests; answer ``/api/session`` directly."""
        if req.path == SESSION_PATH and req.method != "OPTIONS":
            # Answered here rather than by a resource: access is this module's concern.
            await self._session(req, resp)
            resp.complete = True
            return
        if not self.required or not req.path.startswith("/api/") or req.method == "OPTIONS":
            return
        presented = self.presented_token(req)
        if presented is None:
            raise unauthorized("this Relay requires its API token (Authorization: Bearer ...)")
        if not self.accepts(presented):
            raise unauthorized("the API token is not valid")

    async def _session(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.set_header("Cache-Control", "no-store")
        if req.method == "DELETE":
            resp.unset_cookie(COOKIE_NAME, path="/api/")
            resp.status = falcon.HTTP_204
            return
        if req.method == "GET" and req.get_param("token") is None:
            authenticated = self.accepts(self.presented_token(req))
            resp.media = {"token_required": self.required, "authenticated": authenticated}
            return
        if req.method == "GET":
            token = req.get_param("token")
        elif req.method == "POST":
            body = await req.get_media(default_when_empty=None)
            token = body.get("token") if isinstance(body, dict) else None
            if not isinstance(token, str):
                raise falcon.HTTPBadRequest(title="invalid", description='send {"token": "..."}')
        else:
            raise falcon.HTTPMethodNotAllowed(["GET", "POST", "DELETE"])
        if not self.required:
            resp.status = falcon.HTTP_204  # nothing to remember
        elif not self.accepts(token):
            raise unauthorized("the API token is not valid")
        else:
            self._set_cookie(req, resp)
            resp.status = falcon.HTTP_204
        if req.method == "GET":
            resp.status = falcon.HTTP_303
            resp.location = "/"

    def _set_cookie(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        secure = req.scheme == "https" or req.get_header("X-Forwarded-Proto") == "https"
        resp.set_cookie(
            COOKIE_NAME,
            self._token.decode(),
            max_age=COOKIE_MAX_AGE_S,
            path="/api/",
            secure=secure,
            http_only=True,
            same_site="Strict",
        )
