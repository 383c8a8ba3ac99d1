"""JSON helpers shared by the parsers of JSON formats: type-safe access, truncated arrays."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import ParseError
from ._source import ParseContext


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else ``{}``."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else ``[]``."""
    return value if isinstance(value, list) else []


def as_int(value: Any) -> int | None:
    """``value`` if it is an integer (not a bool), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_str(value: Any) -> str | None:
    """``value`` if it is a string, else ``None``."""
    return value if isinstance(value, str) else None


def array_items(text: str, ctx: ParseContext, what: str) -> Iterator[Any]:
    """The items of the JSON array ``text``; from a truncated array, the complete items.

    A log cut short (a killed CI job) keeps the items before the cut, with a
    warning; text that is not a JSON array at all raises
    :class:`~embedmotion.errors.ParseError`.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        start = text.lstrip()
        if not start.startswith("["):
            raise ParseError(
                f"{ctx.name} is not valid JSON ({exc}); {what} output is one JSON array.",
                fix="Check that the file is complete, or name the right --format.",
            ) from exc
        items = list(_salvage(start))
        if not items:
            raise ParseError(
                f"{ctx.name} is not valid JSON ({exc}) and holds no complete {what} entry.",
                fix="Check that the file is complete (a killed run can leave it cut short).",
            ) from exc
        ctx.warn(
            f"{ctx.name}: the JSON is not valid ({exc}); kept the {len(items)} complete entries before it breaks"
        )
        yield from items
        return
    if not isinstance(data, list):
        raise ParseError(
            f"{ctx.name}: {what} output is a JSON array; this is a {type(data).__name__}."
        )
    yield from data


def _salvage(text: str) -> Iterator[Any]:
    decoder = json.JSONDecoder()
    pos = 1  # after "["
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            return
        try:
            item, pos = decoder.raw_decode(text, pos)
        except ValueError:
            return
        yield item
