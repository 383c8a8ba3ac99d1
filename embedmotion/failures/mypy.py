"""mypy's output: the plain text form and ``mypy -O json``.

Plain text, one diagnostic per line (``--show-column-numbers``,
``--show-error-end`` and ``--pretty`` are understood)::

    ledger/typed.py:13: error: Item "None" of "Account | None" has no attribute "owner"  [union-attr]
    ledger/typed.py:24: note: PEP 484 prohibits implicit Optional. ...
    Found 7 errors in 3 files (checked 5 source files)

JSON (``-O json``, mypy 1.11+), one object per line, columns 0-based::

    {"file": "ledger/typed.py", "line": 13, "column": 11, "end_line": 13, "end_column": 24,
     "message": "Item \\"None\\" of ...", "hint": null, "code": "union-attr", "severity": "error"}

Errors become ``type-error`` failures with the error code as their rule.  The
notes that follow an error (or its ``hint``, in JSON) are added to it as
secondary locations; a note on its own is a failure of severity ``note``.
Columns are converted to the 1-based, end-exclusive convention.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ._json import as_int, as_str
from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Location

_LINE_RE = re.compile(
    r"^(?P<path>[^:\s][^:]*?\.pyi?):(?P<line>\d+):(?:(?P<col>\d+):)?(?:(?P<eline>\d+):(?P<ecol>\d+):)? "
    r"(?P<sev>error|warning|note): (?P<msg>.*)$"
)
_NOLINE_RE = re.compile(r"^(?P<path>[^:\s][^:]*?\.pyi?): (?P<sev>error|note): (?P<msg>.*)$")
_CODE_RE = re.compile(r"\s{2}\[(?P<code>[\w-]+)\]$|^\[(?P<code2>[\w-]+)\]$")
_SUMMARY_RE = re.compile(r"^(?:Found \d+ errors? in \d+ files?|Success: no issues found)")
_CONTEXT_NOTES = ("In function ", "In member ", "In class ", "At top level")


class _Pending:
    __slots__ = (
        "path",
        "line",
        "col",
        "eline",
        "ecol",
        "severity",
        "message",
        "code",
        "notes",
        "lines",
    )

    def __init__(self, m: re.Match[str], line: str) -> None:
        self.path = m.group("path")
        groups = m.groupdict()
        self.line = int(groups["line"]) if groups.get("line") else None
        self.col = int(groups["col"]) if groups.get("col") else None
        self.eline = int(groups["eline"]) if groups.get("eline") else None
        self.ecol = int(groups["ecol"]) + 1 if groups.get("ecol") else None
        self.severity = m.group("sev")
        self.message = m.group("msg").rstrip()
        self.code: str | None = None
        self.notes: list[Location] = []
        self.lines = [line]
        self._take_code()

    def _take_code(self) -> None:
        cm = _CODE_RE.search(self.message)
        if cm:
            self.code = cm.group("code") or cm.group("code2")
            self.message = self.message[: cm.start()].rstrip()

    def continue_message(self, text: str) -> None:
        cm = _CODE_RE.search(text.strip())
        if cm and cm.group("code2"):
            self.code = cm.group("code2")
            return
        self.message = f"{self.message} {text.strip()}".strip()
        self._take_code()

    def failure(self) -> Failure:
        note = self.severity == "note"
        return Failure(
            tool="mypy",
            kind="type-error",
            message=self.message,
            severity="note" if note else ("warning" if self.severity == "warning" else "error"),
            rule=self.code,
            locations=(
                Location(self.path, self.line, self.col, self.eline, self.ecol),
                *self.notes,
            ),
            raw="\n".join(self.lines),
        )


def parse_mypy(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every error (notes attached) in mypy's text output."""
    current: _Pending | None = None
    for line in source.lines(ctx.warn):
        m = _LINE_RE.match(line) or _NOLINE_RE.match(line)
        if m:
            msg = m.group("msg")
            if m.group("sev") == "note":
                if msg.startswith(_CONTEXT_NOTES):
                    continue
                if current is not None and current.path == m.group("path"):
                    groups = m.groupdict()
                    current.notes.append(
                        Location(
                            m.group("path"),
                            int(groups["line"]) if groups.get("line") else None,
                            int(groups["col"]) if groups.get("col") else None,
                            message=f"note: {msg}",
                        )
                    )
                    current.lines.append(line)
                    continue
            if current is not None:
                yield current.failure()
            current = _Pending(m, line)
            continue
        if _SUMMARY_RE.match(line):
            if current is not None:
                yield current.failure()
                current = None
            continue
        if current is not None and line.strip():
            current.lines.append(line)
            if not line[:1].isspace() and current.code is None and not current.notes:
                current.continue_message(line)  # --pretty wraps long messages
    if current is not None:
        yield current.failure()


def parse_mypy_json(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every diagnostic of ``mypy -O json`` (hints attached as notes)."""
    for number, line in enumerate(source.lines(ctx.warn), 1):
        text = line.strip()
        if not text.startswith("{"):
            continue
        try:
            d = json.loads(text)
        except ValueError:
            ctx.warn(f"line {number}: not a complete JSON object; skipped")
            continue
        if not isinstance(d, dict):
            continue
        path, message = as_str(d.get("file")), as_str(d.get("message"))
        if path is None or message is None:
            continue
        line_no, col = as_int(d.get("line")), as_int(d.get("column"))
        end_line, end_col = as_int(d.get("end_line")), as_int(d.get("end_column"))
        col1 = col + 1 if col is not None and col >= 0 else None
        main = Location(path, line_no, col1, end_line, end_col + 1 if end_col is not None else None)
        hint = as_str(d.get("hint"))
        notes = tuple(
            Location(path, line_no, col1, message=f"note: {h}")
            for h in (hint or "").splitlines()
            if h.strip()
        )
        severity = as_str(d.get("severity")) or "error"
        yield Failure(
            tool="mypy",
            kind="type-error",
            message=message,
            severity=severity if severity in ("error", "warning", "note") else "error",
            rule=as_str(d.get("code")),
            locations=(main, *notes),
            raw=text,
        )


def sniff_mypy(head: str) -> float:
    hits = len(
        re.findall(r"^[^:\s][^:\n]*?\.pyi?:\d+:(?:\d+:)?(?:\d+:\d+:)? (?:error|note): ", head, re.M)
    )
    if not hits:
        return 0.0
    score = 0.6
    if re.search(r"\s{2}\[[\w-]+\]$", head, re.M):
        score += 0.2
    if re.search(r"^Found \d+ errors? in \d+ files?", head, re.M):
        score += 0.2
    return min(score, 0.95)


def sniff_mypy_json(head: str) -> float:
    start = head.lstrip()
    if start.startswith("{") and '"file"' in head and '"severity"' in head and '"message"' in head:
        return 0.9
    return 0.0


FORMAT = FailureFormat(
    name="mypy",
    description="mypy text output (file.py:12: error: message  [code])",
    sniff=sniff_mypy,
    parse=parse_mypy,
)
JSON_FORMAT = FailureFormat(
    name="mypy-json",
    description="mypy -O json (one JSON object per line)",
    sniff=sniff_mypy_json,
    parse=parse_mypy_json,
)

__all__ = ["FORMAT", "JSON_FORMAT", "parse_mypy", "parse_mypy_json"]
