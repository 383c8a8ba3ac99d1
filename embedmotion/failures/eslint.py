"""ESLint's JSON output: ``eslint -f json``.

One array with an entry per file, each with its messages::

    [{"filePath": "/src/wallet.js", "messages": [
        {"ruleId": "no-unused-vars", "severity": 2, "message": "'Cart' is assigned ...",
         "line": 3, "column": 9, "endLine": 3, "endColumn": 13}], "errorCount": 1, ...}]

Severity 2 is an error, 1 a warning.  A ``fatal`` message (a file ESLint could
not parse) is a ``syntax-error``; the others are ``lint`` failures with the rule
id as their rule.  Columns are 1-based, the end exclusive.
"""

from __future__ import annotations

from collections.abc import Iterator

from ._json import array_items, as_dict, as_int, as_list, as_str
from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Location


def parse_eslint(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every message of every file in ESLint's JSON output."""
    for entry in array_items(source.read_text(), ctx, "ESLint's"):
        e = as_dict(entry)
        path = as_str(e.get("filePath"))
        if path is None:
            continue
        for item in as_list(e.get("messages")):
            m = as_dict(item)
            message = as_str(m.get("message"))
            if message is None:
                continue
            severity = as_int(m.get("severity"))
            fatal = m.get("fatal") is True
            rule = as_str(m.get("ruleId"))
            line, col = as_int(m.get("line")), as_int(m.get("column"))
            yield Failure(
                tool="eslint",
                kind="syntax-error" if fatal else "lint",
                message=message,
                severity="error" if fatal or severity == 2 else "warning",
                rule=rule,
                locations=(
                    Location(path, line, col, as_int(m.get("endLine")), as_int(m.get("endColumn"))),
                ),
                raw=f"{path}:{line}:{col}: {message}" + (f" ({rule})" if rule else ""),
            )


def sniff_eslint(head: str) -> float:
    if head.lstrip().startswith("[") and '"filePath"' in head and '"messages"' in head:
        return 0.95
    return 0.0


FORMAT = FailureFormat(
    name="eslint-json",
    description="eslint -f json",
    sniff=sniff_eslint,
    parse=parse_eslint,
    streaming=False,
    aliases=("eslint",),
)

__all__ = ["FORMAT", "parse_eslint"]
