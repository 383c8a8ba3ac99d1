"""Server-side sessions with idle expiry; the clock is injectable so tests need not sleep."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Session:
    user: str
    last_seen: float
    idle_timeout: float
    clock: Callable[[], float] = field(repr=False)
    data: dict[str, str] = field(default_factory=dict)

    def expired(self) -> bool:
        return self.clock() - self.last_seen > self.idle_timeout


class SessionStore:
    def __init__(
        self, *, idle_timeout: float = 1800.0, clock: Callable[[], float] = time.monotonic
    ):
        self.idle_timeout = idle_timeout
        self.clock = clock
        self._sessions: dict[str, Session] = {}

    def create(self, user: str) -> str:
        sid = secrets.token_hex(16)
        self._sessions[sid] = Session(user, self.clock(), self.idle_timeout, self.clock)
        return sid

    def get(self, sid: str) -> Session | None:
        """The live session for ``sid`` (touching it), or None if unknown or expired."""
        session = self._sessions.get(sid)
        if session is None:
            return None
        if session.expired:
            del self._sessions[sid]
            return None
        session.last_seen = self.clock()
        return session

    def purge(self) -> int:
        """Drop every expired session; returns how many were dropped."""
        dead = [sid for sid, s in self._sessions.items() if s.expired()]
        for sid in dead:
            del self._sessions[sid]
        return len(dead)
