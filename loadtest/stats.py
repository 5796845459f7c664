"""Percentile summaries of latency samples (milliseconds)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

PERCENTILES = (50, 95, 99)


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile of already sorted values (the value at or above pct %)."""
    if not sorted_values:
        return math.nan
    rank = max(math.ceil(pct / 100 * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def summarize(values: Sequence[float]) -> dict[str, Any]:
    """count, p50, p95, p99, max and mean of ``values``, rounded to 0.01 ms."""
    ordered = sorted(values)
    if not ordered:
        return {"count": 0, "p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    summary: dict[str, Any] = {"count": len(ordered)}
    for pct in PERCENTILES:
        summary[f"p{pct}"] = round(percentile(ordered, pct), 2)
    summary["max"] = round(ordered[-1], 2)
    summary["mean"] = round(sum(ordered) / len(ordered), 2)
    return summary


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator rounded to 0.01, or None when either is missing or zero."""
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def fmt_ms(value: float | None) -> str:
    """A latency for a table: '3.21 ms', or '-' when missing."""
    if value is None:
        return "-"
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def fmt_mib(size_bytes: float | None) -> str:
    """A size in MiB for a table."""
    if size_bytes is None:
        return "-"
    return f"{size_bytes / 2**20:.1f} MiB"
