"""BENCHMARKS.md from the benchmark's JSON: ``python -m loadtest.report bench.json BENCHMARKS.md``.

The tables are generated; the prose on where the time goes and what would close each
gap lives in ``loadtest/analysis.md`` and is appended as written.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from loadtest import peers_report, semantic_bench
from loadtest.stats import fmt_ms

ANALYSIS = Path(__file__).with_name("analysis.md")
#: The page's rendering benchmark (a browser, run by hand): kept as recorded.
RENDER_BENCH = Path(__file__).with_name("render_bench.md")
LOCUST_STATS = Path(__file__).with_name("reports") / "locust_stats.csv"
#: The same gate on the upstream path (``--model openai``, mock upstream).
LOCUST_UPSTREAM_STATS = Path(__file__).with_name("reports") / "locust-upstream_stats.csv"
COMMANDS = """\
```sh
make bench                       # starts its own stack, runs every scenario, rewrites this file
BENCH_SOAK_S=60 make bench       # the same with a 1-minute soak instead of 10
make bench-semantic             # semantic cache: model cost, miss overhead, hit via nginx
make loadtest                    # Locust: 100 users, 60 s, SLO gate (LOADTEST_USERS, _DURATION)
.venv/bin/python -m loadtest.bench --mode chats --chats 100        # one scenario, own stack
.venv/bin/python -m loadtest.bench --mode hold --streams 10000 --live-streams 100
.venv/bin/python -m loadtest.bench --soak 600
.venv/bin/python -m loadtest.churn --connections 10000  # clients that vanish: RSS after
.venv/bin/python -m loadtest.bench --mode compare --url http://127.0.0.1:8080 --app-url http://127.0.0.1:8000
```"""


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)  # type: ignore[assignment]
    return data


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "**met**" if value <= limit else "**missed**"


def _latency_row(
    measure: str, seed: str, ours: str, summary: dict[str, Any] | None, check: str, notes: str
) -> str:
    summary = summary or {}
    pct, limit = check.split("<=")
    verdict = _verdict(summary.get(pct.strip()), float(limit))
    cells = [fmt_ms(summary.get(p)) for p in ("p50", "p95", "p99")]
    return f"| {measure} | {seed} | {ours} | {' | '.join(cells)} | {verdict}; {notes} |"


def _held_row(run: dict[str, Any]) -> str:
    """10,000 connections: the verdict is on holding them; delivery meanwhile is shown."""
    streams = _get(run, "params", "streams") or 10000
    held = _get(run, "held", "total")
    ok = held == streams and run.get("errors") == 0
    verdict = _failed(run) or ("**met**" if ok else "**missed**")
    delivery = run.get("delivery_ms") or {}
    cells = [fmt_ms(delivery.get(p)) for p in ("p50", "p95", "p99")]
    return (
        f"| concurrent SSE connections ({streams:,} held; latencies: chunk delivery on the "
        f"{_get(run, 'params', 'live_streams')} live ones meanwhile) | 100+ | 10,000 held, "
        f"memory stable | {' | '.join(cells)} | {verdict}: {held} held, {run.get('errors')} "
        f"errors, all closed by the cancel's terminal event: {run.get('idle_closed_by_cancel')}; "
        f"RSS per stream: app {_get(run, 'rss_per_stream_kib', 'app')} KiB, nginx "
        f"{_get(run, 'rss_per_stream_kib', 'nginx')} KiB |"
    )


def _failed(run: dict[str, Any] | None) -> str:
    if not run:
        return "not run"
    return f"scenario failed: {run['failed']}" if "failed" in run else ""


def main_table(runs: dict[str, Any]) -> list[str]:
    """The measure | seed target | our target | p50 | p95 | p99 | notes table."""
    chats = runs.get("chats_nginx") or {}
    hold1k = runs.get("hold_1000") or {}
    hold10k = runs.get("hold_10000") or {}
    cached = runs.get("cached") or {}
    soak = runs.get("soak") or {}
    rows = [
        "| measure | seed target | our target | p50 | p95 | p99 | notes |",
        "|---|---|---|---|---|---|---|",
        _latency_row(
            "first response (submit → first chunk), 100 concurrent chats, nginx",
            "< 500 ms",
            "p95 ≤ 20 ms",
            chats.get("ttft_ms"),
            "p95<=20",
            _failed(chats)
            or f"{chats.get('ok')} chats, {chats.get('errors')} errors, "
            f"{chats.get('chats_per_s')} chats/s; the watcher's queue wait (created → "
            f"runner started) p50 {fmt_ms(_get(chats, 'server_queue_wait_ms', 'p50'))}, "
            f"p95 {fmt_ms(_get(chats, 'server_queue_wait_ms', 'p95'))}",
        ),
        _latency_row(
            "chunk delivery (emit → client), 100 streams",
            "< 100 ms",
            "p95 ≤ 10 ms",
            chats.get("delivery_ms"),
            "p95<=10",
            _failed(chats)
            or f"{_get(chats, 'delivery_ms', 'count')} chunks, "
            f"{chats.get('chunks_per_s')} chunks/s",
        ),
        _latency_row(
            "chunk delivery, 1,000 live streams (100 jobs, 10 viewers each)",
            "< 100 ms",
            "p99 ≤ 100 ms",
            hold1k.get("delivery_ms"),
            "p99<=100",
            _failed(hold1k)
            or f"{_get(hold1k, 'held', 'total')} held, {hold1k.get('errors')} errors",
        ),
        _held_row(hold10k),
        _latency_row(
            "repeat query from cache, whole answer (submit + stream to done), nginx",
            "< 50 ms",
            "p99 ≤ 5 ms",
            cached.get("hit_full_ms"),
            "p99<=5",
            _failed(cached)
            or f"{cached.get('hits')} hits, {cached.get('misses')} misses, "
            f"{cached.get('errors')} errors; seed's 50 ms: "
            + _verdict(_get(cached, "hit_full_ms", "p99"), 50),
        ),
    ]
    per_role = _get(soak, "rss", "per_role") or {}
    for role in ("app", "watcher"):
        row = per_role.get(role) or {}
        growth = row.get("growth_pct")
        verdict = "not measured" if growth is None else _verdict(growth, 5)
        minutes = (_get(soak, "params", "seconds") or 0) / 60
        rows.append(
            f"| memory of the {role} over a {minutes:g}-minute soak | stable | < 5 % RSS growth "
            f"| - | - | - | {verdict}: {growth} % ({row.get('baseline_mib')} → "
            f"{row.get('final_mib')} MiB) {_failed(soak)} {soak.get('note', '')} |"
        )
    return rows


def proxy_section(runs: dict[str, Any]) -> list[str]:
    """nginx against direct-to-Granian, same load, same run."""
    nginx, direct, ratio = (
        runs.get("chats_nginx"),
        runs.get("chats_direct"),
        runs.get("proxy_ratio"),
    )
    if not nginx or not direct or not ratio:
        return ["Not measured in this run."]
    lines = ["| measure | path | p50 | p95 | p99 |", "|---|---|---|---|---|"]
    for measure, label in (("ttft_ms", "time to first token"), ("delivery_ms", "chunk delivery"),
                           ("submit_ms", "submit (POST)")):  # fmt: skip
        for name, run in (("nginx", nginx), ("direct", direct)):
            cells = [fmt_ms(_get(run, measure, p)) for p in ("p50", "p95", "p99")]
            lines.append(f"| {label} | {name} | {' | '.join(cells)} |")
        ratios = [str(ratio.get(f"{measure}_{p}", "-")) for p in ("p50", "p95", "p99")]
        lines.append(f"| {label} | nginx ÷ direct | {' | '.join(ratios)} |")
    return lines


def locust_section(stats_csv: Path, path: str = "the echo model") -> list[str]:
    """The last ``make loadtest`` run's entries (Locust rounds to whole milliseconds)."""
    if not stats_csv.exists():
        return [f"`make loadtest` has not been run here (no {stats_csv.name})."]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(stats_csv.stat().st_mtime))
    lines = [
        f"Path: {path}. Last run {when}, with `make loadtest`'s defaults unless overridden: "
        "100 users (4 chat : 1 cached-question), 0.5-1.5 s between chats, 60 s, `--slo`.",
        "",
        "| entry | requests | failures | p50 | p95 | p99 |",
        "|---|---|---|---|---|---|",
    ]
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            lines.append(
                f"| {row['Type']} {row['Name']} | {row['Request Count']} | "
                f"{row['Failure Count']} | {row['50%']} ms | {row['95%']} ms | {row['99%']} ms |"
            )
    return lines


