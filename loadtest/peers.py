"""``make bench-peers``: Relay beside the upstream reached directly and beside LiteLLM.

One run, three paths to the same fast local OpenAI-compatible upstream
(``loadtest/mock_upstream.py``: 20 chunks 20 ms apart, each one's text its emit time):

- ``direct``: ``POST /v1/chat/completions`` to the upstream itself;
- ``litellm``: the same request through LiteLLM's proxy (a comparison peer, installed
  by this tool into its own venv under ``state/peers/``, never a Relay dependency);
- ``relay``: a chat through nginx → Granian → Redis → watcher (``openai`` model) →
  the upstream, with Relay's DEFAULT settings (only the upstream's URL is set).

At each level (100 and 1,000 concurrent streams) waves of that many concurrent
streams run on the three paths in turn, interleaved, so each path sees the same
machine load. Time to first token is submit → first chunk read; chunk delivery is
read time minus the emit time the upstream wrote into the chunk. Each simulated user
connects from its own loopback address (127.0.0.0/8), as browsers come from theirs.
CPU is read per process around every wave; per delivered chunk it is the process's
CPU time over the chunks that path delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psutil

from loadtest import procs
from loadtest.aioclient import HttpConnection, HttpError
from loadtest.bench import machine, profile_targets, raise_open_files_limit
from loadtest.floor import floor_stack
from loadtest.host import HostWatch
from loadtest.profile import Profiler
from loadtest.stack import REPORTS_DIR, ROOT_DIR, free_ports, logged_process, running_stack
from loadtest.stats import summarize

#: The LiteLLM release compared against (pinned: figures must be reproducible).
LITELLM_VERSION = "1.108.0"
PEERS_DIR = ROOT_DIR / "state" / "peers"
PATHS = ("direct", "litellm", "floor app", "floor redis", "relay")
#: The bare stacks of ``loadtest/floor.py``: the design's parts with none of Relay's work.
FLOOR_PATHS = {"floor app": "app", "floor redis": "redis"}  # path: its floor_stack kind
#: The floor under the echo path (the app writes the words itself).
ECHO_FLOOR = "floor echo"
START_TIMEOUT_S = 120.0
WAVE_TIMEOUT_S = 120.0


# --- the peers -------------------------------------------------------------------------
def emit_time_of(text: str) -> float | None:
    """The emit time (unix ms) the mock upstream writes as each chunk's text."""
    try:
        return float(text)
    except ValueError:
        return None


def wait_for_port(port: int, timeout_s: float = START_TIMEOUT_S) -> None:
    """Until something accepts connections on loopback ``port``."""
    deadline = time.monotonic() + timeout_s
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1.0):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listens on port {port} after {timeout_s:g} s")
        time.sleep(0.1)


def ensure_litellm() -> Path:
    """LiteLLM's proxy in its own venv under ``state/peers/`` (installed once)."""
    venv = PEERS_DIR / f"litellm-{LITELLM_VERSION}"
    executable = venv / "bin" / "litellm"
    stamp = venv / ".installed"
    if stamp.exists() and executable.exists():
        return executable
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    print(f"bench-peers: installing litellm[proxy]=={LITELLM_VERSION} into {venv}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", f"litellm[proxy]=={LITELLM_VERSION}"],
        check=True,
    )
    stamp.write_text(LITELLM_VERSION + "\n")
    return executable


@contextlib.contextmanager
def mock_upstream(port: int, chunks: int = 20) -> Iterator[int]:
    """The mock upstream (``loadtest/mock_upstream.py``: ``chunks`` chunks, 20 ms apart)."""
    command = [
        sys.executable, "-m", "loadtest.mock_upstream", "--port", str(port),
        "--chunks", str(chunks), "--interval-ms", "20",
    ]  # fmt: skip
    with logged_process(command, "upstream", None, cwd=ROOT_DIR) as pid:
        wait_for_port(port)
        yield pid


#: LiteLLM refuses to start without a master key; this one only guards a loopback port.
LITELLM_KEY = "sk-bench-peers-" + os.urandom(8).hex()


