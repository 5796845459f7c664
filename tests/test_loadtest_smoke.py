"""The load tools cannot rot: a short Locust run and tiny benchmark runs on a real stack.

Thresholds are deliberately generous: this proves the tooling measures and gates,
not that the machine running CI is fast (the figures live in BENCHMARKS.md).
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from loadtest.measure import ChatTrace
from loadtest.peers import _cpu_seconds
from loadtest.procs import StackProcess
from loadtest.protocol import ResponseParser, SSEParser
from loadtest.soak import growth_report
from tests.support.stack import Stack

ROOT_DIR = Path(__file__).resolve().parent.parent


def test_response_parser_decodes_a_chunked_body_split_anywhere() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n"
    )
    parser = ResponseParser()
    body = b"".join(parser.feed(raw[i : i + 3]) for i in range(0, len(raw), 3))
    assert parser.status == 200
    assert body == b"hello, world"
    assert parser.complete


def test_sse_parser_yields_events_and_skips_comments_across_reads() -> None:
    parser = SSEParser()
    first = parser.feed(b'retry: 1000\n\n: ping\n\nid: 2\nevent: chunk\ndata: {"seq":2,')
    rest = parser.feed(b'"text":"hi ","ts":1.5}\n\nid: 3\nevent: done\ndata: {"seq":3}\n\n')
    assert first == []
    assert [(e.type, e.id) for e in rest] == [("chunk", 2), ("done", 3)]
    assert rest[0].json()["text"] == "hi "
    assert parser.comments == 1


def test_trace_leaves_out_replayed_chunks_from_delivery() -> None:
    parser = SSEParser()
    events = parser.feed(
        b'event: chunk\ndata: {"ts": 900.0, "text": "a "}\n\n'
        b'event: chunk\ndata: {"ts": 1005.0, "text": "b"}\n\n'
        b'event: done\ndata: {"result": "a b", "cached": false}\n\n'
    )
    trace = ChatTrace(started_perf=10.0, stream_requested_ms=1000.0)
    assert trace.observe(events, received_ms=1010.0, received_perf=10.25)
    assert trace.deliveries_ms == [5.0]  # the chunk emitted before the request is replay
    assert trace.ttft_ms == pytest.approx(250.0)
    assert trace.ok and trace.result == "a b" and trace.cached is False


BUSY_CHILD = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c",
    "import time\\nend = time.process_time() + 0.5\\nwhile time.process_time() < end: pass\\n"
    "print('done', flush=True)\\ntime.sleep(30)"], stdout=subprocess.PIPE)
print(child.pid, flush=True)
child.stdout.readline()
print('busy', flush=True)
time.sleep(30)
"""


def test_cpu_seconds_count_a_child_listed_with_its_parent_once() -> None:
    """Granian's main process and its worker are both listed: the worker counts once."""
    parent = subprocess.Popen([sys.executable, "-c", BUSY_CHILD], stdout=subprocess.PIPE, text=True)
    child_pid = 0
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        assert parent.stdout.readline().strip() == "busy"  # the child burnt its 0.5 s
        alone = _cpu_seconds({"app": [child_pid]})["app"]
        listed_both = _cpu_seconds({"app": [parent.pid, child_pid]})["app"]
        parent_only = _cpu_seconds({"app": [parent.pid]})["app"]
        assert alone >= 0.5
        assert listed_both < alone + 0.3, (listed_both, alone)  # not twice the child's
        assert parent_only >= alone, "a descendant counts with its parent"
    finally:
        if child_pid:
            os.kill(child_pid, signal.SIGKILL)
        parent.kill()
        parent.wait()


def test_soak_growth_is_measured_after_the_warm_up() -> None:
    process = StackProcess("app", 1, "app worker 1")
    mib = 2**20
    samples = [
        (float(t), {"app worker 1": (100 if t < 60 else 200) * mib}) for t in range(0, 600, 5)
    ]
    samples[-1][1]["app worker 1"] = 210 * mib  # one late spike: medians ignore it
    report = growth_report(samples, [process], warmup_s=60.0)
    assert report["per_process"]["app worker 1"]["growth_pct"] == 0.0
    assert report["per_role"]["app"]["max_mib"] == 210.0


