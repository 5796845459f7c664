"""Access control: the API token, decided on the routed resource; CORS.

The agents Relay drives can run code on the host, so when ``RELAY_API_TOKEN`` is set
every route needs it, either as ``Authorization: Bearer <token>`` or as the
``relay_token`` cookie, except the few in :data:`PUBLIC_ROUTES`. The decision is
made after routing, on the route template Falcon matched (``process_resource``),
never on a path prefix: however a path is spelled (``//api``, ``/%2fapi``, mixed
case ...), it either reaches a route, whose template decides, or no route, where
the catch-all :class:`UnknownRoute` answers 401 before 404. CORS preflights
(``OPTIONS``) pass, the request that follows them does not. A request that passed
also passes the cross-origin check of :mod:`app.origins`.

The page obtains the cookie once through ``/api/session`` (public):

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

from app import validation
from app.origins import HostAllowList, OriginCheck
from app.security_headers import ApiSecurityHeaders
from relay.settings import Settings

COOKIE_NAME = "relay_token"
SESSION_PATH = "/api/session"
COOKIE_MAX_AGE_S = 30 * 24 * 3600
#: Route templates open without the token: the probe (which then says only up or
#: down), the session endpoint that takes the token, and /metrics, which only the app
#: port serves (nginx answers 404 for it) so that Prometheus needs no secret.
PUBLIC_ROUTES = frozenset({"/health", SESSION_PATH, "/metrics"})


def access_middleware(settings: Settings) -> list[Any]:
    """The middleware to install first in ``create_app``: Host, token and origin, CORS."""
    middleware: list[Any] = [
        ApiSecurityHeaders(),
        HostAllowList(settings.host_allow_list),
        TokenAuth(settings.api_token, OriginCheck(settings.allowed_origins)),
    ]
    if settings.allowed_origins:
        middleware.append(
            CORSMiddleware(
                allow_origins=sorted(settings.allowed_origins),
                expose_headers=["Retry-After", "Location"],
            )
        )
    return middleware


def add_access_routes(app: falcon.asgi.App, middleware: list[Any]) -> None:
    """``/api/session`` and the catch-all that keeps unknown paths behind the token."""
    auth = next(m for m in middleware if isinstance(m, TokenAuth))
    app.add_route(SESSION_PATH, SessionResource(auth))
    app.add_sink(UnknownRoute(auth), prefix="/")


def unauthorized(message: str) -> falcon.HTTPUnauthorized:
    """401 in the project's error shape, with a Bearer challenge."""
    return falcon.HTTPUnauthorized(title="unauthorized", description=message, challenges=["Bearer"])


class TokenAuth:
    """Requires the API token on every non-public route, when one is configured.

    Sets ``req.context.authenticated`` (a valid token, or none configured) for the
    resources that answer differently to anonymous callers (``/health``).
    """

    def __init__(self, token: str, origins: OriginCheck | None = None) -> None:
        self._token = token.encode()
        self._origins = origins or OriginCheck(frozenset())

    @property
    def required(self) -> bool:
        """Whether a token is configured at all."""
        return bool(self._token)

    def accepts(self, presented: str | None) -> bool:
        """Constant-time comparison of a presented token with ours."""
        if not self._token:
            return True
        return presented is not None and hmac.compare_digest(presented.encode(), self._token)

    def presented_token(self, req: falcon.asgi.Request) -> tuple[str | None, bool]:
        """(the token the request carries, whether it came from the cookie)."""
        auth = req.get_header("Authorization") or ""
        scheme, _, credentials = auth.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip(), False
        cookies = req.get_cookie_values(COOKIE_NAME)
        return (cookies[0], True) if cookies else (None, False)

    async def process_resource(
        self,
        req: falcon.asgi.Request,
        resp: falcon.asgi.Response,
        resource: object,
        params: dict[str, Any],
    ) -> None:
        """Decide on the matched route's template; the sink covers unmatched paths."""
        self.authorize(req, public=req.uri_template in PUBLIC_ROUTES)

    def authorize(self, req: falcon.asgi.Request, public: bool = False) -> None:
        """401 unless the token is valid (or ``public``); then the cross-origin check."""
        presented, from_cookie = self.presented_token(req)
        req.context.authenticated = self.accepts(presented)
        if self.required and not public and req.method != "OPTIONS":
            if presented is None:
                raise unauthorized("this Relay requires its API token (Authorization: Bearer ...)")
            if not req.context.authenticated:
                raise unauthorized("the API token is not valid")
        self._origins.refuse_foreign(req, cookie_authenticated=from_cookie and self.required)

    def set_cookie(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        """Remember the token in the browser (HttpOnly, SameSite=Strict, ``/api/``)."""
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


class UnknownRoute:
    """Catch-all sink: a path no route matches is 404, but only for a caller with the token.

    Without it an unmatched path would skip ``process_resource``; answering 401 first
    also keeps which paths exist to those allowed to know.
    """

    def __init__(self, auth: TokenAuth) -> None:
        self._auth = auth

    async def __call__(
        self, req: falcon.asgi.Request, resp: falcon.asgi.Response | None, **_: Any
    ) -> None:
        self._auth.authorize(req)
        raise falcon.HTTPNotFound(title="not_found", description=f"no route {req.path}")


class SessionResource:
    """``/api/session``: exchange the token for the cookie (see the module docstring)."""

    def __init__(self, auth: TokenAuth) -> None:
        self._auth = auth

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.set_header("Cache-Control", "no-store")
        token = req.get_param("token")
        if token is None:
            resp.media = {
                "token_required": self._auth.required,
                "authenticated": req.context.authenticated,
            }
            return
        self._remember(req, resp, token)
        resp.status = falcon.HTTP_303
        resp.location = "/"

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.set_header("Cache-Control", "no-store")
        body = await validation.read_json(req, 4096)
        token = body.get("token")
        if not isinstance(token, str):
            raise falcon.HTTPBadRequest(title="invalid", description='send {"token": "..."}')
        self._remember(req, resp, token)
        resp.status = falcon.HTTP_204

    async def on_delete(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.set_header("Cache-Control", "no-store")
        resp.unset_cookie(COOKIE_NAME, path="/api/")
        resp.status = falcon.HTTP_204

    def _remember(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, token: str) -> None:
        if not self._auth.required:
            return  # nothing to remember
        if not self._auth.accepts(token):
            raise unauthorized("the API token is not valid")
        self._auth.set_cookie(req, resp)