def cpu_section(runs: dict[str, Any]) -> list[str]:
    """Cores used per process role during each scenario (1.0 = one core)."""
    lines = [
        "| scenario | app | watcher | nginx | redis | bench client | load avg (1 min) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        cores = run.get("cores_used") if isinstance(run, dict) else None
        if cores and not name.startswith("profiled_"):
            cells = [str(cores.get(r, "-")) for r in ("app", "watcher", "nginx", "redis", "bench")]
            lines.append(f"| {name} | {' | '.join(cells)} | {run.get('loadavg_1m')} |")
    return lines


def memory_section(runs: dict[str, Any]) -> list[str]:
    """RSS while holding streams, and the soak's per-process growth."""
    lines = ["| scenario | stage | app | watcher | nginx | redis |", "|---|---|---|---|---|---|"]
    for name in ("hold_1000", "hold_10000"):
        stages = _get(runs, name, "rss_mib") or {}
        for stage, sizes in stages.items():
            cells = [f"{sizes.get(r, '-')} MiB" for r in ("app", "watcher", "nginx", "redis")]
            lines.append(f"| {name} | {stage} | {' | '.join(cells)} |")
    per_process = _get(runs, "soak", "rss", "per_process") or {}
    if per_process:
        lines += ["", "| soak: process | first | baseline (after warm-up) | final | max | growth |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        for label, row in per_process.items():
            lines.append(
                f"| {label} | {row['first_mib']} MiB | {row['baseline_mib']} MiB | "
                f"{row['final_mib']} MiB | {row['max_mib']} MiB | {row['growth_pct']} % |"
            )
    return lines


def profile_section(results: dict[str, Any]) -> list[str]:
    """py-spy leaders per profiled scenario and process."""
    lines: list[str] = []
    for scenario, run in (results.get("runs") or {}).items():
        by_role = run.get("profile") if isinstance(run, dict) else None
        for role, summary in (by_role or {}).items():
            if "failed" in summary:
                lines.append(f"- {scenario} / {role}: not recorded ({summary['failed']})")
                continue
            lines += [
                "",
                f"**{scenario} — {role}** ({summary['samples']} samples, "
                f"{summary['idle_pct']} % idle in the event loop)",
                "",
                "| own time | % | inclusive | % |",
                "|---|---|---|---|",
            ]
            for own, inclusive in zip(summary["own"][:12], summary["inclusive"][:12], strict=False):
                lines.append(f"| `{own[0]}` | {own[1]} | `{inclusive[0]}` | {inclusive[1]} |")
    if not lines:
        return ["No profile recorded in this run (`--profile`)."]
    return [
        "",
        "Recorded in separate runs after the measured ones (`profiled_*` in the JSON): "
        "sampling costs CPU, so no figure above comes from a profiled run.",
        *lines,
    ]


def render(results: dict[str, Any]) -> str:
    """The whole BENCHMARKS.md."""
    machine = results.get("machine", {})
    runs = results.get("runs", {})
    settings = results.get("stack", {}).get("settings", {})
    parts = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m loadtest.bench --mode all --profile` then "
        "`python -m loadtest.report`); do not edit the tables by hand — the analysis at the "
        "end comes from `loadtest/analysis.md`.",
        "",
        f"Measured {results.get('started')} on: {machine.get('nproc')} CPUs "
        f"({machine.get('cpu_model')}), {machine.get('memory_gib')} GiB RAM, Linux "
        f"{machine.get('kernel')}, Python {machine.get('python')}. Load average at start "
        f"{machine.get('loadavg_at_start')}, at end {machine.get('loadavg_at_end')}: the "
        "machine is shared with other work, so every figure includes that noise.",
        "",
        "Stack: nginx → Granian (1 worker) → Falcon app, one watcher, private Redis, echo "
        "model; settings: " + ", ".join(f"`{k}={v}`" for k, v in settings.items()) + ".",
        "Definitions: time to first token = submit → first `chunk` read by the client; chunk "
        "delivery = client receive time - the event's `ts` (watcher emit time, same clock); "
        "whole cached answer = submit → `done` read. Percentiles are nearest-rank.",
        "",
        "## Commands",
        "",
        COMMANDS,
        "",
        "## Service levels",
        "",
        *main_table(runs),
        "",
        "## Locust SLO gate (`make loadtest`)",
        "",
        *locust_section(LOCUST_STATS),
        "",
        *locust_section(LOCUST_UPSTREAM_STATS, "the `openai` model on the mock upstream"),
        "",
        "## nginx's cost (same load, through nginx and direct to Granian)",
        "",
        *proxy_section(runs),
        "",
        "## CPU per process during each scenario",
        "",
        *cpu_section(runs),
        "",
        "## Memory",
        "",
        *memory_section(runs),
        "",
        "## Profiles (py-spy, percent of samples)",
        *profile_section(results),
        "",
    ]
    if RENDER_BENCH.exists():
        parts += [RENDER_BENCH.read_text().rstrip(), ""]
    if ANALYSIS.exists():
        parts += [ANALYSIS.read_text().rstrip(), ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Read the JSON, write the Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    results = orjson.loads(args.results.read_bytes())
    # `make bench-peers` owns its block of the same file: keep it as it is.
    # So do `make bench-semantic`'s.
    existing = args.output.read_text() if args.output.exists() else ""
    kept = "".join(
        "\n" + block
        for block in (
            peers_report.existing_block(existing),
            semantic_bench.existing_block(existing),
        )
        if block
    )
    args.output.write_text(render(results) + kept)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
