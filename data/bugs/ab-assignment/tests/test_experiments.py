import pytest
from experiments import Experiment


def test_returning_user_sees_the_same_variant():
    exp = Experiment("checkout-button", {"blue": 1, "green": 1})
    first = exp.assign("user-1017")
    assert exp.assign("user-1017") == first


def test_split_follows_the_weights():
    exp = Experiment("pricing-page", {"control": 3, "new": 1})
    shares = exp.split([f"user-{i}" for i in range(4000)])
    assert shares["control"] == pytest.approx(0.75, abs=0.03)


def test_zero_weight_variant_is_never_shown():
    exp = Experiment("dark", {"off": 1, "on": 0})
    assert {exp.assign(f"u{i}") for i in range(50)} == {"off"}


def test_bad_weights():
    with pytest.raises(ValueError):
        Experiment("x", {"a": 0, "b": 0})
