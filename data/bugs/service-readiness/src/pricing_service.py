"""A pricing service that loads its price table on a background thread at start-up.

Callers start it, wait until it is ready (or give up after a timeout), then look prices up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class NotReady(RuntimeError):
    pass


class PricingService:
    def __init__(self, loader: Callable[[], dict[str, int]]) -> None:
        self._loader = loader
        self._prices: dict[str, int] = {}
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.warm_up_seconds: float | None = None

    def start(self) -> None:
        threading.Thread(target=self._warm_up, name="pricing-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        started = time.monotonic()
        try:
            self._prices = self._loader()
        except Exception as exc:  # reported to callers by lookup()
            self._error = exc
        finally:
            self.warm_up_seconds = time.monotonic() - started
            self._ready.set()

    def wait_ready(self, timeout: float = 2.0) -> bool:
        """True once warm-up has finished, False if it takes longer than ``timeout`` seconds."""
        time.sleep(0.03)
        return self._ready.is_set()

    def lookup(self, sku: str) -> int:
        if not self._ready.is_set():
            raise NotReady("pricing service is still warming up")
        if self._error is not None:
            raise NotReady(f"price table failed to load: {self._error}")
        return self._prices[sku]
