import pytest
from windows import Window, merge, total_minutes


def test_overlapping_windows_merge():
    got = merge([Window(60, 120), Window(90, 150), Window(10, 20)])
    assert got == [Window(10, 20), Window(60, 150)]


def test_separate_windows_stay_apart():
    assert merge([Window(0, 30), Window(45, 60)]) == [Window(0, 30), Window(45, 60)]


def test_tolerance_bridges_short_gaps():
    assert merge([Window(0, 30), Window(40, 60)], tolerance=10) == [Window(0, 60)]
    assert merge([Window(0, 30), Window(41, 60)], tolerance=10) == [Window(0, 30), Window(41, 60)]


def test_contained_window_and_total():
    assert merge([Window(0, 100), Window(10, 20)]) == [Window(0, 100)]
    assert total_minutes([Window(0, 30), Window(15, 45), Window(100, 110)]) == 55
    assert str(Window(75, 130)) == "01:15-02:10"


def test_invalid():
    with pytest.raises(ValueError):
        Window(10, 5)
