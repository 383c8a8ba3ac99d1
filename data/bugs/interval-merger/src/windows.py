"""Merge overlapping maintenance windows (minutes since midnight) into a compact schedule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Window:
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window ends before it starts: {self.start}-{self.end}")

    def __str__(self) -> str:
        return (
            f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"
        )


def _gap(earlier: Window, later: Window) -> int:
    """Minutes between the end of ``earlier`` and the start of ``later`` (negative if they overlap)."""
    return later.start - earlier.end


def merge(windows: list[Window], *, tolerance: int = 0) -> list[Window]:
    """Merge windows that overlap or are at most ``tolerance`` minutes apart."""
    if tolerance < 0:
        raise ValueError("tolerance cannot be negative")
    merged: list[Window] = []
    for following in sorted(windows):
        if merged:
            current = merged[-1]
            if _gap(following, current) <= tolerance:
                merged[-1] = Window(current.start, max(current.end, following.end))
                continue
        merged.append(following)
    return merged


def total_minutes(windows: list[Window]) -> int:
    return sum(w.end - w.start for w in merge(windows))
