import pytest
from stores import Store, haversine_km, nearest_stores

STORES = [
    Store("Lisbon", 38.72, -9.14),
    Store("Madrid", 40.42, -3.70),
    Store("Paris", 48.86, 2.35),
    Store("Berlin", 52.52, 13.40),
]


def test_known_distance():
    assert haversine_km(48.86, 2.35, 52.52, 13.40) == pytest.approx(878, abs=5)


def test_nearest_to_a_customer_in_porto():
    found = nearest_stores(41.15, -8.61, STORES, limit=2)
    assert [s.name for s, _ in found] == ["Lisbon", "Madrid"]
    assert found[0][1] == pytest.approx(274, abs=3)


def test_radius_filter():
    assert [s.name for s, _ in nearest_stores(48.0, 3.0, STORES, max_km=200)] == ["Paris"]


def test_bad_coordinates():
    with pytest.raises(ValueError):
        nearest_stores(95.0, 0.0, STORES)
