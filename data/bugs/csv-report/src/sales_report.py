"""Aggregate a CSV export of sales into per-group totals and a fixed-width text report."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation


def totals_by(text: str, group_column: str, value_column: str) -> dict[str, Decimal]:
    """Sum ``value_column`` per distinct ``group_column`` value; blank values count as zero."""
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    for column in (group_column, value_column):
        if column not in fields:
            raise KeyError(f"no column {column!r} in {fields}")
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line, row in enumerate(reader, start=2):
        raw = (row[value_column] or "").strip().replace(",", "")
        try:
            sums[row[group_column].strip()] += Decimal(raw or "0")
        except InvalidOperation:
            raise ValueError(f"line {line}: {raw!r} is not a number") from None
    return dict(sums)


def format_report(title: str, totals: dict[str, Decimal]) -> str:
    """Groups sorted by total, largest first, with a grand total line."""
    width = max([len(k) for k in totals] + [5])
    lines = [title, "=" * len(title)]
    for key, value in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"{key:<{width}}  {value:>12,.2f}")
    lines.append(f"{'TOTAL':<{width}}  {sum(totals.values(), Decimal(0)):>12,.2f}")
    return "\n".join(lines)


def region_report(text: str) -> str:
    return format_report("Sales by region", totals_by(text, "amount", "region"))
