import pytest
from audit import Claim, select_for_audit

CLAIMS = [
    Claim("c1", "ana", 4_500),
    Claim("c2", "bo", 250_000),
    Claim("c3", "cy", 12_000),
    Claim("c4", "di", 800),
]


def test_same_seed_same_selection():
    first = select_for_audit(CLAIMS, rate=0.5, seed=2024)
    assert select_for_audit(CLAIMS, rate=0.5, seed=2024) == first


def test_large_claims_are_always_audited():
    chosen = select_for_audit(CLAIMS, rate=0.5, seed=7)
    assert "c2" in chosen
    assert 2 <= len(chosen) <= 3


def test_rate_bounds():
    assert select_for_audit(CLAIMS, rate=0, seed=1) == ["c2"]
    assert select_for_audit(CLAIMS, rate=1, seed=1) == ["c1", "c2", "c3", "c4"]
    with pytest.raises(ValueError):
        select_for_audit(CLAIMS, rate=1.5, seed=1)
