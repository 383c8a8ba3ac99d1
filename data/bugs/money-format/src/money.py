"""Format money amounts for receipts; the number of decimals is a module-wide setting.

Most currencies use two decimals; code printing yen or forint switches temporarily::

    with decimals(0):
        print(format_amount(1500, "JPY"))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_DECIMALS = 2


def format_amount(value: float, currency: str = "EUR") -> str:
    """``1234.5`` -> ``"1,234.50 EUR"`` (with the current number of decimals)."""
    return f"{value:,.{_DECIMALS}f} {currency}"


@contextmanager
def decimals(places: int) -> Iterator[None]:
    """Use ``places`` decimals inside the ``with`` block, then restore the previous setting."""
    global _DECIMALS
    if not 0 <= places <= 4:
        raise ValueError("places must be between 0 and 4")
    _DECIMALS = places
    previous = _DECIMALS
    try:
        yield
    finally:
        _DECIMALS = previous


def receipt(lines: list[tuple[str, float]], currency: str = "EUR") -> str:
    width = max(len(name) for name, _ in lines)
    rows = [f"{name:<{width}}  {format_amount(amount, currency):>14}" for name, amount in lines]
    total = format_amount(sum(a for _, a in lines), currency)
    return "\n".join(rows + [f"{'Total':<{width}}  {total:>14}"])
