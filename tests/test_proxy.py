"""nginx as configured by proxy/: static files, API proxying, SSE, limits, micro-cache.

Most tests put the real nginx in front of a stub upstream (tests/support/stub_upstream.py)
so each proxy behaviour is observable on its own; the last ones use the real stack.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from proxy import build_static
from relay.settings import Settings
from tests.support.processes import NginxServer, StubUpstream, free_port, running
from tests.support.stack import Stack, make_settings

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def stub(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[StubUpstream]:
    with running(StubUpstream(logs_dir)) as server:
        yield server


@pytest.fixture(scope="module")
def proxy_settings(tmp_path_factory: pytest.TempPathFactory, stub: StubUpstream) -> Settings:
    return make_settings(tmp_path_factory.mktemp("proxy-state"), app_port=stub.port)


@pytest.fixture(scope="module")
def proxy(proxy_settings: Settings, logs_dir: Path) -> Iterator[NginxServer]:
    with running(NginxServer(proxy_settings, logs_dir)) as server:
        yield server


@pytest.fixture
def client(proxy: NginxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.url, timeout=5.0, trust_env=False) as http:
        yield http


def first_asset(index_html: str, suffix: str) -> str:
    """The first hashed asset with ``suffix`` that index.html references."""
    match = re.search(r'"(/?assets/[^"]+\.[0-9a-f]{8}' + re.escape(suffix) + ')"', index_html)
    assert match, f"index.html references no hashed {suffix} asset"
    return "/" + match.group(1).lstrip("/")


# --- static files ---------------------------------------------------------------------


def test_index_html_is_served_and_revalidated(client: httpx.Client, proxy: NginxServer) -> None:
    built = (proxy.paths.www_dir / "index.html").read_text()
    for path in ("/", "/index.html"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.text == built
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["content-type"].startswith("text/html")


def test_hashed_assets_are_cached_for_a_year(client: httpx.Client) -> None:
    asset = first_asset(client.get("/").text, ".js")
    response = client.get(asset)
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["content-type"].startswith("application/javascript")


def test_text_assets_are_sent_gzipped(client: httpx.Client) -> None:
    asset = first_asset(client.get("/").text, ".js")
    response = client.get(asset, headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"
    assert response.headers["cache-control"] == IMMUTABLE


def test_unknown_static_path_is_404(client: httpx.Client) -> None:
    assert client.get("/assets/nope.12345678.js").status_code == 404
    assert client.get("/nope.html").status_code == 404


def test_build_renames_assets_and_rewrites_references(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "assets").mkdir(parents=True)
    (src / "index.html").write_text(
        '<link href="assets/app.css"><script src="/assets/app.js?v=1"></script>'
    )
    (src / "assets" / "app.css").write_text("body { background: url(bg.svg) }")
    (src / "assets" / "bg.svg").write_text("<svg/>")
    (src / "assets" / "app.js").write_text("console.log('app.js')")
    (src / "vendor-src").mkdir()
    (src / "vendor-src" / "package.json").write_text("{}")

    renamed = build_static.build(src, tmp_path / "www")

    assert set(renamed) == {"assets/app.css", "assets/bg.svg", "assets/app.js"}
    for original, hashed in renamed.items():
        stem, suffix = original.rsplit(".", 1)
        assert re.fullmatch(re.escape(stem) + r"\.[0-9a-f]{8}\." + suffix, hashed)
        assert (tmp_path / "www" / hashed).is_file()
    index = (tmp_path / "www" / "index.html").read_text()
    assert f'href="{renamed["assets/app.css"]}"' in index
    assert f'src="/{renamed["assets/app.js"]}?v=1"' in index
    css = (tmp_path / "www" / renamed["assets/app.css"]).read_text()
    assert f"url({Path(renamed['assets/bg.svg']).name})" in css
    assert not (tmp_path / "www" / "vendor-src").exists()


def test_asset_name_changes_when_a_file_it_references_changes(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "assets").mkdir(parents=True)
    (src / "index.html").write_text('<link href="assets/app.css">')
    (src / "assets" / "app.css").write_text("body { background: url(bg.svg) }")
    (src / "assets" / "bg.svg").write_text("<svg/>")
    before = build_static.build(src, tmp_path / "www")
    (src / "assets" / "bg.svg").write_text("<svg></svg>")
    after = build_static.build(src, tmp_path / "www")
    assert after["assets/bg.svg"] != before["assets/bg.svg"]
    assert after["assets/app.css"] != before["assets/app.css"]


# --- API proxying -----------------------------------------------------------------------


def test_metrics_are_not_reachable_through_nginx(client: httpx.Client, stub: StubUpstream) -> None:
    assert httpx.get(f"{stub.url}/metrics", trust_env=False).status_code == 200
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics/").status_code == 404


def test_api_uses_keepalive_upstream_connections(client: httpx.Client) -> None:
    first = client.get("/api/echo").json()
    second = client.get("/api/echo").json()
    assert first["client_port"] == second["client_port"], "nginx opened a new upstream connection"
    assert first["headers"].get("connection", "keep-alive").lower() != "close"
    assert first["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert first["headers"]["x-request-id"]


def test_sse_events_pass_through_unbuffered_and_uncompressed(
    client: httpx.Client, proxy: NginxServer
) -> None:
    headers = {"Accept": "text/event-stream", "Accept-Encoding": "gzip"}
    with client.stream("GET", "/api/sse/held", headers=headers) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in stream.headers
        received = b""
        chunks = stream.iter_raw()
        # The upstream holds the stream open after event 1: it can only arrive now if
        # nginx passes bytes on as they come (a read timeout here means buffering).
        while b"\n\n" not in received:
            received += next(chunks)
        assert received.startswith(b"id: 1\nevent: chunk\n")
        httpx.post(f"{proxy.url}/api/sse/release", trust_env=False)
        rest = b"".join(chunks)
    assert b"event: done" in rest


def test_request_body_over_one_megabyte_is_refused(client: httpx.Client) -> None:
    response = client.post("/api/chat/start", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_chat_submissions_over_the_rate_limit_get_429(
    proxy_settings: Settings, logs_dir: Path
) -> None:
    strict = dataclasses.replace(
        proxy_settings,
        port=free_port(),
        nginx_status_port=free_port(),
        state_dir=proxy_settings.state_dir / "strict",
        chat_rate_limit_per_s=1,
        chat_rate_limit_burst=2,
    )
    server = NginxServer(strict, logs_dir)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=5.0, trust_env=False) as http:
            statuses = [http.post("/api/chat/start", json={}).status_code for _ in range(6)]
            limited = http.post("/api/chat/start", json={})
            other = [http.get("/api/echo").status_code for _ in range(6)]
    finally:
        server.stop()
    assert statuses[:3] == [202, 202, 202]  # the rate, plus the burst
    assert 429 in statuses
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert other == [200] * 6, "only chat submissions are limited"


def test_finished_job_status_is_micro_cached(client: httpx.Client) -> None:
    first = client.get("/api/chat/status/done-job-1")
    second = client.get("/api/chat/status/done-job-1")
    assert first.json()["hits"] == second.json()["hits"] == 1
    assert second.headers["x-cache-status"] == "HIT"


def test_unfinished_job_status_is_never_cached(client: httpx.Client) -> None:
    first = client.get("/api/chat/status/running-job-1")
    second = client.get("/api/chat/status/running-job-1")
    assert (first.json()["hits"], second.json()["hits"]) == (1, 2)
    assert second.headers["x-cache-status"] != "HIT"


def test_cached_status_is_not_shared_across_credentials(client: httpx.Client) -> None:
    alice = {"Authorization": "Bearer alice"}
    client.get("/api/chat/status/done-job-2", headers=alice)
    assert client.get("/api/chat/status/done-job-2", headers=alice).headers["x-cache-status"] == (
        "HIT"
    )
    anonymous = client.get("/api/chat/status/done-job-2")
    assert anonymous.headers["x-cache-status"] != "HIT"
    assert anonymous.json()["hits"] == 2


def test_stub_status_is_served_on_the_loopback_status_port(proxy: NginxServer) -> None:
    response = httpx.get(proxy.status_url, trust_env=False)
    assert response.status_code == 200
    assert "Active connections" in response.text
    public = httpx.get(f"{proxy.url}/stub_status", trust_env=False)
    assert public.status_code == 404


def test_unreachable_app_gives_a_json_error(proxy_settings: Settings, logs_dir: Path) -> None:
    orphan = dataclasses.replace(
        proxy_settings,
        port=free_port(),
        nginx_status_port=free_port(),
        app_port=free_port(),  # nothing listens there
        state_dir=proxy_settings.state_dir / "orphan",
    )
    server = NginxServer(orphan, logs_dir)
    server.start()
    try:
        response = httpx.get(f"{server.url}/api/health", trust_env=False)
    finally:
        server.stop()
    assert response.status_code in (502, 503)
    assert response.json()["error"]["code"] == "unavailable"


# --- the real stack -----------------------------------------------------------------------


def test_stack_serves_the_page_and_health_through_nginx(stack: Stack) -> None:
    with httpx.Client(base_url=stack.url, timeout=5.0, trust_env=False) as http:
        page = http.get("/")
        health = http.get("/api/health", headers=stack.auth_headers)
        metrics = http.get("/metrics")
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert health.status_code == 200
    assert health.json()["status"] in ("ok", "degraded")
    assert metrics.status_code == 404
