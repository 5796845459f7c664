"""Metrics end to end: a real stack (2 Granian workers), a real Prometheus scraping it.

After a few echo chats through nginx, every histogram has observations, the app's
``/metrics`` merges both workers, each process exports only its own metrics, and
every PromQL expression of the Grafana dashboard and of the alert rules evaluates,
with data, in Prometheus itself. Then the stack is disturbed, in this order: late
subscribers replay a finished job (chunk delivery must not move), the app is
frozen (its target goes down; no watchers-down page), the watcher is frozen with
jobs waiting (the oldest-job-age alert fires while it is frozen).

Prometheus scrapes and evaluates every second, and runs alerts.yml with every
``for:`` shortened to TEST_FOR (and the queue threshold lowered): see test_rules().
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml
from prometheus_client import Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from launcher import stack as launcher_stack
from relay import telemetry
from relay.settings import Settings
from tests.support.processes import (
    AppServer,
    ManagedProcess,
    NginxServer,
    RedisServer,
    WatcherProcess,
    free_port,
    http_status,
    wait_for,
)
from tests.support.sse import read_stream
from tests.support.stack import make_settings, with_redis

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "observability" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "observability" / "grafana" / "dashboards" / "relay.json"
SCRAPE_INTERVAL = "1s"
#: Every alert's ``for:`` in the rules Prometheus runs here (alerts.yml keeps its own).
TEST_FOR = "1s"
#: Alert thresholds lowered for the test: (alert, production threshold, test threshold).
TEST_THRESHOLDS = [("RelayQueueStalled", "> 20", "> 2")]
#: "<signal> <comparison> <threshold>": the form every alert in alerts.yml keeps.
ALERT_FORM = re.compile(r"^(?P<signal>.*\S)\s*(?:>|<|>=|<=|==|!=)\s*[-+0-9.e]+$", re.DOTALL)
WARM_UP_CHATS = 2
#: The warm-up also asks one question twice with the cache on: a miss the watcher
#: answers, then a hit the app answers (cache panels need lookups to show).
CACHED_QUESTION = "asked twice so the cache answers"
#: Then asked in other words: the semantic tier answers it (and observes its histograms).
PARAPHRASED_QUESTION = "asked twice, so that the cache answers"
#: Chats answered by the cache, never run by the watcher: the repeat and the paraphrase.
CACHE_HITS = 2
CHAT_TAIL = "measures the relay end to end"  # echo: one chunk per word
CHATS = 8


class NginxExporter(ManagedProcess):
    """Debian's prometheus-nginx-exporter reading nginx's loopback stub_status."""

    def __init__(self, status_url: str, log_dir: Path) -> None:
        self.port = free_port()
        argv = [
            launcher_stack.find_binary("prometheus-nginx-exporter"),
            f"-nginx.scrape-uri={status_url}",
            f"-web.listen-address=127.0.0.1:{self.port}",
        ]
        super().__init__(launcher_stack.Command("nginx-exporter", argv, dict(os.environ)), log_dir)

    def is_ready(self) -> bool:
        return http_status(f"http://127.0.0.1:{self.port}/metrics") == 200


class Prometheus(ManagedProcess):
    """A real Prometheus (Debian's package) with the given scrape targets and our rules."""

    ready_timeout_s = 60.0

    def __init__(self, targets: dict[str, str], work_dir: Path, log_dir: Path) -> None:
        self.port = free_port()
        rules_path = work_dir / "alerts.yml"
        rules_path.write_text(yaml.safe_dump(test_rules()))
        config = {
            "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL},
            "rule_files": [str(rules_path)],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": [target]}]}
                for job, target in {**targets, "prometheus": f"127.0.0.1:{self.port}"}.items()
            ],
        }
        config_path = work_dir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(config))
        argv = [
            launcher_stack.find_binary("prometheus"),
            f"--config.file={config_path}",
            f"--storage.tsdb.path={work_dir / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--enable-feature=exemplar-storage",
        ]
        super().__init__(launcher_stack.Command("prometheus", argv, dict(os.environ)), log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def is_ready(self) -> bool:
        return http_status(f"{self.url}/-/ready") == 200

    def api(self, path: str, **params: Any) -> Any:
        """GET an HTTP API endpoint; its ``data`` (fails on an API error)."""
        response = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=10)
        body = response.json()
        assert body["status"] == "success", (path, params, body)
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query's result vector."""
        data = self.api("query", query=expr)
        assert data["resultType"] == "vector", (expr, data)
        return data["result"]

    def alert_states(self) -> dict[tuple[str, str], str]:
        """(alertname, job label or "") -> "pending" / "firing", for every active alert."""
        return {
            (a["labels"]["alertname"], a["labels"].get("job", "")): a["state"]
            for a in self.api("alerts")["alerts"]
        }


