"""gcc and clang diagnostics: the classic text form, and gcc's JSON.

The text form is one header line per diagnostic, the same for gcc and clang::

    stack.c: In function ‘stack_push’:
    stack.c:5:9: warning: suggest parentheses around assignment used as truth value [-Wparentheses]
        5 |     if (s->size = 16) {
          |         ^
    In file included from main.c:1:
    stack.h:9:31: note: expected ‘int’ but argument is of type ‘char *’

``error``/``fatal error`` lines become ``compile-error`` failures, ``warning``
lines ``compile-warning`` ones, with the ``[-Wflag]`` as the rule.  A ``note``
belongs to the diagnostic before it and is added as a secondary location
(with its text); the ``In function`` context is kept in ``raw``.  Source
excerpts and caret lines are skipped.  Linker errors (``main.c:(.text+0x1e):
undefined reference to `foo'``) are reported too, without a line.

gcc's ``-fdiagnostics-format=json`` (gcc 10+) is the same information as one
JSON array (format ``gcc-json``).  Newer compilers also write SARIF (format
``sarif``), the better choice when available.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import ParseError
from ._json import as_int
from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Location

_DIAG_RE = re.compile(
    r"^(?P<path>(?:[A-Za-z]:)?[^:\s][^:]*?):(?P<line>\d+):(?:(?P<col>\d+):)? "
    r"(?P<sev>fatal error|error|warning|note|remark|internal compiler error|sorry, unimplemented): "
    r"(?P<msg>.*?)(?: \[(?P<flag>-[\w=+,.-]+)\])?$"
)
_CONTEXT_RE = re.compile(
    r"^(?P<path>[^:\s][^:]*?): (?P<what>In (?:member |static member )?function|In constructor|In destructor|At top level|In instantiation of|In lambda function)"
)
_LD_RE = re.compile(
    r"^(?:\S*ld(?:\.\w+)?: )?(?P<path>[^:\s][^:]*?):\(\.\w+(?:\+0x[0-9a-f]+)?\): "
    r"(?P<msg>undefined reference to .*|multiple definition of .*)$"
)
_SNIPPET_RE = re.compile(r"^\s*\d*\s*\|")


def _rule(flag: str | None) -> str | None:
    if not flag:
        return None
    # "-Werror=parentheses" -> "-Wparentheses"; clang "-Werror,-Wunused-variable" -> "-Wunused-variable"
    if flag.startswith("-Werror,"):
        flag = flag.split(",", 1)[1]
    if flag.startswith("-Werror="):
        flag = "-W" + flag[len("-Werror=") :]
    return flag


class _Diag:
    __slots__ = ("severity", "message", "rule", "locations", "lines")

    def __init__(
        self, severity: str, message: str, rule: str | None, loc: Location, lines: list[str]
    ) -> None:
        self.severity, self.message, self.rule = severity, message, rule
        self.locations = [loc]
        self.lines = lines

    def failure(self, tool: str) -> Failure:
        error = self.severity in (
            "error",
            "fatal error",
            "internal compiler error",
            "sorry, unimplemented",
        )
        return Failure(
            tool=tool,
            kind="compile-error" if error else "compile-warning",
            message=self.message,
            severity="error"
            if error
            else ("note" if self.severity in ("note", "remark") else "warning"),
            rule=self.rule,
            locations=tuple(self.locations),
            raw="\n".join(self.lines).rstrip(),
        )


def _guess_tool(head: str) -> str:
    if re.search(r"^\d+ (?:warnings?|errors?)(?: and \d+ \w+)? generated\.$", head, re.M):
        return "clang"
    return "gcc"


def parse_gcc(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every error and warning of gcc/clang text output (notes attached to them)."""
    tool = _guess_tool(source.head)
    current: _Diag | None = None
    context: list[str] = []
    for line in source.lines(ctx.warn):
        m = _DIAG_RE.match(line)
        if m:
            sev, col, text = m.group("sev"), m.group("col"), m.group("msg").strip()
            loc = Location(m.group("path"), int(m.group("line")), int(col) if col else None)
            if sev == "note" and current is not None:
                current.locations.append(
                    Location(loc.path, loc.line, loc.column, message=f"note: {text}")
                )
                current.lines.extend([*context, line])
                context = []
                continue
            if current is not None:
                yield current.failure(tool)
            current = _Diag(sev, text, _rule(m.group("flag")), loc, [*context, line])
            context = []
            continue
        if _CONTEXT_RE.match(line) or line.startswith(
            ("In file included from", "                 from ")
        ):
            context.append(line)
            continue
        lm = _LD_RE.match(line)
        if lm:
            if current is not None:
                yield current.failure(tool)
            current = _Diag("error", lm.group("msg"), "ld", Location(lm.group("path")), [line])
            continue
        if current is not None and _SNIPPET_RE.match(line) and len(current.lines) < 200:
            current.lines.append(line)
    if current is not None:
        yield current.failure(tool)


