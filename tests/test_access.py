"""Access control: the API token (header or cookie), /api/session, CORS allow-list."""

from __future__ import annotations

from typing import Any

import falcon
import falcon.asgi
import falcon.testing
import pytest

from app import errors
from app.access import COOKIE_NAME, access_middleware
from relay.settings import Settings

TOKEN = "s3cret-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


class Thing:
    async def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True}

    async def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True}


def make_client(**settings: Any) -> falcon.testing.TestClient:
    app = falcon.asgi.App(middleware=access_middleware(Settings(**settings)), cors_enable=False)
    app.set_error_serializer(errors.serialize_error)
    for path in ("/api/thing", "/api/health", "/health", "/other"):
        app.add_route(path, Thing())
    return falcon.testing.TestClient(app)


@pytest.fixture
def guarded() -> falcon.testing.TestClient:
    return make_client(api_token=TOKEN)


def test_without_a_token_configured_everything_is_open() -> None:
    client = make_client()
    assert client.simulate_get("/api/thing").status_code == 200
    session = client.simulate_get("/api/session").json
    assert session == {"token_required": False, "authenticated": True}


def test_api_request_without_the_token_is_401_in_the_error_shape(
    guarded: falcon.testing.TestClient,
) -> None:
    response = guarded.simulate_get("/api/thing")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_api_request_with_a_wrong_token_is_401(guarded: falcon.testing.TestClient) -> None:
    for headers in ({"Authorization": "Bearer nope"}, {"Authorization": f"Basic {TOKEN}"}):
        assert guarded.simulate_get("/api/thing", headers=headers).status_code == 401
    assert guarded.simulate_get("/api/thing", cookies={COOKIE_NAME: "nope"}).status_code == 401


def test_bearer_token_or_cookie_grants_access(guarded: falcon.testing.TestClient) -> None:
    assert guarded.simulate_get("/api/thing", headers=BEARER).status_code == 200
    assert guarded.simulate_post("/api/thing", headers=BEARER).status_code == 200
    assert guarded.simulate_get("/api/thing", cookies={COOKIE_NAME: TOKEN}).status_code == 200


def test_api_health_needs_the_token_but_probe_health_does_not(
    guarded: falcon.testing.TestClient,
) -> None:
    assert guarded.simulate_get("/api/health").status_code == 401
    assert guarded.simulate_get("/health").status_code == 200
    assert guarded.simulate_get("/other").status_code == 200


def test_session_post_sets_an_httponly_strict_cookie(guarded: falcon.testing.TestClient) -> None:
    response = guarded.simulate_post("/api/session", json={"token": TOKEN})
    assert response.status_code == 204
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == TOKEN
    assert cookie.http_only
    assert cookie.same_site == "Strict"
    assert cookie.path == "/api/"
    assert not cookie.secure  # plain HTTP on loopback: a Secure cookie would be dropped


def test_session_cookie_is_secure_behind_https(guarded: falcon.testing.TestClient) -> None:
    response = guarded.simulate_post(
        "/api/session", json={"token": TOKEN}, headers={"X-Forwarded-Proto": "https"}
    )
    assert response.cookies[COOKIE_NAME].secure


def test_session_with_a_wrong_token_sets_nothing(guarded: falcon.testing.TestClient) -> None:
    response = guarded.simulate_post("/api/session", json={"token": "nope"})
    assert response.status_code == 401
    assert COOKIE_NAME not in response.cookies
    assert guarded.simulate_post("/api/session", json={}).status_code == 400


def test_session_link_sets_the_cookie_and_redirects_to_the_page(
    guarded: falcon.testing.TestClient,
) -> None:
    response = guarded.simulate_get("/api/session", params={"token": TOKEN})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert response.cookies[COOKIE_NAME].value == TOKEN


def test_session_status_tells_the_page_whether_to_ask(guarded: falcon.testing.TestClient) -> None:
    anonymous = guarded.simulate_get("/api/session").json
    assert anonymous == {"token_required": True, "authenticated": False}
    signed_in = guarded.simulate_get("/api/session", cookies={COOKIE_NAME: TOKEN}).json
    assert signed_in == {"token_required": True, "authenticated": True}


def test_session_delete_forgets_the_cookie(guarded: falcon.testing.TestClient) -> None:
    response = guarded.simulate_delete("/api/session")
    assert response.status_code == 204
    assert response.cookies[COOKIE_NAME].value == ""


def test_cors_allows_only_listed_origins() -> None:
    client = make_client(cors_origins="https://ok.example, https://also.example")
    allowed = client.simulate_get("/api/thing", headers={"Origin": "https://ok.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://ok.example"
    other = client.simulate_get("/api/thing", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_cors_preflight_passes_the_token_check() -> None:
    client = make_client(api_token=TOKEN, cors_origins="https://ok.example")
    preflight = client.simulate_options(
        "/api/thing",
        headers={
            "Origin": "https://ok.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://ok.example"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()


def test_no_cors_headers_without_an_allow_list() -> None:
    client = make_client()
    response = client.simulate_get("/api/thing", headers={"Origin": "https://ok.example"})
    assert "access-control-allow-origin" not in response.headers