def test_rules() -> dict[str, Any]:
    """alerts.yml with every ``for:`` set to TEST_FOR and TEST_THRESHOLDS applied."""
    rules = yaml.safe_load(ALERTS.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "alert" not in rule:
                continue
            rule["for"] = TEST_FOR
            for alert, production, lowered in TEST_THRESHOLDS:
                if rule["alert"] == alert:
                    assert rule["expr"].endswith(production), rule["expr"]
                    rule["expr"] = rule["expr"][: -len(production)] + lowered
    return rules


test_rules.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@dataclass
class MetricsStack:
    settings: Settings
    app: AppServer
    watcher: WatcherProcess
    nginx: NginxServer
    prometheus: Prometheus

    @property
    def watcher_metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.watcher_metrics_port}/metrics"


@pytest.fixture(scope="module")
def metrics_stack(
    tmp_path_factory: pytest.TempPathFactory, logs_dir: Path
) -> Iterator[MetricsStack]:
    """A private stack (own Redis: no other watcher takes its jobs) plus Prometheus."""
    work = tmp_path_factory.mktemp("metrics-e2e")
    redis = RedisServer(logs_dir, work / "redis")
    settings = make_settings(work / "state", app_workers=2)
    with contextlib.ExitStack() as cleanup:
        redis.start()
        cleanup.callback(redis.stop)
        settings = with_redis(settings, redis)
        parts: list[ManagedProcess] = [
            app := AppServer(settings, logs_dir),
            watcher := WatcherProcess(settings, logs_dir),
            nginx := NginxServer(settings, logs_dir),
        ]
        exporter = NginxExporter(nginx.status_url, logs_dir)
        (work / "prometheus").mkdir()
        prometheus = Prometheus(
            {
                "relay-app": f"127.0.0.1:{settings.app_port}",
                "relay-watcher": f"127.0.0.1:{settings.watcher_metrics_port}",
                "nginx": f"127.0.0.1:{exporter.port}",
            },
            work / "prometheus",
            logs_dir,
        )
        for part in [*parts, exporter, prometheus]:
            part.start()
            cleanup.callback(part.stop)
        wait_for(
            lambda: http_status(f"http://127.0.0.1:{settings.watcher_metrics_port}/") == 200,
            30,
            "watcher metrics endpoint",
        )
        yield MetricsStack(settings, app, watcher, nginx, prometheus)


async def run_chats(base_url: str, count: int, tag: str) -> None:
    """``count`` concurrent echo chats through nginx, each read to its end."""

    async def one(client: httpx.AsyncClient, index: int) -> None:
        message = f"{tag} chat {index} {CHAT_TAIL}"
        response = await client.post(
            "/api/chat/start", json={"message": message, "model": "echo", "cache": False}
        )
        assert response.status_code == 202, response.text
        result = await read_stream(client, response.json()["stream_url"])
        assert result.events and result.events[-1].type == "done", result.events[-1:]

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        await asyncio.gather(*(one(client, i) for i in range(count)))
        for path in ("/api/queue/status", "/api/health"):  # they refresh gauges
            assert (await client.get(path)).status_code == 200


