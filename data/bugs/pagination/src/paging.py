"""Split search results into numbered pages (the first page is page 1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    total_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.total_pages


def page_count(total: int, per_page: int) -> int:
    """Pages needed for ``total`` items; an empty result still has one (empty) page."""
    return max(1, -(-total // per_page))


def paginate(items: Sequence[T], number: int, per_page: int = 20) -> Page[T]:
    """Page ``number`` of ``items``."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    pages = page_count(len(items), per_page)
    if not 1 <= number <= pages:
        raise ValueError(f"page {number} is out of range 1..{pages}")
    start = number * per_page
    return Page(list(items[start : start + per_page]), number, pages)


def page_links(current: int, total_pages: int, *, span: int = 2) -> list[int | str]:
    """Page numbers to show around ``current``, with "..." where pages are left out."""
    keep = {1, total_pages} | set(range(current - span, current + span + 1))
    shown = sorted(p for p in keep if 1 <= p <= total_pages)
    links: list[int | str] = []
    for p in shown:
        if links and isinstance(links[-1], int) and p - links[-1] > 1:
            links.append("...")
        links.append(p)
    return links