def litellm_proxy(
    executable: Path, port: int, upstream: str
) -> contextlib.AbstractContextManager[int]:
    config = PEERS_DIR / "litellm-config.yaml"
    config.write_text(
        "model_list:\n"
        "  - model_name: mock\n"
        "    litellm_params:\n"
        "      model: openai/mock\n"
        f"      api_base: {upstream}\n"
        "      api_key: not-needed\n"
    )
    command = [str(executable), "--config", str(config), "--port", str(port), "--num_workers", "1"]
    env = {
        **os.environ,
        "LITELLM_MASTER_KEY": LITELLM_KEY,
        "LITELLM_LOG": "ERROR",
        "LITELLM_TELEMETRY": "False",
    }
    return logged_process(command, "litellm", f"http://127.0.0.1:{port}/health/liveliness", env=env)


# --- one stream on each path ----------------------------------------------------------
@dataclass
class StreamTrace:
    ttft_ms: float | None = None
    deliveries_ms: list[float] = field(default_factory=list)
    error: str | None = None
    #: Places in line the stream was told (``status: queued`` events), in order.
    positions: list[int] = field(default_factory=list)


def _source(index: int) -> str:
    return f"127.0.{1 + index // 250}.{2 + index % 250}"


async def _completion_stream(conn: HttpConnection, path: str, model: str) -> StreamTrace:
    """An OpenAI-style streaming request (direct or LiteLLM)."""
    trace = StreamTrace()
    body = orjson.dumps(
        {"model": model, "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    )
    started = time.perf_counter()
    auth = {"Authorization": f"Bearer {LITELLM_KEY}"}
    stream = conn.events(path, WAVE_TIMEOUT_S, method="POST", body=body, headers=auth)
    async with contextlib.aclosing(stream):
        async for events, received_ms, received_perf in stream:
            for event in events:
                if event.data in (b"[DONE]", "[DONE]"):  # raw bytes or decoded text
                    continue
                choices = orjson.loads(event.data).get("choices") or [{}]
                emitted = emit_time_of(choices[0].get("delta", {}).get("content") or "")
                if emitted is None:
                    continue
                if trace.ttft_ms is None:
                    trace.ttft_ms = (received_perf - started) * 1000
                trace.deliveries_ms.append(max(received_ms - emitted, 0.0))
    return trace


ECHO_MESSAGE = " ".join(f"w{i}" for i in range(20))  # echo: 20 chunks, 20 ms apart


async def _relay_stream(conn: HttpConnection, project: str, model: str) -> StreamTrace:
    """A chat through Relay, read to its terminal event.

    ``openai``: delivery against the upstream's emit time in the chunk's text;
    ``echo``: against the watcher's emit time (the event's ``ts``).
    """
    trace = StreamTrace()
    started = time.perf_counter()
    status, reply = await conn.post_json(
        "/api/chat/start",
        {"message": ECHO_MESSAGE, "model": model, "project": project, "cache": False},
    )
    if status != 202:
        trace.error = f"submit status {status}: {str(reply)[:120]}"
        return trace
    stream = conn.events(reply["stream_url"], WAVE_TIMEOUT_S)
    async with contextlib.aclosing(stream):
        async for events, received_ms, received_perf in stream:
            for event in events:
                if event.type == "error":
                    trace.error = f"error event: {event.data[:120]!r}"
                if event.type == "status":
                    data = orjson.loads(event.data)
                    if data.get("status") == "queued":
                        trace.positions.append(int(data["position"]))
                if event.type != "chunk":
                    continue
                data = orjson.loads(event.data)
                emitted = emit_time_of(data.get("text", "")) if model == "openai" else data["ts"]
                if emitted is None:
                    continue
                if trace.ttft_ms is None:
                    trace.ttft_ms = (received_perf - started) * 1000
                trace.deliveries_ms.append(max(received_ms - emitted, 0.0))
    return trace


async def _one(path: str, url: str, index: int, tag: str) -> StreamTrace:
    conn = HttpConnection(url, timeout_s=WAVE_TIMEOUT_S, source_host=_source(index))
    try:
        if path in ("relay", "relay echo", ECHO_FLOOR, *FLOOR_PATHS):
            # The floors ignore the model; "echo" says delivery is against the event's ts.
            model = "echo" if path in ("relay echo", ECHO_FLOOR) else "openai"
            return await _relay_stream(conn, f"peers-{tag}-{index}", model)
        return await _completion_stream(conn, "/v1/chat/completions", "mock")
    except (HttpError, OSError, TimeoutError) as exc:
        return StreamTrace(error=f"{type(exc).__name__}: {exc}"[:200])
    finally:
        await conn.close()


# --- waves ------------------------------------------------------------------------------
def _cpu_seconds(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far per role: its processes and their descendants, each once.

    The groups list parents with their children (Granian's main process and its
    worker, nginx's master and workers); descendants are looked up too, for a worker
    respawned or an agent process started since, but no process counts twice.
    """
    totals: dict[str, float] = {}
    for name, group in pids.items():
        members: dict[int, psutil.Process] = {}
        for pid in group:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                process = psutil.Process(pid)
                for member in [process, *process.children(recursive=True)]:
                    members.setdefault(member.pid, member)
        total = 0.0
        for member in members.values():
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                times = member.cpu_times()
                total += times.user + times.system
        totals[name] = total
    usage = resource.getrusage(resource.RUSAGE_SELF)
    totals["bench client"] = usage.ru_utime + usage.ru_stime
    return totals


def add_cpu_spent(
    totals: dict[str, float], before: dict[str, float], after: dict[str, float]
) -> None:
    """Add to ``totals`` what each process spent between two :func:`_cpu_seconds` readings."""
    for name in after:
        totals[name] = totals.get(name, 0.0) + after[name] - before[name]


@dataclass
class PathResult:
    traces: list[StreamTrace] = field(default_factory=list)
    cpu_s: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        ok = [t for t in self.traces if t.error is None and t.ttft_ms is not None]
        chunks = sum(len(t.deliveries_ms) for t in ok)
        errors = [t.error or "no chunk" for t in self.traces if t not in ok]
        cpu_per_chunk = {
            name: round(seconds / chunks * 1e6, 1) if chunks else None
            for name, seconds in self.cpu_s.items()
        }
        queued = [t for t in self.traces if t.positions]
        return {
            "streams": len(self.traces),
            "queued_streams": len(queued),
            "told_their_place": sum(1 for t in queued if t.positions[-1] == 1),
            "max_position": max((max(t.positions) for t in queued), default=0),
            "errors": len(errors),
            "error_samples": sorted(set(errors))[:3],
            "chunks": chunks,
            "seconds": round(self.seconds, 2),
            "ttft_ms": summarize([t.ttft_ms for t in ok if t.ttft_ms is not None]),
            "delivery_ms": summarize([d for t in ok for d in t.deliveries_ms]),
            "cpu_s": {k: round(v, 2) for k, v in self.cpu_s.items()},
            "cpu_us_per_chunk": cpu_per_chunk,
        }


async def run_level(
    streams: int,
    waves: int,
    urls: dict[str, str],
    pids: dict[str, list[int]],
    paths: tuple[str, ...] = PATHS,
    profiler: Profiler | None = None,
) -> dict[str, Any]:
    """``waves`` rounds of ``streams`` concurrent streams on each path, interleaved.

    With a ``profiler``, the relay's app and watcher are sampled for the whole level
    (the other paths' waves leave them idle, and idle samples are not counted).
    """
    results = {path: PathResult() for path in paths if path in urls}
    if profiler is not None:
        await profiler.start()
    for wave in range(waves):
        for path, result in results.items():
            print(f"bench-peers: {streams} streams, wave {wave + 1}/{waves}: {path}", flush=True)
            before, started = _cpu_seconds(pids), time.monotonic()
            tag = f"{streams}-{wave}-{int(time.time())}"
            traces = await asyncio.gather(*(_one(path, urls[path], i, tag) for i in range(streams)))
            result.seconds += time.monotonic() - started
            add_cpu_spent(result.cpu_s, before, _cpu_seconds(pids))
            result.traces.extend(traces)
            await asyncio.sleep(1.0)  # let the last wave's connections close
    summaries: dict[str, Any] = {path: result.summary() for path, result in results.items()}
    if profiler is not None:
        summaries["profile"] = await profiler.stop()
    return summaries


def _take_profile(level: dict[str, Any], results: dict[str, Any], name: str) -> dict[str, Any]:
    """``level`` without its profile, which goes to ``results["profiles"][name]``."""
    if "profile" in level:
        results.setdefault("profiles", {})[name] = level.pop("profile")
    return level


def relay_pids(stack_pid: int, ports: dict[str, int]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for process in procs.discover(stack_pid, ports):
        found.setdefault(f"relay {process.role}", []).append(process.pid)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.peers", description=__doc__)
    parser.add_argument("--levels", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--waves", type=int, nargs="+", default=[5, 2], help="per level")
    parser.add_argument("--no-litellm", action="store_true", help="leave LiteLLM out")
    parser.add_argument(
        "--no-floor", action="store_true", help="leave the bare stacks (loadtest/floor.py) out"
    )
    parser.add_argument(
        "--echo-chats", type=int, default=200, help="then this many echo chats at once (0: none)"
    )
    parser.add_argument("--echo-waves", type=int, default=3)
    parser.add_argument("--json", type=Path, default=REPORTS_DIR / "peers.json")
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the relay's app and watcher per level"
    )
    parser.add_argument(
        "--relay-setting",
        action="append",
        default=[],
        metavar="RELAY_NAME=VALUE",
        help="a setting changed from Relay's defaults (the report names the run as tuned)",
    )
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.relay_setting)
    nofile = raise_open_files_limit()
    host = HostWatch.start()
    results: dict[str, Any] = {
        "tool": "loadtest.peers",
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine(),
        "client_nofile": nofile,
        "litellm_version": None if args.no_litellm else LITELLM_VERSION,
        "relay_overrides": overrides,
        "levels": {},
    }
    upstream_port, litellm_port = free_ports(2)
    upstream = f"http://127.0.0.1:{upstream_port}/v1"
    with contextlib.ExitStack() as stack:
        upstream_pid = stack.enter_context(mock_upstream(upstream_port))
        urls = {"direct": f"http://127.0.0.1:{upstream_port}"}
        pids: dict[str, list[int]] = {"upstream": [upstream_pid]}
        if not args.no_litellm:
            executable = ensure_litellm()
            pids["litellm"] = [
                stack.enter_context(litellm_proxy(executable, litellm_port, upstream))
            ]
            urls["litellm"] = f"http://127.0.0.1:{litellm_port}"
        if not args.no_floor:
            floors = {**FLOOR_PATHS, ECHO_FLOOR: "echo"} if args.echo_chats else FLOOR_PATHS
            for path, kind in floors.items():
                floor = stack.enter_context(floor_stack(path, upstream, kind))
                urls[path] = floor.url
                pids.update(floor.pids)
        relay = stack.enter_context(
            running_stack("peers-relay", settings={"RELAY_OPENAI_BASE_URL": upstream, **overrides})
        )
        urls["relay"] = urls["relay echo"] = relay.url
        pids.update(relay_pids(relay.process.pid, relay.ports))
        targets = profile_targets(procs.discover(relay.process.pid, relay.ports))

        def profiler(name: str) -> Profiler | None:
            return Profiler(targets, REPORTS_DIR, f"peers-{name}") if args.profile else None

        results["relay_settings"] = relay.settings
        # Fresh processes are slower for their first streams (connections, code paths
        # warming): one unrecorded wave on every path takes that.
        asyncio.run(run_level(min(args.levels[0], 100), 1, urls, pids))
        waves_of = args.waves + args.waves[-1:] * len(args.levels)
        for level, waves in zip(args.levels, waves_of[: len(args.levels)], strict=True):
            run = run_level(level, waves, urls, pids, profiler=profiler(str(level)))
            results["levels"][str(level)] = _take_profile(asyncio.run(run), results, str(level))
        if args.echo_chats:  # the relay alone, the same default settings, the echo model
            echo_paths = ("direct", *FLOOR_PATHS, ECHO_FLOOR, "relay echo")  # the same burst
            echo = run_level(
                args.echo_chats, args.echo_waves, urls, pids, echo_paths, profiler("echo")
            )
            echo_level = _take_profile(asyncio.run(echo), results, "echo")
            results["echo"] = {str(args.echo_chats): echo_level}
    results["machine"].update(host.finish())
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2) + b"\n")
    print(orjson.dumps(results["levels"], option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
