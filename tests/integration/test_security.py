"""Attacks on a real stack, through nginx: token bypass, CSRF, DNS rebinding, bad input.

``guarded`` is a stack of its own with ``RELAY_API_TOKEN`` set; ``stack`` (the
session's) runs with the defaults, no token. Every refused request is checked to
have written nothing, in Redis and in the fallback folder.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from app.access import COOKIE_NAME
from tests.support.attack import nothing_written, raw_request
from tests.support.openapi import HTTP_METHODS, load_openapi
from tests.support.stack import Stack, own_stack

TOKEN = "attack-test-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
JOB = "A" * 24
JSON = {"Content-Type": "application/json"}

#: Every /api/ route (its template) with a body that would succeed given the token.
ROUTES: list[tuple[str, str, dict | None]] = [
    ("POST", "/api/chat/start", {"message": "hello", "project": "p"}),
    ("GET", "/api/sse/status/{job_id}", None),
    ("GET", "/api/chat/status/{job_id}", None),
    ("POST", "/api/chat/status", {"job_id": JOB}),
    ("POST", "/api/chat/answers", {"job_id": JOB, "answers": ["x"]}),
    ("POST", "/api/chat/cancel", {"job_id": JOB}),
    ("GET", "/api/active/{project}", None),
    ("GET", "/api/projects", None),
    ("GET", "/api/history/{project}", None),
    ("POST", "/api/history/save", {"project": "p", "user": "u", "assistant": "a"}),
    ("POST", "/api/history/delete", {"project": "p", "id": "x"}),
    ("POST", "/api/projects/rename", {"project": "p", "title": "t"}),
    ("POST", "/api/projects/delete", {"project": "p"}),
    ("POST", "/api/history/clear", {"project": "p"}),
    ("GET", "/api/queue/status", None),
    ("GET", "/api/health", None),
    ("GET", "/api/models", None),
]


def filled(template: str) -> str:
    return template.format(job_id=JOB, project="p")


def spellings(path: str) -> list[str]:
    """Non-canonical spellings of ``path`` (which starts with ``/api/``)."""
    rest = path[len("/api/") :]
    return [
        "/" + path,  # //api/...
        "/%2fapi/" + rest,
        "/%2Fapi/" + rest,
        "/." + path,  # /./api/...
        "/api/.." + path,  # /api/../api/...
        "/api/%2e%2e" + path,
        "/api//" + rest,
        "/API/" + rest,
        "/Api/" + rest.upper(),
        path + "/",
        path + "//",
    ]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[Stack]:
    """A stack of its own with an API token set."""
    with own_stack(tmp_path_factory, logs_dir, "guarded", api_token=TOKEN) as stack:
        yield stack


@pytest.fixture
def guarded_stack(guarded: Stack) -> Stack:
    guarded.ensure_running()
    return guarded


def body_of(payload: dict | None) -> bytes | None:
    return None if payload is None else orjson.dumps(payload)


@pytest.mark.parametrize(("method", "path", "payload"), ROUTES, ids=[r[1] for r in ROUTES])
def test_no_spelling_of_an_api_route_gets_around_the_token(
    guarded_stack: Stack, method: str, path: str, payload: dict | None
) -> None:
    fallback = guarded_stack.settings.fallback_dir
    with nothing_written(guarded_stack.redis, fallback):
        for base in (guarded_stack.url, guarded_stack.app.url):  # nginx, and the app port
            for spelled in [filled(path), *spellings(filled(path))]:
                response = raw_request(base, method, spelled, body_of(payload), JSON)
                assert response.status == 401, (base, method, spelled, response.body)
                assert orjson.loads(response.body)["error"]["code"] == "unauthorized"


def test_with_the_token_non_canonical_spellings_reach_only_the_canonical_route(
    guarded_stack: Stack,
) -> None:
    # nginx hands the app the path it matched: //api/projects is /api/projects.
    for spelled in spellings("/api/projects")[:7]:
        response = raw_request(guarded_stack.url, "GET", spelled, headers=BEARER)
        assert response.status == 200, (spelled, response.body)
        assert "projects" in orjson.loads(response.body)
    for spelled in spellings("/api/projects")[7:]:  # case, trailing slashes: no route
        assert raw_request(guarded_stack.url, "GET", spelled, headers=BEARER).status == 404


def test_health_without_the_token_says_only_up(guarded_stack: Stack) -> None:
    anonymous = httpx.get(f"{guarded_stack.url}/health", timeout=10)
    assert anonymous.status_code == 200
    assert anonymous.json() == {"status": "up"}
    detailed = httpx.get(f"{guarded_stack.url}/health", headers=BEARER, timeout=10).json()
    assert detailed["redis"] is True and detailed["watchers"]


def test_a_cookie_from_another_origin_is_refused_and_writes_nothing(guarded_stack: Stack) -> None:
    url = guarded_stack.url
    cookies = {COOKIE_NAME: TOKEN}
    saved = httpx.post(
        f"{url}/api/history/save",
        json={"project": "victim", "user": "keep me", "assistant": "ok"},
        headers=BEARER,
    )
    assert saved.status_code == 201
    other_port = url.rsplit(":", 1)[0] + ":1"  # same site, another port: SameSite lets it in
    attacks = [
        {"Origin": other_port},
        {"Origin": other_port, "Sec-Fetch-Site": "same-site"},
        {"Origin": "http://attacker.example", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {},  # a cookie-authenticated write without Origin
    ]
    with nothing_written(guarded_stack.redis, guarded_stack.settings.fallback_dir):
        for headers in attacks:
            for path, payload in (
                ("/api/chat/start", {"message": "rm -rf", "project": "victim"}),
                ("/api/history/clear", {"project": "victim"}),
            ):
                response = httpx.post(
                    f"{url}{path}", json=payload, headers=headers, cookies=cookies, timeout=10
                )
                assert response.status_code == 403, (headers, path)
                assert response.json()["error"]["code"] == "cross_origin"
    history = httpx.get(f"{url}/api/history/victim", headers=BEARER).json()["history"]
    assert [entry["user"] for entry in history] == ["keep me"]


def test_the_pages_own_cookie_requests_still_work(guarded_stack: Stack) -> None:
    url = guarded_stack.url
    page = {"Origin": url, "Sec-Fetch-Site": "same-origin"}
    with httpx.Client(base_url=url, timeout=10) as browser:
        assert browser.post("/api/session", json={"token": TOKEN}, headers=page).status_code == 204
        started = browser.post(
            "/api/chat/start", json={"message": "hi there", "project": "own"}, headers=page
        )
        assert started.status_code == 202, started.text
        stream = browser.get(
            started.json()["stream_url"], headers={"Sec-Fetch-Site": "same-origin"}
        )
        assert stream.status_code == 200 and "event: done" in stream.text


def test_text_plain_posts_are_refused_and_write_nothing(stack: Stack) -> None:
    # The default stack: no token, so only Content-Type stands between a cross-site
    # "simple" request and the job queue.
    url = stack.url
    with nothing_written(stack.redis, stack.settings.fallback_dir):
        for method, path, payload in ROUTES:
            if method != "POST":
                continue
            for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
                headers = {"Content-Type": content_type} if content_type else {}
                response = raw_request(url, "POST", filled(path), body_of(payload), headers)
                assert response.status == 415, (path, content_type, response.body)
                error = orjson.loads(response.body)["error"]
                assert error["code"] == "unsupported_media_type"


def test_a_foreign_host_is_refused_by_nginx_and_the_app(stack: Stack) -> None:
    payload = orjson.dumps({"message": "rebound", "project": "p"})
    with nothing_written(stack.redis, stack.settings.fallback_dir):
        for base in (stack.url, stack.app.url):
            for host in ("attacker.example", "attacker.example:8080", "127.0.0.1.nip.io"):
                headers = {"Host": host, **JSON}
                response = raw_request(base, "POST", "/api/chat/start", payload, headers)
                assert response.status == 421, (base, host, response.body)
                assert orjson.loads(response.body)["error"]["code"] == "misdirected_request"
        assert (
            raw_request(stack.url, "GET", "/", headers={"Host": "attacker.example"}).status == 421
        )
    for host in ("127.0.0.1", "localhost", f"localhost:{stack.settings.port}"):
        assert raw_request(stack.url, "GET", "/api/health", headers={"Host": host}).status == 200


def test_the_page_is_served_with_the_security_headers(stack: Stack) -> None:
    page = httpx.get(f"{stack.url}/", timeout=10)
    asset = next(p for p in (stack.settings.state_dir / "www" / "assets").iterdir())
    for response in (page, httpx.get(f"{stack.url}/assets/{asset.name}", timeout=10)):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    api = httpx.get(f"{stack.url}/api/models", timeout=10)
    assert api.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"message": "hi", "project": "evil\n"}, "invalid_project"),
        ({"message": "hi", "project": ".."}, "invalid_project"),
        ({"message": "hi", "project": "p\u00b2"}, "invalid_project"),
    ],
)
def test_project_names_are_matched_in_full(stack: Stack, payload: dict, code: str) -> None:
    with nothing_written(stack.redis, stack.settings.fallback_dir):
        response = httpx.post(f"{stack.url}/api/chat/start", json=payload, timeout=10)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == code


def test_job_ids_are_matched_in_full(stack: Stack) -> None:
    for job_id in (JOB + "\n", JOB + "%0A"):
        response = httpx.post(f"{stack.url}/api/chat/cancel", json={"job_id": job_id}, timeout=10)
        assert response.status_code == 400
    assert httpx.get(f"{stack.url}/api/chat/status/{JOB}%0A", timeout=10).status_code == 400


def test_last_event_id_must_be_ascii_digits(stack: Stack) -> None:
    job = httpx.post(f"{stack.url}/api/chat/start", json={"message": "hi", "cache": False}).json()
    for value in ("\u00b2", "\u0663", "1e3", "-1", "1" * 13):
        response = httpx.get(
            f"{stack.url}{job['stream_url']}",
            headers={"Last-Event-ID": value.encode()},
            timeout=10,
        )
        assert response.status_code == 400, value
        query = httpx.get(f"{stack.url}{job['stream_url']}", params={"last_event_id": value})
        assert query.status_code == 400, value


def test_status_routes_answer_405_for_the_wrong_method(stack: Stack) -> None:
    assert httpx.get(f"{stack.url}/api/chat/status", timeout=10).status_code == 405
    wrong = httpx.post(f"{stack.url}/api/chat/status/{JOB}", json={"job_id": JOB}, timeout=10)
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"]


def test_nginx_refuses_a_body_over_the_apps_limit_with_413(stack: Stack) -> None:
    limit = stack.settings.max_body_bytes
    body = b'{"message": "' + b"x" * limit + b'"}'
    with nothing_written(stack.redis, stack.settings.fallback_dir):
        response = raw_request(stack.url, "POST", "/api/chat/start", body, JSON)
    assert response.status == 413
    assert orjson.loads(response.body)["error"]["code"] == "too_large"


def test_an_oversized_body_the_app_refuses_breaks_no_other_request(stack: Stack) -> None:
    # 100 kB is under nginx's limit but over /api/chat/cancel's: the app answers 413
    # after reading it, so the kept-alive upstream connection stays usable.
    big = b'{"job_id": "' + b"x" * 100_000 + b'"}'

    def oversized(_: int) -> int:
        return raw_request(stack.url, "POST", "/api/chat/cancel", big, JSON).status

    def small(_: int) -> int:
        return httpx.get(f"{stack.url}/api/models", timeout=10).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        big_results = pool.map(oversized, range(40))
        small_results = pool.map(small, range(400))
        assert set(big_results) == {413}
        assert set(small_results) == {200}


def test_the_attacked_routes_are_every_documented_api_route() -> None:
    documented = {
        (method.upper(), path)
        for path, item in load_openapi()["paths"].items()
        for method in item
        if method in HTTP_METHODS and path.startswith("/api/") and path != "/api/session"
    }
    attacked = {(method, path) for method, path, _ in ROUTES}
    assert attacked == documented
