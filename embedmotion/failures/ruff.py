"""ruff's JSON output: ``ruff check --output-format=json``.

One JSON array of violations::

    [{"code": "F401", "message": "`os` imported but unused", "filename": "/src/app.py",
      "location": {"row": 1, "column": 8}, "end_location": {"row": 1, "column": 10},
      "fix": {...}, "url": "https://docs.astral.sh/ruff/rules/unused-import", "noqa_row": 1}]

Each violation is a ``lint`` failure with the code as its rule (a syntax error,
which has no code, is a ``syntax-error``).  ruff's columns are already 1-based
with an exclusive end, the convention used here.  A truncated array keeps the
complete violations before the cut.
"""

from __future__ import annotations

from collections.abc import Iterator

from ._json import array_items, as_dict, as_int, as_str
from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Location


def parse_ruff(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every violation in ruff's JSON output."""
    for item in array_items(source.read_text(), ctx, "ruff's"):
        v = as_dict(item)
        message, path = as_str(v.get("message")), as_str(v.get("filename"))
        if message is None or path is None:
            continue
        start, end = as_dict(v.get("location")), as_dict(v.get("end_location"))
        code = as_str(v.get("code"))
        syntax = code is None and message.startswith("SyntaxError")
        level = as_str(v.get("severity"))
        yield Failure(
            tool="ruff",
            kind="syntax-error" if syntax else "lint",
            message=message,
            severity="warning" if level == "warning" else "error",
            rule=code,
            locations=(
                Location(
                    path,
                    as_int(start.get("row")),
                    as_int(start.get("column")),
                    as_int(end.get("row")),
                    as_int(end.get("column")),
                ),
            ),
            raw=f"{path}:{as_int(start.get('row'))}:{as_int(start.get('column'))}: {code or ''} {message}".strip(),
        )


def sniff_ruff(head: str) -> float:
    if (
        head.lstrip().startswith("[")
        and '"filename"' in head
        and ('"noqa_row"' in head or '"end_location"' in head)
    ):
        return 0.95
    if head.strip() == "[]":
        return 0.1
    return 0.0


FORMAT = FailureFormat(
    name="ruff-json",
    description="ruff check --output-format=json",
    sniff=sniff_ruff,
    parse=parse_ruff,
    streaming=False,
    aliases=("ruff",),
)

__all__ = ["FORMAT", "parse_ruff"]