def sniff_gcc(head: str) -> float:
    if re.search(
        r"^collect2: error: ld returned|:\(\.text(?:\+0x[0-9a-f]+)?\): undefined reference to ",
        head,
        re.M,
    ):
        return 0.6
    hits = re.findall(
        r"^(?:[A-Za-z]:)?[^:\s][^:\n]*?\.(\w+):\d+:(?:\d+:)? (?:fatal error|error|warning|note): ",
        head,
        re.M,
    )
    if not hits:
        return 0.0
    c_like = sum(1 for ext in hits if ext.lower() not in ("py", "pyi"))
    score = 0.4 + 0.5 * c_like / len(hits)
    if re.search(r"^\S+: In (?:member )?function ", head, re.M):
        score += 0.2
    return min(score, 0.9)


# ------------------------------------------------------------------------------ gcc JSON
def _caret(loc: Any) -> Location | None:
    if not isinstance(loc, dict):
        return None
    caret = loc.get("caret")
    if not isinstance(caret, dict) or not isinstance(caret.get("file"), str):
        return None
    raw_finish = loc.get("finish")
    finish: dict[str, Any] = raw_finish if isinstance(raw_finish, dict) else {}
    end_col = as_int(finish.get("column"))
    return Location(
        caret["file"],
        as_int(caret.get("line")),
        as_int(caret.get("column")),
        as_int(finish.get("line")),
        end_col + 1 if end_col is not None else None,  # gcc's finish is inclusive
    )


def parse_gcc_json(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every diagnostic of ``gcc -fdiagnostics-format=json`` (children are notes)."""
    text = source.read_text().strip()
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ParseError(
            f"{ctx.name} is not valid JSON ({exc}); gcc's JSON output is one array.",
            fix="Check that the file is complete, or name the right --format.",
        ) from exc
    if not isinstance(data, list):
        raise ParseError(f"{ctx.name}: gcc's JSON output is an array of diagnostics; this is not.")
    for diag in data:
        if not isinstance(diag, dict):
            continue
        kind, message = diag.get("kind"), diag.get("message")
        if not isinstance(kind, str) or not isinstance(message, str):
            continue
        locs = [
            loc
            for loc in (
                _caret(x)
                for x in (diag.get("locations") or ())
                if isinstance(diag.get("locations"), list)
            )
            if loc
        ]
        for child in diag.get("children") or () if isinstance(diag.get("children"), list) else ():
            if isinstance(child, dict):
                for cl in (
                    child.get("locations") or () if isinstance(child.get("locations"), list) else ()
                ):
                    loc = _caret(cl)
                    if loc is not None:
                        cmsg = child.get("message")
                        locs.append(
                            Location(
                                loc.path,
                                loc.line,
                                loc.column,
                                loc.end_line,
                                loc.end_column,
                                f"{child.get('kind')}: {cmsg}",
                            )
                        )
        error = kind in ("error", "fatal error", "ice")
        option = diag.get("option")
        yield Failure(
            tool="gcc",
            kind="compile-error" if error else "compile-warning",
            message=message,
            severity="error" if error else ("note" if kind == "note" else "warning"),
            rule=option if isinstance(option, str) else None,
            locations=tuple(locs),
            raw=json.dumps(diag, ensure_ascii=False),
        )


def sniff_gcc_json(head: str) -> float:
    start = head.lstrip()
    if start.startswith("[") and '"kind"' in head and '"caret"' in head:
        return 0.95
    return 0.0


FORMAT = FailureFormat(
    name="gcc",
    description="gcc/clang text diagnostics (file:line:col: error: ... [-Wflag], notes)",
    sniff=sniff_gcc,
    parse=parse_gcc,
    aliases=("clang", "cc", "g++", "clang++"),
)
JSON_FORMAT = FailureFormat(
    name="gcc-json",
    description="gcc -fdiagnostics-format=json",
    sniff=sniff_gcc_json,
    parse=parse_gcc_json,
    streaming=False,
)

__all__ = ["FORMAT", "JSON_FORMAT", "parse_gcc", "parse_gcc_json"]
