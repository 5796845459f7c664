"""BENCHMARKS.md from the benchmark's JSON: ``python -m loadtest.report bench.json BENCHMARKS.md``.

The tables are generated; the prose on where the time goes and what would close each
gap lives in ``loadtest/analysis.md`` and is appended as written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from loadtest.stats import fmt_ms

ANALYSIS = Path(__file__).with_name("analysis.md")
COMMANDS = """\
```sh
make bench                       # starts its own stack, runs every scenario, rewrites this file
BENCH_SOAK_S=60 make bench       # the same with a 1-minute soak instead of 10
make loadtest                    # Locust: 100 users, 60 s, SLO gate (LOADTEST_USERS, _DURATION)
.venv/bin/python -m loadtest.bench --mode chats --chats 100        # one scenario, own stack
.venv/bin/python -m loadtest.bench --mode hold --streams 10000 --live-streams 100
.venv/bin/python -m loadtest.bench --soak 600
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
            f"{chats.get('chats_per_s')} chats/s",
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
        _latency_row(
            "chunk delivery, 100 live streams while 10,000 are held",
            "-",
            "(10,000 held)",
            hold10k.get("delivery_ms"),
            "p99<=100",
            _failed(hold10k)
            or f"{_get(hold10k, 'held', 'total')} of 10,000 held, "
            f"{hold10k.get('errors')} errors; app RSS "
            f"{_get(hold10k, 'rss_per_stream_kib', 'app')} KiB/stream",
        ),
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
            f"{row.get('final_mib')} MiB) {_failed(soak)} |"
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


def cpu_section(runs: dict[str, Any]) -> list[str]:
    """Cores used per process role during each scenario (1.0 = one core)."""
    lines = [
        "| scenario | app | watcher | nginx | redis | bench client | load avg (1 min) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        cores = run.get("cores_used") if isinstance(run, dict) else None
        if cores:
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
    return lines or ["No profile recorded in this run (`--profile`)."]


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
    args.output.write_text(render(results))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