async def ask_twice_with_the_cache(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        for message, expected_cached in (
            (CACHED_QUESTION, False),
            (CACHED_QUESTION, "exact"),
            (PARAPHRASED_QUESTION, "semantic"),
        ):
            response = await client.post(
                "/api/chat/start", json={"message": message, "model": "echo"}
            )
            assert response.status_code == 202, response.text
            result = await read_stream(client, response.json()["stream_url"])
            assert result.events[-1].data["cached"] == expected_cached, result.events[-1]


def watcher_jobs() -> int:
    """Jobs the watcher ran before the tests: every chat but the cache hits."""
    return WARM_UP_CHATS + 1 + CHATS


def scrape_all_targets_up(prometheus: Prometheus) -> bool:
    targets = prometheus.api("targets")["activeTargets"]
    return bool(targets) and all(t["health"] == "up" for t in targets)


def prometheus_total(prometheus: Prometheus, expr: str) -> float:
    result = prometheus.query(expr)
    return float(result[0]["value"][1]) if result else 0.0


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def chatted(metrics_stack: MetricsStack) -> MetricsStack:
    """The stack after a warm-up wave and a main wave of chats, all scraped by Prometheus.

    The warm-up creates the labelled series, so the main wave shows up as an
    increase in rate() (a series' first sample is no increase).
    """
    prometheus = metrics_stack.prometheus
    await asyncio.to_thread(wait_for, lambda: scrape_all_targets_up(prometheus), 30, "targets up")
    ttft_count = "sum(relay_first_chunk_emitted_seconds_count)"
    await run_chats(metrics_stack.nginx.url, WARM_UP_CHATS, "warm-up")
    await ask_twice_with_the_cache(metrics_stack.nginx.url)
    await asyncio.to_thread(
        wait_for,
        lambda: prometheus_total(prometheus, ttft_count) == WARM_UP_CHATS + 1,
        30,
        "warm-up chats scraped",
    )
    await asyncio.sleep(2)  # a couple more scrapes at the warm-up level
    await run_chats(metrics_stack.nginx.url, CHATS, "main")
    total = watcher_jobs()
    delivered = "sum(relay_chunk_delivery_seconds_count)"
    # Only live chunks count: those emitted before a stream opened are replays to it.
    at_least_live = total * (len(CHAT_TAIL.split(" ")) - 1)
    await asyncio.to_thread(
        wait_for,
        lambda: (
            prometheus_total(prometheus, ttft_count) == total
            and prometheus_total(prometheus, "sum(relay_time_to_first_token_seconds_count)")
            == total + CACHE_HITS
            and prometheus_total(prometheus, delivered) >= at_least_live
        ),
        30,
        "main chats scraped",
    )
    await asyncio.sleep(3)  # rules evaluated and scraped again after the chats
    return metrics_stack


def histogram_counts(exposition: str) -> dict[str, float]:
    """Sum of ``_count`` per histogram in a text exposition."""
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(exposition):
        if family.type != "histogram":
            continue
        counts[family.name] = sum(s.value for s in family.samples if s.name.endswith("_count"))
    return counts


def sample_value(exposition: str, name: str, labels: dict[str, str]) -> float:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def relay_histograms() -> list[str]:
    return [m._name for m in vars(telemetry).values() if isinstance(m, Histogram)]


# --- the endpoints themselves -------------------------------------------------------------


def test_every_histogram_has_observations_across_app_and_watcher(chatted: MetricsStack) -> None:
    app_text = httpx.get(f"{chatted.app.url}/metrics", timeout=10).text
    watcher_text = httpx.get(chatted.watcher_metrics_url, timeout=10).text
    app_counts, watcher_counts = histogram_counts(app_text), histogram_counts(watcher_text)
    total = watcher_jobs()

    for name in relay_histograms():
        assert app_counts.get(name, 0) + watcher_counts.get(name, 0) > 0, name
    for name in ("relay_chunk_delivery_seconds", "relay_http_request_duration_seconds"):
        assert app_counts[name] > 0, name
    # First token as users see it (the app, once per job) and as the watcher emitted it.
    assert app_counts["relay_time_to_first_token_seconds"] == total + CACHE_HITS
    assert watcher_counts["relay_first_chunk_emitted_seconds"] == total
    assert watcher_counts["relay_queue_wait_seconds"] == total
    assert watcher_counts["relay_job_duration_seconds"] == total
    assert watcher_counts["relay_chunk_gap_seconds"] > 0
    started = {"route": "/api/chat/start", "method": "POST", "status": "202"}
    assert sample_value(app_text, "relay_http_request_duration_seconds_count", started) == (
        total + CACHE_HITS
    )


def relay_families(exposition: str) -> set[str]:
    """Relay's metric families in a text exposition (``*_created`` folded into theirs)."""
    names = {f.name for f in text_string_to_metric_families(exposition)}
    return {n.removesuffix("_created") for n in names if n.startswith("relay_")}


def test_each_process_exports_only_the_metrics_it_owns(chatted: MetricsStack) -> None:
    app = relay_families(httpx.get(f"{chatted.app.url}/metrics", timeout=10).text)
    watcher = relay_families(httpx.get(chatted.watcher_metrics_url, timeout=10).text)
    owned_by_app = relay_families(generate_latest(telemetry.APP_REGISTRY).decode())
    owned_by_watcher = relay_families(generate_latest(telemetry.WATCHER_REGISTRY).decode())

    assert app <= owned_by_app and watcher <= owned_by_watcher
    # The watcher has no idle 0 for gauges it cannot know (the app measures them).
    for name in ("relay_watchers_alive", "relay_queue_depth", "relay_fallback_mode"):
        assert name in app and name not in watcher, name
    for name in ("relay_jobs_running", "relay_queue_wait_seconds", "relay_jobs"):
        assert name in watcher and name not in app, name


def test_every_process_settled_its_garbage_collector(chatted: MetricsStack) -> None:
    """Both Granian workers and the watcher froze their start-up objects (the app's
    gauge is the smallest across its workers) and export their collections' time."""
    for url in (f"{chatted.app.url}/metrics", chatted.watcher_metrics_url):
        text = httpx.get(url, timeout=10).text
        assert sample_value(text, "relay_gc_frozen_objects", {}) > 10_000, url
        for generation in "012":
            labels = {"generation": generation}
            spent = sample_value(text, "relay_gc_pause_seconds_total", labels)
            longest = sample_value(text, "relay_gc_longest_pause_seconds", labels)
            assert f'relay_gc_pause_seconds_total{{generation="{generation}"}}' in text, url
            assert 0 <= longest <= spent, (url, generation)


def test_app_metrics_merge_every_granian_worker(chatted: MetricsStack) -> None:
    health = {"route": "/api/health", "method": "GET", "status": "200"}
    name = "relay_http_request_duration_seconds_count"

    def health_count() -> float:
        return sample_value(httpx.get(f"{chatted.app.url}/metrics", timeout=10).text, name, health)

    before = health_count()
    pids: set[int] = set()
    requests = 0
    while len(pids) < 2 and requests < 300:  # a new connection each time: any worker answers
        pids.add(httpx.get(f"{chatted.app.url}/api/health", timeout=10).json()["process"]["pid"])
        requests += 1
    assert len(pids) == 2, "both Granian workers should have answered"
    # Whichever worker answers the scrape, it counts the requests both served.
    assert health_count() == before + requests
    assert health_count() == before + requests

    folder = launcher_stack.metrics_multiproc_dir(chatted.settings)
    writers = {p.stem.rsplit("_", 1)[1] for p in folder.glob("histogram_*.db")}
    assert {str(pid) for pid in pids} <= writers


def test_app_metrics_speak_openmetrics_to_prometheus(chatted: MetricsStack) -> None:
    response = httpx.get(
        f"{chatted.app.url}/metrics",
        headers={"Accept": "application/openmetrics-text;version=1.0.0"},
        timeout=10,
    )
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


# --- through Prometheus ---------------------------------------------------------------------


#: What Grafana's $__rate_interval stands for here: long enough to hold the test's chats.
RATE_INTERVAL = "1m"


def dashboard_targets() -> list[tuple[str, str]]:
    """(panel title, PromQL) of every dashboard query, as Grafana would send it."""
    dashboard = json.loads(DASHBOARD.read_text())
    return [
        (panel["title"], t["expr"].replace("$__rate_interval", RATE_INTERVAL))
        for panel in dashboard["panels"]
        for t in panel["targets"]
    ]


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_every_dashboard_expression_returns_data_in_prometheus(chatted: MetricsStack) -> None:
    empty, not_finite = [], []
    for title, expr in dashboard_targets():
        result = chatted.prometheus.query(expr)
        if not result:
            empty.append((title, expr))
        elif expr.startswith("histogram_quantile(") and not any(
            math.isfinite(float(series["value"][1])) for series in result
        ):
            not_finite.append((title, expr, result))
    assert not empty, f"expressions without data: {empty}"
    assert not not_finite, f"quantiles without observations: {not_finite}"


def test_no_dashboard_panel_counts_the_scrapes(chatted: MetricsStack) -> None:
    """Prometheus's own scrapes are counted (route="/metrics"), and no panel sees them."""
    scrapes = 'relay_http_request_duration_seconds_count{route="/metrics"}'
    assert chatted.prometheus.query(scrapes), "scrapes of /metrics are recorded"
    http_metric = re.compile(r"relay_http_request_duration_seconds_(\w+)(\{[^}]*\})?")
    checked = 0
    for title, expr in dashboard_targets():
        for suffix, selector in http_metric.findall(expr):
            matchers = selector.strip("{}")
            only_scrapes = (
                f'relay_http_request_duration_seconds_{suffix}{{{matchers},route="/metrics"}}'
            )
            assert not chatted.prometheus.query(only_scrapes), (title, expr)
            checked += 1
    assert checked >= 5


def recording_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "record" in rule]


