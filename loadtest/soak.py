"""RSS growth over a soak: baseline after warm-up against the end, per process and role.

A process's memory rises while it warms up (imports, pools, allocator arenas, caches
filling), so growth is measured from a baseline taken after ``warmup_s``: the median
of the first samples past it, against the median of the last samples. Medians keep a
single garbage-collection spike from deciding the verdict.
"""

from __future__ import annotations

import statistics
from typing import Any

from loadtest.procs import ROLES, StackProcess

#: Samples averaged (by median) at each end of the measured window.
EDGE_SAMPLES = 6
MIB = 2**20


def _edges(series: list[tuple[float, int]], warmup_s: float) -> tuple[float, float] | None:
    """(baseline, final) medians of a time series, or None with too few samples."""
    duration = series[-1][0] if series else 0.0
    if warmup_s > duration / 2:
        warmup_s = duration * 0.2  # a short soak: warm up for its first fifth
    measured = [value for t, value in series if t >= warmup_s]
    if len(measured) < 2:
        return None
    width = max(1, min(EDGE_SAMPLES, len(measured) // 4))
    return statistics.median(measured[:width]), statistics.median(measured[-width:])


def _row(series: list[tuple[float, int]], warmup_s: float) -> dict[str, Any] | None:
    edges = _edges(series, warmup_s)
    if edges is None:
        return None
    baseline, final = edges
    return {
        "first_mib": round(series[0][1] / MIB, 1),
        "baseline_mib": round(baseline / MIB, 1),
        "final_mib": round(final / MIB, 1),
        "max_mib": round(max(v for _, v in series) / MIB, 1),
        "growth_pct": round((final - baseline) / baseline * 100, 2) if baseline else None,
        "samples": len(series),
    }


def growth_report(
    samples: list[tuple[float, dict[str, int]]],
    processes: list[StackProcess],
    warmup_s: float,
) -> dict[str, Any]:
    """Growth per process label and per role (summed) from (seconds, {label: rss}) samples."""
    per_process: dict[str, Any] = {}
    for process in processes:
        series = [(t, sizes[process.label]) for t, sizes in samples if process.label in sizes]
        row = _row(series, warmup_s)
        if row is not None:
            per_process[process.label] = {"role": process.role, **row}
    per_role: dict[str, Any] = {}
    for role in ROLES:
        labels = [p.label for p in processes if p.role == role]
        series = [
            (t, sum(sizes[label] for label in labels))
            for t, sizes in samples
            if labels and all(label in sizes for label in labels)
        ]
        row = _row(series, warmup_s)
        if row is not None:
            per_role[role] = row
    return {"warmup_s": warmup_s, "per_role": per_role, "per_process": per_process}