def test_locust_smoke_passes_the_slo_gate_and_reports_time_to_first_token(
    stack: Stack, tmp_path: Path
) -> None:
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT_DIR / "loadtest" / "locustfile.py"),
        "--headless", "--only-summary", "-u", "5", "-r", "5", "-t", "5s",
        "--host", stack.url, "--words", "5", "--think-min-s", "0.1", "--think-max-s", "0.3",
        "--slo", "--slo-ttft-p95-ms", "5000", "--slo-delivery-p95-ms", "2000",
        "--slo-max-failure-pct", "5", "--csv", str(tmp_path / "smoke"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT_DIR, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-3000:]
    with (tmp_path / "smoke_stats.csv").open() as stats_file:
        rows = {row["Name"]: row for row in csv.DictReader(stats_file)}
    assert int(rows["time to first token"]["Request Count"]) > 0
    assert int(rows["chunk delivery"]["Request Count"]) > 0
    assert int(rows["full answer"]["Failure Count"]) == 0


def test_locust_slo_gate_fails_when_a_threshold_is_missed(stack: Stack, tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT_DIR / "loadtest" / "locustfile.py"),
        "--headless", "--only-summary", "-u", "2", "-r", "2", "-t", "3s", "--host", stack.url,
        "--words", "3", "--cached-weight", "0", "--slo", "--slo-ttft-p95-ms", "0",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT_DIR, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "SLO missed: p95 time to first token" in done.stderr