def test_every_alert_signal_returns_data_and_every_rule_is_healthy(chatted: MetricsStack) -> None:
    rules = alert_rules()
    assert len(rules) >= 12
    for rule in rules:
        expr = " ".join(rule["expr"].split())
        chatted.prometheus.query(expr)  # the alert itself evaluates (empty: not firing)
        if "slo" in rule["labels"]:
            continue  # burn rates: their ratios are checked as recording rules below
        match = ALERT_FORM.match(expr)
        assert match, f"{rule['alert']}: keep the '<signal> > <threshold>' form: {expr}"
        assert chatted.prometheus.query(match["signal"]), f"{rule['alert']}: no data"
    for rule in recording_rules():  # every SLO ratio, every window, has a value
        values = chatted.prometheus.query(rule["record"])
        assert values and math.isfinite(float(values[0]["value"][1])), rule["record"]

    def evaluated() -> bool:
        groups = chatted.prometheus.api("rules")["groups"]
        return all(r["health"] != "unknown" for g in groups for r in g["rules"])

    wait_for(evaluated, 10, "every rule evaluated")
    groups = chatted.prometheus.api("rules")["groups"]
    loaded = [r for g in groups for r in g["rules"]]
    assert len(loaded) == len(rules) + len(recording_rules())
    assert all(r["health"] == "ok" for r in loaded), [
        (r["name"], r.get("lastError")) for r in loaded if r["health"] != "ok"
    ]
    active = {a["labels"]["alertname"] for a in chatted.prometheus.api("alerts")["alerts"]}
    # Latency alerts depend on how busy this shared 2-core box is (benchmarks judge
    # latency); the state alerts must be quiet on a healthy stack.
    state_alerts = {
        "RelayWatchersDown",
        "RelayFallbackMode",
        "RelayTargetDown",
        "RelayQueueStalled",
        "RelayJobErrorBudgetFastBurn",
        "RelayJobErrorBudgetSlowBurn",
        "RelayHTTPErrorBudgetFastBurn",
        "RelayHTTPErrorBudgetSlowBurn",
    }
    assert active & state_alerts == set(), "a healthy stack has no state alert pending"


