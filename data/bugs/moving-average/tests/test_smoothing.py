import pytest
from smoothing import MovingAverage, smooth, spikes


def test_mean_before_window_fills():
    assert smooth([2.0, 4.0], 3) == [2.0, 3.0]


def test_old_readings_leave_the_window():
    assert smooth([1.0, 2.0, 3.0, 4.0, 5.0], 2) == [1.0, 1.5, 2.5, 3.5, 4.5]


def test_spike_detection():
    readings = [10.0, 10.5, 9.5, 10.0, 25.0, 10.0, 10.2]
    assert spikes(readings, 3, 5.0) == [4]


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        MovingAverage(0)
    with pytest.raises(ValueError):
        MovingAverage(2).mean()