def _bench(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "loadtest.bench", *args, "--json", str(out)]
    done = subprocess.run(command, cwd=ROOT_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return orjson.loads(out.read_bytes())


def test_bench_compare_reports_percentiles_through_nginx_and_direct(
    stack: Stack, tmp_path: Path
) -> None:
    results = _bench(
        tmp_path, "--mode", "compare", "--url", stack.url, "--app-url", stack.app.url,
        "--chats", "10", "--rounds", "2", "--words", "5",
    )  # fmt: skip
    runs = results["runs"]
    for name in ("chats_nginx", "chats_direct"):
        assert runs[name]["ok"] == 10 and runs[name]["errors"] == 0
        for measure in ("ttft_ms", "delivery_ms", "full_ms"):
            assert {"p50", "p95", "p99", "count"} <= runs[name][measure].keys()
            assert runs[name][measure]["count"] > 0
    assert runs["proxy_ratio"]["ttft_ms_p50"] > 0
    assert results["machine"]["nproc"] >= 1


def test_bench_holds_streams_and_measures_cached_answers(stack: Stack, tmp_path: Path) -> None:
    hold = _bench(
        tmp_path, "--mode", "hold", "--url", stack.url, "--streams", "30",
        "--live-streams", "6", "--live-jobs", "2", "--hold-seconds", "1",
    )["runs"]["hold_30"]  # fmt: skip
    assert hold["held"] == {"idle": 24, "live": 6, "total": 30}
    assert hold["errors"] == 0 and hold["idle_closed_by_cancel"] == 24
    assert hold["delivery_ms"]["count"] > 0
    cached = _bench(
        tmp_path, "--mode", "cached", "--url", stack.url, "--cache-repeats", "5", "--words", "4"
    )["runs"]["cached"]
    assert cached["requests"] == 5 and cached["errors"] == 0
    assert {"p50", "p99"} <= cached["hit_full_ms"].keys()


def test_the_peers_block_is_replaced_in_place_and_kept_by_the_bench_report() -> None:
    from loadtest import peers_report

    run = {
        "streams": 2,
        "errors": 0,
        "chunks": 40,
        "ttft_ms": {"p50": 10.0, "p95": 12.0, "p99": 13.0},
        "delivery_ms": {"p50": 1.0, "p95": 2.0, "p99": 3.0},
        "cpu_us_per_chunk": {"upstream": 5.0, "relay app": 50.0, "relay watcher": 70.0},
    }
    slower = {**run, "ttft_ms": {"p50": 20.0, "p95": 27.0, "p99": 30.0}}
    results = {
        "started": "today",
        "machine": {"nproc": 2, "cpu_model": "x", "loadavg_at_start": [1, 1, 1]},
        "litellm_version": "1.0",
        "levels": {"2": {"direct": run, "relay": slower}},
    }
    block = peers_report.render(results)
    assert "| 2 | relay | 0 | 40 |" in block and "+15.0 ms / +0.0 ms" in block
    assert "**120**" in block  # the relay's processes summed per chunk
    document = "# Benchmarks\n\nold tables\n"
    once = peers_report.splice(document, block)
    twice = peers_report.splice(once, block.replace("today", "tomorrow"))
    assert twice.count(peers_report.BEGIN) == 1 and "tomorrow" in twice and "today" not in twice
    assert twice.startswith(document.rstrip("\n"))
    assert peers_report.existing_block(twice).startswith(peers_report.BEGIN)


def test_the_bare_floor_stacks_deliver_every_chunk_and_their_cpu_is_counted() -> None:
    """``loadtest/floor.py`` on real nginx, Granian and Redis, against the mock upstream."""
    import asyncio
    import contextlib

    from launcher.preflight import free_ports
    from loadtest.floor import floor_stack
    from loadtest.peers import ECHO_FLOOR, FLOOR_PATHS, mock_upstream, run_level

    (port,) = free_ports(1)
    upstream = f"http://127.0.0.1:{port}/v1"
    with contextlib.ExitStack() as stack:
        urls, pids = {}, {"upstream": [stack.enter_context(mock_upstream(port, chunks=5))]}
        for path, kind in {**FLOOR_PATHS, ECHO_FLOOR: "echo"}.items():
            floor = stack.enter_context(floor_stack(path, upstream, kind))
            urls[path] = floor.url
            pids.update(floor.pids)
        paths = (*FLOOR_PATHS, ECHO_FLOOR)
        level = asyncio.run(run_level(8, 2, urls, pids, paths))
    assert set(level) == {"floor app", "floor redis", "floor echo"}
    for path, run in level.items():
        chunks = 20 if path == ECHO_FLOOR else 5  # echo: the 20 words; else the upstream's
        assert run["errors"] == 0, (path, run["error_samples"])
        assert run["chunks"] == 8 * 2 * chunks, path
        assert run["cpu_us_per_chunk"][f"{path}: app"] > 0
    assert set(pids) >= {"floor redis: redis", "floor redis: watcher", "floor app: nginx"}


def test_a_floor_row_sums_its_own_processes() -> None:
    from loadtest import peers_report

    per_chunk = {"upstream": 5.0, "floor redis: app": 30.0, "floor redis: redis": 12.0}
    row = peers_report._cpu_row("100", "floor redis", {**per_chunk, "relay app": 99.0})
    assert row == "| 100 | floor redis | 5 | - | 30 | - | - | 12 | **42** | - |"


def test_the_cost_split_fits_start_and_per_chunk_and_bounds_a_burst() -> None:
    from loadtest import cost_split

    # 20 chunks: 3 ms a chat; 200 chunks: 12 ms: 50 µs a chunk and a 2 ms start.
    start, per_chunk = cost_split.fit(3.0, 12.0)
    assert (round(start), round(per_chunk)) == (2000, 50)
    names = ["relay app", "relay watcher", "floor redis: app", "bench client", "upstream"]
    assert cost_split.own_processes("relay", names) == ["relay app", "relay watcher"]
    assert cost_split.own_processes("floor redis", names) == ["floor redis: app"]
    assert cost_split.own_processes("direct", names) == []
    # 100 starts of 1 ms of CPU on 2 cores: 50 ms at the least.
    assert cost_split.burst_bound_ms(1000.0, 100, 2) == 50.0


def test_reports_say_whether_the_host_was_quiet_from_its_probe_and_stolen_time() -> None:
    from loadtest.host import HostWatch, describe

    host = HostWatch.start().finish()
    assert host["probe_cpu_s_at_start"] > 0 and host["probe_cpu_s_at_end"] > 0
    assert host["steal_percent"] is None or 0 <= host["steal_percent"] <= 100
    quiet = {**host, "probe_cpu_s_at_start": 0.37, "probe_cpu_s_at_end": 0.4, "steal_percent": 0.5}
    assert "a quiet host" in describe(quiet)
    assert "a contended host" in describe({**quiet, "probe_cpu_s_at_end": 1.05})
    assert "a contended host" in describe({**quiet, "steal_percent": 14.0})
    assert "not probed" in describe({"loadavg_at_start": [1, 1, 1], "nproc": 2})
