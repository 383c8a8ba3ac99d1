from datetime import date

import pytest
from booking import Stay, clashes, occupancy, overlaps


def stay(guest, room, a, b):
    return Stay(guest, room, date(2024, 5, a), date(2024, 5, b))


def test_back_to_back_stays_do_not_overlap():
    assert not overlaps(stay("ann", "101", 1, 3), stay("bob", "101", 3, 5))


def test_separate_weeks_do_not_overlap():
    assert not overlaps(stay("ann", "101", 1, 3), stay("bob", "101", 10, 12))


def test_shared_night_overlaps():
    assert overlaps(stay("ann", "101", 1, 4), stay("bob", "101", 3, 5))
    assert overlaps(stay("ann", "101", 1, 10), stay("bob", "101", 3, 5))


def test_clashes_are_per_room():
    stays = [
        stay("ann", "101", 1, 4),
        stay("bob", "102", 2, 3),
        stay("cat", "101", 3, 6),
        stay("dan", "101", 6, 8),
    ]
    assert clashes(stays) == [("ann", "cat")]


def test_bad_stay_and_occupancy():
    with pytest.raises(ValueError):
        clashes([stay("eve", "101", 4, 4)])
    assert occupancy([stay("ann", "101", 1, 4)], date(2024, 5, 4)) == set()