def test_watcher_latency_exemplars_carry_trace_ids_into_prometheus(chatted: MetricsStack) -> None:
    now = time.time()
    data = chatted.prometheus.api(
        "query_exemplars",
        query="relay_first_chunk_emitted_seconds_bucket",
        start=now - 300,
        end=now,
    )
    exemplars = [e for series in data for e in series["exemplars"]]
    assert exemplars, "the watcher should observe its first-chunk latency with exemplars"
    assert all(re.fullmatch(r"[0-9a-f]{32}", e["labels"]["trace_id"]) for e in exemplars)


# --- the stack disturbed (these run last, in this order) -------------------------------

LATE_SUBSCRIBERS = 20
#: Flushing the app's buffered histogram (1 s) plus a scrape (1 s) plus slack.
SETTLE_S = 3.0


def chunk_delivery_state(prometheus: Prometheus) -> tuple[float, float]:
    """(observations, p95 over all of them) of chunk delivery, as Prometheus has them."""
    count = prometheus_total(prometheus, "sum(relay_chunk_delivery_seconds_count)")
    p95 = prometheus_total(
        prometheus, "histogram_quantile(0.95, sum by (le) (relay_chunk_delivery_seconds_bucket))"
    )
    return count, p95


async def test_late_subscribers_replaying_a_finished_job_leave_chunk_delivery_alone(
    chatted: MetricsStack,
) -> None:
    prometheus = chatted.prometheus
    async with httpx.AsyncClient(base_url=chatted.nginx.url, timeout=30) as client:
        started = await client.post(
            "/api/chat/start",
            json={"message": f"replay me later {CHAT_TAIL}", "model": "echo", "cache": False},
        )
        stream_url = started.json()["stream_url"]
        first = await read_stream(client, stream_url)
        assert first.ended
        await asyncio.sleep(SETTLE_S)  # the job's live chunks are counted and scraped
        before = chunk_delivery_state(prometheus)
        ttft_before = prometheus_total(prometheus, "sum(relay_time_to_first_token_seconds_count)")
        # Late subscribers (other tabs, reloads) replay it, seconds after it ended.
        replays = await asyncio.gather(
            *(read_stream(client, stream_url) for _ in range(LATE_SUBSCRIBERS))
        )
    assert all(r.chunks == first.chunks for r in replays)
    await asyncio.sleep(SETTLE_S)
    assert chunk_delivery_state(prometheus) == before
    # Nor do they count as first tokens: that was the first stream's, once.
    assert prometheus_total(prometheus, "sum(relay_time_to_first_token_seconds_count)") == (
        ttft_before
    )


