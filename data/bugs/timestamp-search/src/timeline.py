"""Query a time-ordered event log by time window, with a hand-written binary search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    at: float  # seconds since the epoch
    kind: str
    payload: str = ""


def first_at_or_after(stamps: Sequence[float], t: float) -> int:
    """Index of the first stamp >= ``t`` in sorted ``stamps`` (``len(stamps)`` if none)."""
    lo, hi = 0, len(stamps) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if stamps[mid] < t:
            lo = mid + 1
        else:
            hi = mid
    return lo


class Timeline:
    """Events kept sorted by time; appends must not go back in time."""

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._stamps: list[float] = []

    def append(self, event: Event) -> None:
        if self._stamps and event.at < self._stamps[-1]:
            raise ValueError("events must be appended in time order")
        self._events.append(event)
        self._stamps.append(event.at)

    def between(self, start: float, end: float) -> list[Event]:
        """Events with ``start <= at < end``."""
        i = first_at_or_after(self._stamps, start)
        j = first_at_or_after(self._stamps, end)
        return self._events[i:j]

    def count(self, kind: str, start: float, end: float) -> int:
        return sum(e.kind == kind for e in self.between(start, end))
