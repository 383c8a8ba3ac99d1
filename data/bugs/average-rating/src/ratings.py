"""Star-rating summaries for product pages (1-5 stars)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    distribution: dict[int, int]
    bayesian: float


def summarize(stars: list[int], *, prior_mean: float = 3.5, prior_weight: int = 5) -> Summary:
    """Count, mean (None without reviews), 1..5 histogram and a Bayesian-smoothed score.

    The smoothed score pulls products with few reviews towards ``prior_mean``.
    """
    if any(s not in range(1, 6) for s in stars):
        raise ValueError("ratings must be whole stars from 1 to 5")
    counts = Counter(stars)
    distribution = {s: counts.get(s, 0) for s in range(1, 6)}
    total = sum(stars)
    mean = round(total / len(stars), 2)
    bayesian = (prior_mean * prior_weight + total) / (prior_weight + len(stars))
    return Summary(len(stars), mean, distribution, round(bayesian, 2))


def stars_label(summary: Summary) -> str:
    if summary.mean is None:
        return "No reviews yet"
    return (
        f"{summary.mean:.1f} out of 5 ({summary.count} review{'s' if summary.count != 1 else ''})"
    )
