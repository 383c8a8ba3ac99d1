"""Pick expense claims for manual audit: every claim over the limit, plus a reproducible random sample.

Auditors must be able to re-create a past selection from its seed, so all randomness
goes through one seeded generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    id: str
    employee: str
    cents: int


def select_for_audit(
    claims: list[Claim], *, rate: float, seed: int, always_over_cents: int = 100_000
) -> list[str]:
    """Ids to audit: claims over ``always_over_cents`` plus ``rate`` of the others, sorted."""
    if not 0 <= rate <= 1:
        raise ValueError("rate must be between 0 and 1")
    rng = random.Random(seed)
    large = [c.id for c in claims if c.cents > always_over_cents]
    rest = sorted(c.id for c in claims if c.cents <= always_over_cents)
    k = int(rate * len(rest) + rng.random())  # unbiased rounding of the expected count
    sampled = random.sample(rest, k)
    return sorted(large + sampled)
