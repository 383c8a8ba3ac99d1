"""A small time-to-live cache for upstream API responses, keyed by URL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


class TTLCache:
    def __init__(self, ttl_seconds: float = 60.0, max_entries: int = 1024) -> None:
        if ttl_seconds <= 0 or max_entries < 1:
            raise ValueError("ttl must be positive and max_entries at least 1")
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[datetime, Any]] = {}

    def put(self, key: str, value: Any, *, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds (the cache's default when omitted)."""
        seconds = self.ttl if ttl is None else ttl
        expires = datetime.now().replace(microsecond=0) + timedelta(seconds=seconds)
        if key not in self._entries and len(self._entries) >= self.max_entries:
            oldest = min(self._entries, key=lambda k: self._entries[k][0])
            del self._entries[oldest]
        self._entries[key] = (expires, value)

    def get(self, key: str, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        expires, value = entry
        if datetime.now() >= expires:
            del self._entries[key]
            return default
        return value

    def __len__(self) -> int:
        return len(self._entries)
