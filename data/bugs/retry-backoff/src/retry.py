"""Retry a flaky call with capped exponential backoff (sleep is injectable for tests)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): base * 2**attempt, at most cap."""
    return min(cap, base * 2**attempt)


@dataclass
class RetryPolicy:
    attempts: int = 5
    base: float = 0.5
    cap: float = 8.0
    retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)

    def delays(self) -> list[float]:
        """The waits between attempts (one fewer than the attempts)."""
        return [backoff_delay(i, self.cap, self.base) for i in range(self.attempts - 1)]

    def run(self, call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:
        """Call until it succeeds; re-raise the last error once the attempts run out."""
        waits = self.delays()
        for attempt in range(self.attempts):
            try:
                return call()
            except self.retry_on:
                if attempt == self.attempts - 1:
                    raise
                sleep(waits[attempt])
        raise RuntimeError("unreachable")
