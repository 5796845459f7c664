"""Access control: the API token (header or cookie) decided on the routed resource,
/api/session, the Host allow-list, the cross-origin check, CORS allow-list."""

from __future__ import annotations

import falcon
import falcon.asgi
import falcon.testing
import pytest

from app import errors
from app.access import COOKIE_NAME, access_middleware, add_access_routes
from app.origins import host_name
from relay.settings import Settings

TOKEN = "s3cret-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


class Thing:
    async def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True}

    async def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True}


def make_client(**settings: str) -> falcon.testing.TestClient:
    settings.setdefault("allowed_hosts", falcon.testing.helpers.DEFAULT_HOST)
    middleware = access_middleware(Settings(**settings))
    app = falcon.asgi.App(middleware=middleware, cors_enable=False)
    app.set_error_serializer(errors.serialize_error)
    add_access_routes(app, middleware)
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
    assert guarded.simulate_get("/other").status_code == 401  # every route but the public ones


@pytest.mark.parametrize(
    "path",
    ["//api/thing", "/api//thing", "/API/thing", "/api/thing/", "/api/./thing", "/api/x/../thing",
     "/nope", "/Health/", "//health/x"],
)  # fmt: skip
def test_every_spelling_of_a_path_needs_the_token(
    guarded: falcon.testing.TestClient, path: str
) -> None:
    # Routed or not, the answer without the token is 401; with it, never a bypass.
    response = guarded.simulate_post(path)
    assert response.status_code == 401, path
    assert guarded.simulate_post(path, headers=BEARER).status_code in (200, 404), path


def test_unknown_path_with_the_token_is_404(guarded: falcon.testing.TestClient) -> None:
    response = guarded.simulate_get("/api/nope", headers=BEARER)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_foreign_host_is_421_and_a_malformed_one_400() -> None:
    client = make_client(allowed_hosts="")  # the default list: loopback names
    assert client.simulate_get("/api/thing", host="127.0.0.1").status_code == 200
    assert client.simulate_get("/api/thing", host="localhost").status_code == 200
    refused = client.simulate_get("/api/thing", host="attacker.example")
    assert refused.status_code == 421
    assert refused.json["error"]["code"] == "misdirected_request"
    assert client.simulate_get("/health", host="attacker.example").status_code == 421
    assert client.simulate_get("/api/thing", headers={"Host": "a b"}).status_code in (400, 421)


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:8080", "127.0.0.1"), ("[::1]:8080", "::1"), ("LocalHost.", "localhost"),
     ("x:", None), ("[::1", None), ("a@b", None), ("h:99999999", None), ("", None)],
)  # fmt: skip
def test_host_names_are_parsed_strictly(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_allow_list_star_accepts_any_host() -> None:
    assert Settings(allowed_hosts="*").host_allow_list is None
    assert Settings(host="relay.example").host_allow_list == {
        "localhost", "127.0.0.1", "::1", "relay.example"
    }  # fmt: skip


OWN = {"Origin": "http://falconframework.org"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 200),  # curl, scripts: no browser headers
        (OWN, 200),
        ({"Sec-Fetch-Site": "same-origin"}, 200),
        ({"Origin": "http://evil.example"}, 403),
        ({"Origin": "http://falconframework.org:8081"}, 403),  # another port: same site
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "same-site"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
    ],
)
def test_cross_origin_writes_are_refused(headers: dict[str, str], status: int) -> None:
    client = make_client()
    response = client.simulate_post("/api/thing", headers=headers)
    assert response.status_code == status
    if status == 403:
        assert response.json["error"]["code"] == "cross_origin"


def test_cookie_requests_must_show_they_are_same_origin(guarded: falcon.testing.TestClient) -> None:
    cookie = {COOKIE_NAME: TOKEN}
    assert guarded.simulate_post("/api/thing", cookies=cookie, headers=OWN).status_code == 200
    # A cookie-authenticated write without Origin proves nothing: refused.
    assert guarded.simulate_post("/api/thing", cookies=cookie).status_code == 403
    # Reads too, when the browser says another site's page asked.
    other_port = {"Sec-Fetch-Site": "same-site"}
    assert guarded.simulate_get("/api/thing", cookies=cookie, headers=other_port).status_code == 403
    assert guarded.simulate_get("/api/thing", cookies=cookie).status_code == 200
    # The Bearer header is never sent by a browser on its own: no Origin needed.
    assert guarded.simulate_post("/api/thing", headers=BEARER).status_code == 200


def test_listed_cors_origin_passes_the_cross_origin_check() -> None:
    client = make_client(cors_origins="https://ok.example")
    headers = {"Origin": "https://ok.example", "Sec-Fetch-Site": "cross-site"}
    assert client.simulate_post("/api/thing", headers=headers).status_code == 200


def test_api_responses_carry_the_security_headers(guarded: falcon.testing.TestClient) -> None:
    for response in (
        guarded.simulate_get("/api/thing", headers=BEARER),
        guarded.simulate_get("/x"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_session_post_sets_an_httponly_strict_cookie(guarded: falcon.testing.TestClient) -> None:
    assert guarded.simulate_post("/api/session", body=f'{{"token": "{TOKEN}"}}').status_code == 415
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
