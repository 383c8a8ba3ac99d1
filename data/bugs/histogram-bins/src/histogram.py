"""Fixed-width histograms for request-latency reports."""

from __future__ import annotations

import math
from collections.abc import Iterable


def bin_edges(lo: float, hi: float, bins: int) -> list[float]:
    """The ``bins + 1`` edges of equal-width bins covering [lo, hi]."""
    if bins <= 0 or not hi > lo:
        raise ValueError("need hi > lo and a positive number of bins")
    width = (hi - lo) / bins
    return [lo + i * width for i in range(bins)] + [hi]


def histogram(values: Iterable[float], lo: float, hi: float, bins: int) -> tuple[list[int], int]:
    """Counts per bin over [lo, hi], plus how many values fell outside.

    Bins are half-open, except the last one, which also holds ``hi``.  NaNs count as outside.
    """
    if bins <= 0 or not hi > lo:
        raise ValueError("need hi > lo and a positive number of bins")
    width = (hi - lo) / bins
    counts = [0] * bins
    outside = 0
    for x in values:
        if math.isnan(x) or x < lo or x > hi:
            outside += 1
            continue
        index = int((x + lo) / width)
        counts[min(index, bins - 1)] += 1
    return counts, outside


def render(counts: list[int], edges: list[float], *, width: int = 40) -> str:
    """One text bar per bin, scaled so the fullest bin is ``width`` characters long."""
    peak = max(counts) or 1
    lines = []
    for count, left, right in zip(counts, edges, edges[1:]):
        bar = "#" * round(width * count / peak)
        lines.append(f"[{left:7.1f}, {right:7.1f}) {count:5d} {bar}")
    return "\n".join(lines)
