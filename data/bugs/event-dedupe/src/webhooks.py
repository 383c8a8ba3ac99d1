"""Webhook intake: drop redelivered events and route the rest by type."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Delivery:
    source: str  # e.g. "stripe", "github"
    id: str  # unique per source only
    type: str
    attempt: int = 1


def deduplicate(deliveries: Iterable[Delivery]) -> list[Delivery]:
    """First delivery of each event; events are identified by (source, id)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for delivery in deliveries:
        key = (delivery.source, delivery.id)
        if delivery.id in seen:
            continue
        seen.add(key)
        kept.append(delivery)
    return kept


def route(deliveries: Iterable[Delivery], handlers: dict[str, str]) -> dict[str, list[str]]:
    """Queue name -> event ids, for the unique events; unknown types go to "dead-letter"."""
    queues: dict[str, list[str]] = {}
    for d in deduplicate(deliveries):
        queue = handlers.get(d.type, "dead-letter")
        queues.setdefault(queue, []).append(f"{d.source}:{d.id}")
    return queues
