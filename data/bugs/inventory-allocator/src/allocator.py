"""Allocate order lines to warehouses, nearest first, never dipping into safety stock."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StockLevel:
    on_hand: int
    safety_stock: int = 0


@dataclass
class Warehouse:
    code: str
    distance_km: float
    stock: dict[str, StockLevel] = field(default_factory=dict)


@dataclass
class Allocation:
    picks: list[tuple[str, str, int]]  # (warehouse, sku, quantity)
    backordered: dict[str, int]


def _allocatable(on_hand: int, reserved: int) -> int:
    """Units that may be shipped when ``reserved`` units must stay on the shelf."""
    return max(0, on_hand - reserved)


def allocate(order: dict[str, int], warehouses: list[Warehouse]) -> Allocation:
    """Fill each line of ``order`` (sku -> quantity) from the nearest warehouses first.

    Stock levels are decremented in place; what cannot be filled is back-ordered.
    """
    picks: list[tuple[str, str, int]] = []
    backordered: dict[str, int] = {}
    nearest = sorted(warehouses, key=lambda w: w.distance_km)
    for sku, wanted in order.items():
        if wanted <= 0:
            raise ValueError(f"{sku}: quantity must be positive")
        for house in nearest:
            level = house.stock.get(sku)
            if level is None or wanted == 0:
                continue
            take = min(wanted, _allocatable(level.safety_stock, level.on_hand))
            if take:
                level.on_hand -= take
                wanted -= take
                picks.append((house.code, sku, take))
        if wanted:
            backordered[sku] = wanted
    return Allocation(picks, backordered)
