"""The observability files are valid and agree with each other and with the code."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import Counter, Gauge, Histogram

from relay import telemetry

ROOT = Path(__file__).resolve().parent.parent
OBSERVABILITY = ROOT / "observability"
PROMETHEUS_DIR = OBSERVABILITY / "prometheus"
DASHBOARD = OBSERVABILITY / "grafana" / "dashboards" / "relay.json"
PROVISIONING = OBSERVABILITY / "grafana" / "provisioning"
COMPOSE = ROOT / "docker-compose.yml"


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is missing: install Debian's prometheus package (scripts/setup.sh)")
    return found


def run(argv: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def dashboard_expressions() -> list[str]:
    return [t["expr"] for p in json.loads(DASHBOARD.read_text())["panels"] for t in p["targets"]]


# --- Prometheus ------------------------------------------------------------------


def test_alert_rules_pass_promtool_check():
    result = run([promtool(), "check", "rules", str(PROMETHEUS_DIR / "alerts.yml")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_fire_on_a_bad_stack_and_stay_quiet_on_a_good_one():
    result = run([promtool(), "test", "rules", "alerts_test.yml"], cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


def test_prometheus_config_passes_promtool_check():
    result = run([promtool(), "check", "config", str(PROMETHEUS_DIR / "prometheus.yml")])
    assert result.returncode == 0, result.stdout + result.stderr


def alert_rules() -> dict[str, dict[str, Any]]:
    groups = load_yaml(PROMETHEUS_DIR / "alerts.yml")["groups"]
    return {rule["alert"]: rule for group in groups for rule in group["rules"] if "alert" in rule}


def test_alerts_cover_every_service_level():
    groups = load_yaml(PROMETHEUS_DIR / "alerts.yml")["groups"]
    expressions = " ".join(rule["expr"] for group in groups for rule in group["rules"])
    for needle in (
        "relay_time_to_first_token_seconds_bucket",
        "relay_chunk_delivery_seconds_bucket",
        'relay_jobs_total{outcome="error"}',
        'relay_http_request_duration_seconds_count{route!="/metrics",status=~"5.."}',
        "relay_watchers_alive",
        "relay_fallback_mode",
        "relay_queue_oldest_job_age_seconds",
    ):
        assert needle in expressions, needle


def test_every_slo_alerts_on_a_fast_and_a_slow_burn_over_two_windows_each():
    alerts = alert_rules()
    slos = {rule["labels"]["slo"] for rule in alerts.values() if "slo" in rule["labels"]}
    assert slos == {"first_token", "chunk_delivery", "jobs", "http"}
    windows = {"FastBurn": ("1h", "5m", "6h", "30m"), "SlowBurn": ("1d", "2h", "3d", "6h")}
    for slo in slos:
        burns = {n: r for n, r in alerts.items() if r["labels"].get("slo") == slo}
        assert sorted(name[-8:] for name in burns) == ["FastBurn", "SlowBurn"], burns.keys()
        for name, rule in burns.items():
            used = re.findall(rf"relay_{slo}:slo_errors:ratio_rate(\w+)", rule["expr"])
            assert tuple(used) == windows[name[-8:]], (name, used)


def test_promtool_tests_make_every_alert_fire():
    tests = load_yaml(PROMETHEUS_DIR / "alerts_test.yml")["tests"]
    fired = {
        case["alertname"]
        for test in tests
        for case in test["alert_rule_test"]
        if case.get("exp_alerts")
    }
    assert fired == set(alert_rules())


def test_prometheus_scrapes_the_app_watcher_and_nginx_exporter():
    config = load_yaml(PROMETHEUS_DIR / "prometheus.yml")
    text = json.dumps(config["scrape_configs"])
    for target in ("app:8000", '"watcher"', "9101", "nginx:9113"):
        assert target in text, target


# --- Grafana -----------------------------------------------------------------------


def test_dashboard_parses_and_every_panel_queries_prometheus():
    dashboard = json.loads(DASHBOARD.read_text())
    uids = {
        ds["uid"]
        for ds in load_yaml(PROVISIONING / "datasources" / "prometheus.yml")["datasources"]
    }
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        assert panel["datasource"]["uid"] in uids
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]
            assert target["datasource"]["uid"] in uids


def test_dashboard_has_a_panel_for_every_metric_with_quantiles_for_histograms():
    expressions = dashboard_expressions()
    text = "\n".join(expressions)
    metrics = [m for m in vars(telemetry).values() if isinstance(m, Histogram | Counter | Gauge)]
    assert len(metrics) >= 15
    for metric in metrics:
        if isinstance(metric, Histogram):
            series = f"{metric._name}_bucket"
            for quantile in ("0.5", "0.95", "0.99"):
                quantile_of_rate = re.compile(
                    rf"histogram_quantile\({quantile}, sum by \(le\) \(rate\({series}"
                    r"(\{[^}]*\})?\[\$__rate_interval\]"
                )
                assert any(quantile_of_rate.match(e) for e in expressions), (series, quantile)
        elif isinstance(metric, Counter):
            assert re.search(rf"rate\({metric._name}_total\b", text), metric._name
        else:
            assert re.search(rf"\b{metric._name}\b", text), metric._name


def test_dashboard_rates_use_grafanas_interval_and_add_no_phantom_series():
    for expr in dashboard_expressions():
        assert "vector(" not in expr, expr  # `or vector(0)` invents a series
        for window in re.findall(r"\[([^\]]+)\]", expr):
            assert window == "$__rate_interval", expr


def test_no_dashboard_panel_counts_prometheus_scrapes_as_requests():
    for expr in dashboard_expressions():
        for selector in re.findall(r"relay_http_request_duration_seconds_\w+(\{[^}]*\})?", expr):
            assert 'route!="/metrics"' in selector, expr


def test_dashboard_provider_reads_the_folder_compose_mounts():
    provider = load_yaml(PROVISIONING / "dashboards" / "relay.yml")["providers"][0]
    grafana = load_yaml(COMPOSE)["services"]["grafana"]
    mounts = dict(volume.split(":")[:2] for volume in grafana["volumes"])
    assert mounts["./observability/grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./observability/grafana/provisioning"] == "/etc/grafana/provisioning"


# --- OpenTelemetry collector -----------------------------------------------------------


def test_collector_forwards_otlp_traces_to_a_compose_service():
    config = load_yaml(OBSERVABILITY / "otel" / "collector.yml")
    services = load_yaml(COMPOSE)["services"]
    pipeline = config["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"]
    for exporter in pipeline["exporters"]:
        host = config["exporters"][exporter]["endpoint"].split("://")[-1].split(":")[0]
        assert host in services, exporter
    endpoint = services["app"]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"]
    assert endpoint.split("://")[1].split(":")[0] in services


# --- docker-compose ---------------------------------------------------------------------


def test_compose_file_validates_against_the_compose_spec():
    result = run([
        sys.executable, "-m", "check_jsonschema",
        "--builtin-schema", "vendor.compose-spec", str(COMPOSE),
    ])  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_everything_compose_mounts_or_builds_from_exists():
    compose = load_yaml(COMPOSE)
    checked = 0
    for name, service in compose["services"].items():
        build = service.get("build")
        if build is not None:
            build = {"context": build} if isinstance(build, str) else build
            context = ROOT / build.get("context", ".")
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            assert context.is_dir() and dockerfile.is_file(), name
            stages = re.findall(r"(?im)^FROM\s+\S+\s+AS\s+(\S+)", dockerfile.read_text())
            assert build.get("target", stages[-1]) in stages, (name, build.get("target"))
            checked += 1
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), (name, source)
                checked += 1
            else:
                assert source in compose.get("volumes", {}), (name, source)
    assert checked >= 7  # 3 images built, 4 folders and files mounted


def test_compose_runs_the_stack_the_design_names():
    services = load_yaml(COMPOSE)["services"]
    assert {
        "redis", "app", "watcher", "nginx", "nginx-exporter",
        "prometheus", "grafana", "otel-collector", "jaeger",
    } <= set(services)  # fmt: skip
    assert "--appendonly" in services["redis"]["command"]
    assert "PROMETHEUS_MULTIPROC_DIR" in services["app"]["environment"]
    assert "PROMETHEUS_MULTIPROC_DIR" not in services["watcher"]["environment"]


# --- docker-compose: the cluster profile ------------------------------------------------

CLUSTER_NODES = [f"redis-cluster-{index}" for index in range(1, 7)]
CLUSTER_SERVICES = {*CLUSTER_NODES, "redis-cluster-init", "app-cluster", "watcher-cluster"}


def compose_services() -> dict[str, Any]:
    services: dict[str, Any] = load_yaml(COMPOSE)["services"]
    return services


def test_the_cluster_profile_is_its_own_services_and_leaves_the_default_stack_alone():
    services = compose_services()
    in_profile = {name for name, s in services.items() if "cluster" in s.get("profiles", [])}
    assert in_profile == CLUSTER_SERVICES | {"nginx-cluster"}
    for name, service in services.items():
        assert service.get("profiles", ["cluster"]) == ["cluster"], name
    # `docker compose up` (no profile) still runs exactly the one-Redis stack.
    assert "profiles" not in services["redis"] and "profiles" not in services["app"]


def test_the_cluster_profile_runs_six_cluster_nodes_each_with_its_own_data():
    services = compose_services()
    volumes = set()
    for name in CLUSTER_NODES:
        node = services[name]
        assert node["image"] == "redis:7.4-alpine"
        assert node["hostname"] == name  # what the node announces to clients
        command = " ".join(node["command"])
        for flag in (
            "redis-server --cluster-enabled yes",
            "--cluster-config-file /data/nodes.conf",
            "--appendonly yes",
            '--cluster-announce-hostname "$$(hostname)"',
            "--cluster-preferred-endpoint-type hostname",
        ):
            assert flag in command, (name, flag)
        assert node["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
        (volume,) = node["volumes"]
        volumes.add(volume.split(":")[0])
    assert len(volumes) == 6


def test_the_cluster_init_makes_the_cluster_once_all_six_nodes_are_healthy():
    init = compose_services()["redis-cluster-init"]
    assert init["image"] == "redis:7.4-alpine"
    assert init["restart"] == "no"
    assert init["depends_on"] == {name: {"condition": "service_healthy"} for name in CLUSTER_NODES}
    script = init["command"][2]
    assert "redis-cli --cluster create $$addresses --cluster-replicas 1 --cluster-yes" in script
    assert f"for node in {' '.join(CLUSTER_NODES)}; do" in script
    assert "cluster_state:ok" in script
    # Compose turns $$ into $; what runs must be valid sh.
    checked = subprocess.run(["sh", "-n", "-c", script.replace("$$", "$")], check=False)
    assert checked.returncode == 0


def test_three_apps_and_two_watchers_use_the_cluster_once_it_is_made():
    services = compose_services()
    seeds = ",".join(f"{name}:6379" for name in CLUSTER_NODES)
    for name, replicas in (("app-cluster", 3), ("watcher-cluster", 2)):
        service = services[name]
        assert service["deploy"]["replicas"] == replicas, name
        env = service["environment"]
        assert env["RELAY_REDIS_CLUSTER_NODES"] == seeds, name
        assert env["REDIS_URL"] == "", name
        assert service["depends_on"] == {
            "redis-cluster-init": {"condition": "service_completed_successfully"}
        }, name
    app, single = services["app-cluster"], services["app"]
    assert app["command"] == single["command"]  # the launcher's Granian command line
    assert "PROMETHEUS_MULTIPROC_DIR" in app["environment"]
    assert "PROMETHEUS_MULTIPROC_DIR" not in services["watcher-cluster"]["environment"]
    assert services["watcher-cluster"]["command"] == services["watcher"]["command"]


def test_the_cluster_nginx_balances_over_every_app_replica(tmp_path: Path):
    from proxy.render import NginxPaths, render
    from relay.settings import Settings

    services = compose_services()
    nginx, single = services["nginx-cluster"], services["nginx"]
    env = nginx["environment"]
    assert env["RELAY_APP_HOST"] == "app-cluster"  # one name, an address per replica
    app_command = services["app-cluster"]["command"]
    assert env["RELAY_APP_PORT"] == app_command[app_command.index("--port") + 1]
    assert nginx["command"] == single["command"] and nginx["build"] == single["build"]
    assert nginx["depends_on"] == {"app-cluster": {"condition": "service_healthy"}}
    assert nginx["ports"] != single["ports"]  # both stacks may run side by side
    settings = Settings.from_env({**env, "RELAY_STATE_DIR": str(tmp_path)})
    config = render(settings, NginxPaths.for_settings(settings))
    assert "server app-cluster:8000;" in config.split("upstream relay_app {")[1].split("}")[0]
