"""Streaming moving average and spike detection for sensor readings."""

from __future__ import annotations

from collections import deque


class MovingAverage:
    """Mean of the last ``window`` readings, updated in constant time per reading."""

    def __init__(self, window: int) -> None:
        if window < 1:
            raise ValueError("window must be at least 1")
        self.window = window
        self._values: deque[float] = deque()
        self._total = 0.0

    def add(self, value: float) -> float:
        """Record a reading and return the new mean."""
        self._values.append(value)
        self._total += value
        if len(self._values) > self.window:
            self._total += self._values.popleft()
        return self.mean()

    def mean(self) -> float:
        if not self._values:
            raise ValueError("no readings yet")
        return self._total / len(self._values)

    def __len__(self) -> int:
        return len(self._values)


def smooth(readings: list[float], window: int) -> list[float]:
    """The moving average after each reading, rounded to 6 places."""
    avg = MovingAverage(window)
    return [round(avg.add(r), 6) for r in readings]


def spikes(readings: list[float], window: int, threshold: float) -> list[int]:
    """Indices of readings more than ``threshold`` away from the mean of the readings before them."""
    avg = MovingAverage(window)
    found = []
    for i, r in enumerate(readings):
        if len(avg) == window and abs(r - avg.mean()) > threshold:
            found.append(i)
        avg.add(r)
    return found
