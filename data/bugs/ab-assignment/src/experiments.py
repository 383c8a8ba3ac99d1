"""A/B experiments: weighted variants, and sticky assignment of users to them.

A user must see the same variant on every visit, so the draw is seeded with the
experiment name and the user id instead of being stored.
"""

from __future__ import annotations

import random
from collections import Counter


class Experiment:
    def __init__(self, name: str, weights: dict[str, float]) -> None:
        if not weights or any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        self.name = name
        self.variants = sorted(weights)
        self.weights = [weights[v] for v in self.variants]

    def assign(self, user_id: str) -> str:
        """The variant ``user_id`` sees; the same on every call."""
        rng = random.Random()
        return rng.choices(self.variants, weights=self.weights)[0]

    def split(self, user_ids: list[str]) -> dict[str, float]:
        """Share of ``user_ids`` assigned to each variant."""
        counts = Counter(self.assign(u) for u in user_ids)
        return {v: counts[v] / len(user_ids) for v in self.variants}
