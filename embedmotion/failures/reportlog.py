"""pytest report-log files: one JSON object per line (``pytest --report-log=FILE``).

The pytest-reportlog plugin writes pytest's own serialised reports::

    {"pytest_version": "9.2.0", "$report_type": "SessionStart"}
    {"nodeid": "tests/test_money.py::test_parse", "when": "call", "outcome": "failed",
     "longrepr": {"reprcrash": {...}, "reprtraceback": {"reprentries": [...]}, "chain": [...]},
     "$report_type": "TestReport", ...}

A test has up to three reports (setup, call, teardown); they are folded into
one record per test: ``failed`` when the call failed, ``error`` when setup or
teardown did, ``skipped``/``passed`` otherwise (``rerun`` reports count towards
``flaky``).  Failed ``CollectReport`` objects are collection errors.  The
structured ``longrepr`` gives frames without any text scraping; string
``longrepr`` values are read like pytest's terminal sections.  Lines that are
not JSON objects are skipped with a warning.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Frame, Location, is_project_path
from .pytest_text import (
    dedent_e_lines,
    exception_of,
    footer_frame,
    kind_for,
    parse_pytest_longrepr,
    result_record,
)
from .tracebacks import read_python_traceback


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class _Repr:
    frames: list[Frame] = field(default_factory=list)
    message: str = ""
    exception: str | None = None
    location: Location | None = None
    raw: list[str] = field(default_factory=list)


def _entries(tb: dict[str, Any], out: _Repr) -> tuple[list[str], Frame | None, str]:
    """Add one traceback's frames; return its last entry's E lines, frame and footer message."""
    e_lines: list[str] = []
    last: Frame | None = None
    footer = ""
    for entry in _l(tb.get("reprentries")):
        entry = _d(entry)
        data = _d(entry.get("data"))
        lines = [x for x in _l(data.get("lines")) if isinstance(x, str)]
        out.raw.extend(lines)
        if entry.get("type") == "ReprEntryNative":
            native = read_python_traceback(lines)
            out.frames.extend(native.frames)
            if native.message:
                e_lines = ["E " + x for x in native.message.splitlines()]
            last = native.frames[-1] if native.frames else last
            continue
        loc = _d(data.get("reprfileloc"))
        path, lineno = _s(loc.get("path")), loc.get("lineno")
        footer = _s(loc.get("message"))
        e_lines = [x for x in lines if x[:1] == "E" and (len(x) == 1 or x[1].isspace())]
        if not path or not isinstance(lineno, int) or isinstance(lineno, bool):
            continue
        out.raw.append(f"{path}:{lineno}: {footer}".rstrip())
        if footer.startswith("in "):
            text = next((x.strip() for x in lines if x.strip() and x.startswith("    ")), None)
            last = Frame(path, lineno, footer[3:].strip() or None, text, is_project_path(path))
        else:
            last = footer_frame(path, lineno, lines)
        out.frames.append(last)
    return e_lines, last, footer


def read_longrepr(longrepr: Any) -> _Repr:
    """Frames, message, exception and crash site of a serialised pytest ``longrepr``."""
    out = _Repr()
    if isinstance(longrepr, str):
        rep = parse_pytest_longrepr(longrepr.splitlines())
        out.frames, out.message, out.exception = rep.frames, rep.message, rep.exception
        out.location = rep.locations[0] if rep.locations else None
        out.raw = longrepr.splitlines()
        return out
    if isinstance(longrepr, list):  # a skip: [path, lineno, reason]
        out.message = " ".join(str(x) for x in longrepr)
        return out
    d = _d(longrepr)
    chain = _l(d.get("chain"))
    parts: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for item in chain:
        item = _l(item)
        if len(item) >= 2:
            parts.append((_d(item[0]), _d(item[1])))
    if not parts:
        parts = [(_d(d.get("reprtraceback")), _d(d.get("reprcrash")))]
    e_lines: list[str] = []
    last: Frame | None = None
    footer = ""
    crash: dict[str, Any] = {}
    for tb, crash_part in parts:
        crash = crash_part
        e_lines, last, footer = _entries(tb, out)
        if len(parts) > 1:
            out.raw.append("")
    out.message = dedent_e_lines(e_lines) if e_lines else _s(crash.get("message"))
    exc = exception_of(out.message)
    if exc is None and footer and " " not in footer and not footer.startswith("in "):
        exc = footer
    out.exception = exc
    if last is not None:
        out.location = Location(last.path, last.line)
    elif isinstance(crash.get("lineno"), int) and _s(crash.get("path")):
        out.location = Location(_s(crash.get("path")), crash["lineno"])
    return out


class _Test:
    __slots__ = (
        "nodeid",
        "failed_when",
        "longrepr",
        "skipped",
        "reruns",
        "xfail",
        "rerun",
        "first_rerun",
    )

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid
        self.failed_when: str | None = None
        self.longrepr: Any = None
        self.skipped = False
        self.reruns = 0
        self.xfail = False
        self.rerun = False  # the current attempt is one pytest-rerunfailures will repeat
        self.first_rerun: Any = None

    def next_attempt(self) -> None:
        self.failed_when, self.longrepr, self.skipped, self.xfail, self.rerun = (
            None,
            None,
            False,
            False,
            False,
        )


def _failure(t: _Test, outcome: str, kind: str, longrepr: Any, when: str) -> Failure:
    rep = read_longrepr(longrepr)
    message = rep.message or f"{outcome} during {when}"
    if kind == "flaky":
        s = "s" if t.reruns > 1 else ""
        message = f"passed after {t.reruns} rerun{s}; failed first with: {message}"
    return Failure(
        tool="pytest",
        kind=kind,
        message=message,
        severity="warning" if kind == "flaky" else "error",
        locations=() if rep.location is None else (rep.location,),
        frames=tuple(rep.frames),
        test_id=t.nodeid,
        outcome=outcome,
        exception=rep.exception,
        raw="\n".join(rep.raw),
        passes=1 if kind == "flaky" else 0,
        failures=t.reruns if kind == "flaky" else 0,
    )


def _finish(t: _Test) -> Failure:
    if t.failed_when is None:
        if t.skipped or t.xfail:
            return result_record("pytest", t.nodeid, "skipped")
        if t.reruns:
            return _failure(t, "flaky", "flaky", t.first_rerun, "call")
        return result_record("pytest", t.nodeid, "passed")
    outcome = "failed" if t.failed_when == "call" else "error"
    rep_kind = kind_for(outcome, read_longrepr(t.longrepr).message)
    return _failure(t, outcome, rep_kind, t.longrepr, t.failed_when)


def parse_reportlog(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """One record per test (and per failed collection) of a pytest report log."""
    tests: dict[str, _Test] = {}
    for number, line in enumerate(source.lines(ctx.warn), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError:
            ctx.warn(f"line {number}: not a JSON object; skipped")
            continue
        if not isinstance(d, dict):
            ctx.warn(f"line {number}: not a JSON object; skipped")
            continue
        kind = d.get("$report_type")
        nodeid = _s(d.get("nodeid"))
        if kind == "CollectReport":
            if d.get("outcome") == "failed":
                rep = read_longrepr(d.get("longrepr"))
                yield Failure(
                    tool="pytest",
                    kind="error",
                    message=rep.message or f"collection of {nodeid or 'the session'} failed",
                    locations=() if rep.location is None else (rep.location,),
                    frames=tuple(rep.frames),
                    test_id=nodeid or None,
                    outcome="error",
                    exception=rep.exception,
                    raw="\n".join(rep.raw),
                )
            continue
        if kind == "SessionFinish":
            for t in tests.values():
                yield _finish(t)
            tests.clear()
            continue
        if kind != "TestReport" or not nodeid:
            continue
        found = tests.get(nodeid)
        t = found if found is not None else tests.setdefault(nodeid, _Test(nodeid))
        outcome, when = d.get("outcome"), _s(d.get("when"))
        if "wasxfail" in d:
            t.xfail = outcome == "skipped"
        if outcome == "failed" and t.failed_when is None:
            t.failed_when, t.longrepr = when or "call", d.get("longrepr")
        elif outcome == "skipped":
            t.skipped = True
        elif outcome == "rerun":
            t.reruns += 1
            t.rerun = True
            if t.first_rerun is None:
                t.first_rerun = d.get("longrepr")
        if when == "teardown":
            if t.rerun:
                t.next_attempt()
            else:
                yield _finish(tests.pop(nodeid))
    for t in tests.values():  # a truncated log: tests whose teardown never came
        yield _finish(t)


def sniff_reportlog(head: str) -> float:
    if '"$report_type"' in head and head.lstrip().startswith("{"):
        return 1.0
    return 0.0


FORMAT = FailureFormat(
    name="pytest-reportlog",
    description="pytest --report-log JSON lines (pytest-reportlog)",
    sniff=sniff_reportlog,
    parse=parse_reportlog,
    aliases=("reportlog", "report-log"),
)

__all__ = ["FORMAT", "parse_reportlog", "read_longrepr"]
