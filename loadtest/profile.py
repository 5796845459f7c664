"""Where the stack's CPU goes under load: py-spy samples summarized as text tables.

``python -m loadtest.profile --pid 1234 --seconds 15 --out reports/app`` records the
process with py-spy (collapsed stacks, ``reports/app.txt``) and prints the functions
with the most samples, by own time and by inclusive time, so BENCHMARKS.md can show
the evidence as text. py-spy is in the ``dev`` extra; recording needs ptrace (root).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

IDLE_FRAMES = ("select (selectors.py", "_run_once (asyncio/base_events.py", "poll (")


def py_spy_path() -> str:
    """py-spy from PATH or next to this interpreter (the venv)."""
    return shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")


def record(pid: int, seconds: float, out: Path, rate: int = 200) -> Path:
    """Sample ``pid`` for ``seconds`` with py-spy into ``out`` (collapsed stacks)."""
    py_spy = py_spy_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)),
        "--rate", str(rate), "--format", "raw", "--output", str(out), "--nonblocking", "--gil",
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=seconds + 60)
    return out


def _frame_name(frame: str) -> str:
    """'func (path/to/module.py:123)' -> 'func (module.py)': lines vary, functions do not."""
    name, _, location = frame.partition(" (")
    path = location.rstrip(")").rsplit(":", 1)[0]
    parts = path.split("/")
    short = "/".join(parts[-2:]) if len(parts) > 1 else path
    return f"{name} ({short})"


def summarize(collapsed: Path, top: int = 15) -> dict[str, Any]:
    """Own-time and inclusive-time leaders of a collapsed-stack file (percent of samples)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = idle = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(f) for f in stack.split(";") if f and not f.startswith("process ")]
        frames = [f for f in frames if not f.startswith("thread ")]
        if not frames:
            continue
        total += count
        if any(marker in frames[-1] for marker in IDLE_FRAMES):
            idle += count
            continue
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count

    widest = max(inclusive.values(), default=0)
    # Frames on (nearly) every busy stack are the process's scaffolding, not a cost.
    for name in [name for name, n in inclusive.items() if n >= widest * 0.98]:
        del inclusive[name]

    def table(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / max(total, 1), 1)) for name, n in counter.most_common(top)]

    return {
        "samples": total,
        "idle_pct": round(100 * idle / max(total, 1), 1),
        "own": table(own),
        "inclusive": table(inclusive),
    }


class Profiler:
    """py-spy on several processes at once, from ``start()`` until ``stop()``."""

    def __init__(self, targets: dict[str, int], out_dir: Path, name: str, rate: int = 100) -> None:
        self.targets = targets  # role -> pid
        self.out_dir = out_dir
        self.name = name
        self.rate = rate
        self._running: dict[str, tuple[asyncio.subprocess.Process, Path]] = {}

    async def start(self) -> None:
        """Begin sampling every target (a missing py-spy is reported by ``stop``)."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for role, pid in self.targets.items():
            out = self.out_dir / f"profile-{self.name}-{role}.txt"
            command = [
                py_spy_path(), "record", "--pid", str(pid), "--rate", str(self.rate),
                "--format", "raw", "--output", str(out), "--nonblocking", "--gil",
            ]  # fmt: skip
            with contextlib.suppress(OSError):
                process = await asyncio.create_subprocess_exec(
                    *command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                self._running[role] = (process, out)

    async def stop(self, top: int = 15) -> dict[str, Any]:
        """Stop sampling (SIGINT makes py-spy write its file); summaries per role."""
        summaries: dict[str, Any] = {}
        for role in self.targets:
            if role not in self._running:
                summaries[role] = {"failed": "py-spy could not start"}
                continue
            process, out = self._running.pop(role)
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
            if out.exists() and out.stat().st_size:
                summaries[role] = summarize(out, top)
            else:
                summaries[role] = {"failed": f"py-spy exited {process.returncode}, no samples"}
        return summaries


def main(argv: list[str] | None = None) -> int:
    """Record one process and print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--out", type=Path, required=True, help="file stem for the stacks")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    stacks = record(args.pid, args.seconds, args.out.with_suffix(".txt"))
    summary = summarize(stacks, args.top)
    args.out.with_suffix(".json").write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
    sys.stdout.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