def poll_alerts(
    prometheus: Prometheus, seconds: float, until: Callable[[dict[tuple[str, str], str]], bool]
) -> list[dict[tuple[str, str], str]]:
    """Alert states every 0.25 s for up to ``seconds``, stopping early once ``until`` holds."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.append(prometheus.alert_states())
        if until(seen[-1]):
            break
        time.sleep(0.25)
    return seen


def test_the_app_target_down_is_not_a_watchers_down_page(chatted: MetricsStack) -> None:
    prometheus = chatted.prometheus
    assert ("RelayWatchersDown", "") not in prometheus.alert_states()
    chatted.app.kill(signal.SIGSTOP, group=True)  # frozen: every scrape of it times out
    try:
        seen = poll_alerts(
            prometheus, 30, lambda states: states.get(("RelayTargetDown", "relay-app")) == "firing"
        )
        # Keep it down a few more evaluations: watchers-down must stay quiet throughout.
        seen += poll_alerts(prometheus, 4, lambda states: False)
    finally:
        chatted.app.kill(signal.SIGCONT, group=True)
    assert any(s.get(("RelayTargetDown", "relay-app")) == "firing" for s in seen), seen[-1]
    assert not any(("RelayWatchersDown", "") in s for s in seen), seen
    wait_for(lambda: scrape_all_targets_up(prometheus), 30, "the app scraped again")


async def test_a_paused_watcher_pages_by_the_age_of_the_oldest_job_while_paused(
    chatted: MetricsStack,
) -> None:
    prometheus = chatted.prometheus
    stalled = ("RelayQueueStalled", "")
    assert stalled not in prometheus.alert_states()
    async with httpx.AsyncClient(base_url=chatted.nginx.url, timeout=60) as client:
        chatted.watcher.kill(signal.SIGSTOP, group=True)
        try:
            waiting = [
                await client.post(
                    "/api/chat/start",
                    json={"message": f"stuck {i} {CHAT_TAIL}", "model": "echo", "cache": False},
                )
                for i in range(2)
            ]
            assert all(r.status_code == 202 for r in waiting)
            readers = [
                asyncio.create_task(read_stream(client, r.json()["stream_url"])) for r in waiting
            ]
            seen = await asyncio.to_thread(
                poll_alerts, prometheus, 30, lambda states: states.get(stalled) == "firing"
            )
            depth = prometheus.query('relay_queue_depth{backend="echo"}')
        finally:
            chatted.watcher.kill(signal.SIGCONT, group=True)
        assert seen[-1].get(stalled) == "firing", seen[-1]  # while the watcher is paused
        assert depth and max(float(d["value"][1]) for d in depth) == 2
        results = await asyncio.gather(*readers)
    assert all(r.ended for r in results)
    # They waited seconds: the user-facing first token shows it, in a real bucket.
    await asyncio.sleep(SETTLE_S)
    slow = (
        "sum(relay_time_to_first_token_seconds_count)"
        ' - sum(relay_time_to_first_token_seconds_bucket{le="2.5"})'
    )
    assert prometheus_total(prometheus, slow) >= 2
    assert prometheus_total(
        prometheus, 'sum(relay_time_to_first_token_seconds_bucket{le="120.0"})'
    ) == (prometheus_total(prometheus, "sum(relay_time_to_first_token_seconds_count)"))
    wait_for(lambda: stalled not in prometheus.alert_states(), 30, "the stall alert resolved")
