"""How busy and how fast the benchmark host was: what each report states beside its figures.

These machines are shared and virtual: on a bad day the hypervisor steals a sixth of
the CPU and a fixed piece of Python takes three times as long as on a quiet one. A
figure means little without that, so every benchmark records, at its start and end,
the load average, the CPU time of one fixed pure-Python loop (``probe_cpu_s``: about
0.36 s on this project's 2-core machine when quiet, 1.05 s on a contended day), and
the share of CPU time stolen over the run (``/proc/stat``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROC_STAT = Path("/proc/stat")
#: The probe's CPU time at or under which the host counts as quiet (twice a quiet run).
QUIET_PROBE_CPU_S = 0.6


def probe_cpu_s() -> float:
    """CPU seconds this process spends on a fixed pure-Python loop."""
    started = time.process_time()
    sum(range(30_000_000))
    return round(time.process_time() - started, 3)


def _cpu_ticks() -> tuple[int, int]:
    """(stolen, total) CPU ticks of the whole machine since boot; zeros if unreadable."""
    try:
        fields = PROC_STAT.read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0, 0
    ticks = [int(value) for value in fields]
    stolen = ticks[7] if len(ticks) > 7 else 0
    # guest and guest_nice (fields 9 and 10) are already counted in user and nice.
    return stolen, sum(ticks[:8])


@dataclass
class HostWatch:
    """The host's state over one benchmark run: start it, run, then :meth:`finish`."""

    loadavg_at_start: list[float] = field(default_factory=list)
    probe_cpu_s_at_start: float = 0.0
    _ticks_at_start: tuple[int, int] = (0, 0)

    @classmethod
    def start(cls) -> HostWatch:
        watch = cls([round(x, 2) for x in os.getloadavg()], probe_cpu_s())
        watch._ticks_at_start = _cpu_ticks()
        return watch

    def finish(self) -> dict[str, Any]:
        """The run's host record (JSON-ready)."""
        stolen, total = _cpu_ticks()
        stolen -= self._ticks_at_start[0]
        total -= self._ticks_at_start[1]
        return {
            "nproc": os.cpu_count(),
            "loadavg_at_start": self.loadavg_at_start,
            "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
            "probe_cpu_s_at_start": self.probe_cpu_s_at_start,
            "probe_cpu_s_at_end": probe_cpu_s(),
            "steal_percent": round(100 * stolen / total, 1) if total > 0 else None,
        }


def describe(host: dict[str, Any]) -> str:
    """One sentence for a report: how loaded and how fast the host was, and what it means."""
    probes = [host.get("probe_cpu_s_at_start"), host.get("probe_cpu_s_at_end")]
    known = [probe for probe in probes if probe is not None]
    if not known:  # a report written before hosts were probed
        return (
            f"load average at start {host.get('loadavg_at_start')}, at end "
            f"{host.get('loadavg_at_end')} on {host.get('nproc')} CPUs (host speed not probed)."
        )
    quiet = max(known) <= QUIET_PROBE_CPU_S and (host.get("steal_percent") or 0) < 5
    verdict = (
        "**a quiet host**: the figures are the software's"
        if quiet
        else "**a contended host**: every process ran slower, so compare paths within the "
        "run, not with other runs"
    )
    return (
        f"load average at start {host['loadavg_at_start']}, at end {host['loadavg_at_end']} "
        f"on {host['nproc']} CPUs; the CPU probe (`loadtest.host`) took {probes[0]} s at "
        f"the start and {probes[1]} s at the end (0.36 s when quiet), "
        f"{host.get('steal_percent')} % of CPU time was stolen: {verdict}."
    )
