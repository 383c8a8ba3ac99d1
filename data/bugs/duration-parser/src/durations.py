"""Parse and format human durations such as "1h30m", "90s" or "2d 4h" (as used in job timeouts)."""

from __future__ import annotations

import re

UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"\s*(\d+)\s*([dhms])")


def parse_duration(text: str) -> int:
    """Seconds in ``text``; units may repeat only in d, h, m, s order."""
    text = text.strip().lower()
    if not text:
        raise ValueError("empty duration")
    total, pos, last = 0, 0, -1
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        order = "dhms".index(match[2])
        if order <= last:
            raise ValueError(f"units out of order in {text!r}")
        total += int(match[1]) * UNITS[match[2]]
        pos, last = match.end(), order
    return total


def format_duration(seconds: int) -> str:
    """The shortest canonical form: 5400 -> "1h30m", 0 -> "0s"."""
    if seconds < 0:
        raise ValueError("negative duration")
    parts = []
    for unit, size in UNITS.items():
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"
