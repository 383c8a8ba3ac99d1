"""Per-client API rate limiting with a sliding log of request times."""

from __future__ import annotations

from collections import defaultdict, deque


class SlidingWindowLimiter:
    """At most ``limit`` requests per client in any ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._log: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, client: str, now: float) -> bool:
        """Record and allow the request at time ``now``, or refuse it (refusals are not recorded)."""
        log = self._log[client]
        while log and log[0] <= now - self.window:
            log.popleft()
        log.append(now)
        return True

    def retry_after(self, client: str, now: float) -> float:
        """Seconds until ``client`` may send again (0 if it may now)."""
        log = self._log.get(client)
        if not log or len(log) < self.limit:
            return 0.0
        return max(0.0, log[0] + self.window - now)
