"""Count the right/down routes of a warehouse robot across a floor plan with blocked cells."""

from __future__ import annotations


def parse(plan: str) -> list[str]:
    """Rows of a plan drawn with '.' (free) and '#' (blocked); all rows must be as wide."""
    rows = [line.strip() for line in plan.strip().splitlines() if line.strip()]
    if not rows:
        raise ValueError("empty plan")
    if len({len(r) for r in rows}) != 1:
        raise ValueError("rows have different widths")
    if set("".join(rows)) - {".", "#"}:
        raise ValueError("plans use only '.' and '#'")
    return rows


def count_paths(rows: list[str]) -> int:
    """Routes from the top-left to the bottom-right cell moving only right or down."""
    height, cols = len(rows), len(rows[0])
    ways = [[0] * cols for _ in range(height)]
    for r in range(height):
        for c in range(cols - 1):
            if rows[r][c] == "#":
                continue
            if r == 0 and c == 0:
                ways[r][c] = 1
                continue
            above = ways[r - 1][c] if r > 0 else 0
            left = ways[r][c - 1] if c > 0 else 0
            ways[r][c] = above + left
    return ways[height - 1][cols - 1]


def reachable(plan: str) -> bool:
    return count_paths(parse(plan)) > 0
