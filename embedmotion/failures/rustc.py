"""rustc's JSON diagnostics: ``cargo build --message-format=json`` and ``rustc --error-format=json``.

Both print one JSON object per line.  Cargo wraps each compiler diagnostic::

    {"reason": "compiler-message", "package_id": "...", "message": {
        "$message_type": "diagnostic", "message": "mismatched types", "level": "error",
        "code": {"code": "E0308", ...},
        "spans": [{"file_name": "src/report.rs", "line_start": 6, "column_start": 22,
                   "line_end": 6, "column_end": 38, "is_primary": true, "label": "expected `i32`..."}],
        "children": [{"level": "help", "message": "you can convert ...", "spans": [...]}],
        "rendered": "error[E0308]: mismatched types\\n --> src/report.rs:6:22 ..."}}

rustc alone prints the inner object.  Errors become ``compile-error`` failures,
warnings ``compile-warning`` ones; the primary span is the first location, the
other labelled spans and the children that point somewhere (``help:``,
``note:``) follow as secondary locations with their text.  The closing
summaries (``aborting due to 2 previous errors``, ``1 warning emitted``) and
cargo's other messages (``compiler-artifact``, ``build-finished``) are skipped.
Lines that are not JSON (cargo's human status lines) are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Location

_SUMMARY_RE = re.compile(
    r"^(?:aborting due to|\d+ warnings? emitted|For more information about|Some errors have detailed)"
)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _span_location(span: dict[str, Any], message: str | None = None) -> Location | None:
    path = span.get("file_name")
    if not isinstance(path, str) or not path:
        return None
    return Location(
        path,
        _int(span.get("line_start")),
        _int(span.get("column_start")),
        _int(span.get("line_end")),
        _int(span.get("column_end")),
        message,
    )


def diagnostic_failure(diag: dict[str, Any]) -> Failure | None:
    """A Failure from one rustc JSON diagnostic (``None`` for summaries and notes)."""
    level = diag.get("level")
    message = diag.get("message")
    if not isinstance(level, str) or not isinstance(message, str):
        return None
    spans = (
        [s for s in diag.get("spans") or () if isinstance(s, dict)]
        if isinstance(diag.get("spans"), list)
        else []
    )
    if level == "failure-note" or (not spans and _SUMMARY_RE.match(message)):
        return None
    if level.startswith("error"):
        kind, severity = "compile-error", "error"
    elif level == "warning":
        kind, severity = "compile-warning", "warning"
    elif level in ("note", "help"):
        kind, severity = "compile-warning", "note"
    else:
        return None
    primary = [s for s in spans if s.get("is_primary") is True] or spans[:1]
    locations: list[Location] = []
    for span in primary[:1]:
        loc = _span_location(span)
        if loc is not None:
            locations.append(loc)
    for span in spans:
        if span in primary[:1]:
            continue
        label = span.get("label")
        loc = _span_location(span, label if isinstance(label, str) else None)
        if loc is not None:
            locations.append(loc)
    children = diag.get("children") if isinstance(diag.get("children"), list) else []
    for child in children or ():
        if not isinstance(child, dict):
            continue
        cspans = child.get("spans") if isinstance(child.get("spans"), list) else []
        cmsg = child.get("message")
        clevel = child.get("level")
        for span in (cspans or ())[:1]:
            if isinstance(span, dict):
                loc = _span_location(span, f"{clevel}: {cmsg}" if isinstance(cmsg, str) else None)
                if loc is not None:
                    locations.append(loc)
    code = diag.get("code")
    rule = (
        code.get("code") if isinstance(code, dict) and isinstance(code.get("code"), str) else None
    )
    rendered = diag.get("rendered")
    return Failure(
        tool="rustc",
        kind=kind,
        message=message,
        severity=severity,
        rule=rule,
        locations=tuple(locations),
        raw=rendered.rstrip() if isinstance(rendered, str) else message,
    )


def parse_rustc_json(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every error and warning in rustc/cargo JSON message lines."""
    for number, line in enumerate(source.lines(ctx.warn), 1):
        text = line.strip()
        if not text.startswith("{"):
            continue
        try:
            obj = json.loads(text)
        except ValueError:
            ctx.warn(f"line {number}: not a complete JSON object; skipped")
            continue
        if not isinstance(obj, dict):
            continue
        if "reason" in obj:
            if obj.get("reason") != "compiler-message" or not isinstance(obj.get("message"), dict):
                continue
            obj = obj["message"]
        mtype = obj.get("$message_type")
        if mtype is not None and mtype != "diagnostic":
            continue
        failure = diagnostic_failure(obj)
        if failure is not None:
            yield failure


def sniff_rustc_json(head: str) -> float:
    start = head.lstrip()
    if not start.startswith("{"):
        return 0.0
    if (
        '"reason":"compiler-message"' in head.replace(" ", "")
        or '"$message_type":"diagnostic"' in head
    ):
        return 1.0
    if '"rendered"' in head and '"spans"' in head and '"level"' in head:
        return 0.9
    if (
        '"reason":"compiler-artifact"' in head.replace(" ", "")
        or '"reason":"build-finished"' in head
    ):
        return 0.7
    return 0.0


FORMAT = FailureFormat(
    name="rustc-json",
    description="rustc/cargo JSON diagnostics (--message-format=json, --error-format=json)",
    sniff=sniff_rustc_json,
    parse=parse_rustc_json,
    aliases=("cargo-json", "rust-json", "rustc"),
)

__all__ = ["FORMAT", "parse_rustc_json", "diagnostic_failure"]
