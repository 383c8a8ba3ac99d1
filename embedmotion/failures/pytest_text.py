"""pytest's terminal output: failure sections, the short summary, verbose lines.

What is read from a plain ``pytest`` run (any ``--tb`` style, ``-v``, ``-rA``)::

    ____________________ TestAccount.test_deposit_zero _____________________   <- a section
        def test_deposit_zero(self, account):
    >       account.deposit(0)
    tests/test_money.py:44:                                                   <- long-style entry
    _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
    ...
    E           ValueError: deposit must be positive, got 0                   <- the message
    ledger/money.py:30: ValueError                                            <- the crash site
    ======================== short test summary info =========================
    FAILED tests/test_money.py::TestAccount::test_deposit_zero - ValueError: ...
    tests/test_money.py::test_parse_amount PASSED                  [  6%]    <- -v lines

Each failing test becomes one Failure whose frames are the traceback entries
(chained exceptions included, the cause first) and whose message is the ``E``
lines of the exception that escaped.  Sections are named by the test's
"head" (``TestAccount.test_deposit_zero``), not its node id; the node id comes
from the short summary line when there is one, otherwise it is derived from
the test file (the first entry of the traceback).  ``ERROR collecting`` and
``ERROR at setup of`` sections become ``kind="error"`` failures.  Tests shown
passing (``-v``, ``-rA``) are recorded for flakiness detection; a test that
needed reruns (pytest-rerunfailures' ``RERUN``) and then passed is ``flaky``.

The log is read line by line; only the sections not yet matched with a
summary line are held (at most :data:`MAX_PENDING` of them).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Frame, Location, is_project_path
from .tracebacks import (
    CHAIN_MARKERS,
    EXC_RE,
    looks_like_exception,
    read_python_traceback,
)

#: Sections held while waiting for their summary line; older ones are emitted as they are.
MAX_PENDING = 2000
_MAX_SECTION_LINES = 5000

_SESSION_RE = re.compile(r"^=+ test session starts =+$")
_HEADER_RE = re.compile(r"^={3,} (?P<title>.+?) ={3,}$")
_STATS_RE = re.compile(
    r"\b(?:\d+ (?:failed|passed|errors?|skipped|deselected|xfailed|xpassed|warnings?|rerun))|no tests ran"
)
_SECTION_RE = re.compile(r"^_{3,} (?P<title>.+?) _{3,}$")
_ENTRY_SEP_RE = re.compile(r"^(?:_ ){5,}_?\s*$")
_CAPTURED_RE = re.compile(r"^-{3,} (?:Captured |generated ).*-{3,}$")
_LOC_RE = re.compile(
    r"^(?P<path>(?=[^\s:]*[./\\])(?:[A-Za-z]:)?[^\s:][^\s:]*?):(?P<line>\d+)(?::(?: (?P<rest>.*))?)?$"
)
_FILE_LINE_RE = re.compile(r"^file (?P<path>.+), line (?P<line>\d+)$")
_DEF_RE = re.compile(r"^(?P<indent>\s*)(?:>\s*)?(?:async\s+)?def\s+(?P<name>\w+)")
_SUMMARY_RE = re.compile(
    r"^(?P<outcome>FAILED|ERROR|PASSED|SKIPPED|XFAIL|XPASS|RERUN)(?: \[\d+\])? (?P<rest>\S.*)$"
)
_VERBOSE_RE = re.compile(
    r"^(?P<nodeid>[^\s\[]+::\S+?(?:\[[^\]]*\])?) (?P<outcome>PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS|RERUN)\b"
)
_XDIST_RE = re.compile(
    r"^\[gw\d+\] (?:\[\s*\d+%\] )?(?P<outcome>PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS|RERUN) (?P<nodeid>\S+)"
)


# ---------------------------------------------------------------------------- long reprs
@dataclass
class LongRepr:
    """What a pytest failure report says: frames, message, exception, crash site."""

    frames: list[Frame] = field(default_factory=list)
    message: str = ""
    exception: str | None = None
    locations: list[Location] = field(default_factory=list)
    test_path: str | None = None  # the file of the outermost entry of the last chain


def dedent_e_lines(lines: list[str]) -> str:
    body = [x[1:] for x in lines]  # drop the "E"
    indents = [len(x) - len(x.lstrip()) for x in body if x.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(x[cut:].rstrip() for x in body).strip("\n")


def exception_of(message: str) -> str | None:
    first = message.split("\n", 1)[0].strip()
    m = EXC_RE.match(first)
    if (
        m
        and looks_like_exception(m.group("type"))
        and (m.group("msg") is not None or first == m.group("type"))
    ):
        return m.group("type")
    if first.startswith("assert ") or first == "assert":
        return "AssertionError"
    return None


def footer_frame(path: str, line: int, block: list[str]) -> Frame:
    func: str | None = None
    best_indent = 10**9
    text: str | None = None
    seen_e = False
    for b in block:
        dm = _DEF_RE.match(b) if "def " in b else None
        if dm and len(dm.group("indent")) < best_indent:
            best_indent = len(dm.group("indent"))
            func = dm.group("name")
        if b.startswith("E"):
            seen_e = True
        elif b.startswith(">") and text is None and not seen_e:
            text = b[1:].strip()
    return Frame(path, line, func, text, is_project_path(path))


def parse_pytest_longrepr(lines: Sequence[str]) -> LongRepr:
    """Read a pytest failure report body (``--tb=long``, ``short`` or ``native``)."""
    out = LongRepr()
    body: list[str] = []
    native = False
    for line in lines:
        if line[:3] == "---" and _CAPTURED_RE.match(line):
            break
        if line[:1] == "T" and line.startswith("Traceback (most recent call last):"):
            native = True
        body.append(line)
    if native:
        tb = read_python_traceback(body)
        out.frames = tb.frames
        out.message, out.exception = tb.message, tb.exception
        if tb.location is not None:
            out.locations = [tb.location]
        return out
    chains: list[tuple[int, list[str], list[str | None]]] = [(0, [], [None])]
    block: list[str] = []
    short: int | None = None  # index of a short-style frame still waiting for its text
    fixture_loc: Location | None = None
    for line in body:
        first = line[:1]
        if first == " " or not first:  # source lines, the bulk of a report
            block.append(line)
            if (
                short is not None
                and line.startswith("    ")
                and not set(line.strip()) <= {"^", "~", ""}
            ):
                f = out.frames[short]
                out.frames[short] = Frame(f.path, f.line, f.function, line.strip(), f.is_project)
                short = None
            continue
        if first in "TD" and line.strip() in CHAIN_MARKERS:
            chains.append((len(out.frames), [], [None]))
            block, short = [], None
            continue
        if first == "_" and _ENTRY_SEP_RE.match(line):
            block, short = [], None
            continue
        if line[:1] == "E" and (len(line) == 1 or line[1].isspace()):
            chains[-1][1].append(line)
            block.append(line)
            continue
        m = _LOC_RE.match(line)
        if m:
            path, number, rest = (
                m.group("path"),
                int(m.group("line")),
                (m.group("rest") or "").strip(),
            )
            if rest.startswith("in "):
                out.frames.append(
                    Frame(path, number, rest[3:].strip() or None, None, is_project_path(path))
                )
                short = len(out.frames) - 1
            else:
                out.frames.append(footer_frame(path, number, block))
                short = None
                if rest and looks_like_exception(rest.split()[0]):
                    chains[-1][2][0] = rest.split()[0]
            block = []
            continue
        fm = _FILE_LINE_RE.match(line) if first == "f" else None
        if fm:
            fixture_loc = Location(fm.group("path"), int(fm.group("line")))
            continue
        block.append(line)
    start, e_lines, footer_exc = chains[-1]
    if not e_lines:  # e.g. a truncated report: take the last chain that has a message
        for c in reversed(chains):
            if c[1]:
                e_lines = c[1]
                break
    out.message = dedent_e_lines(e_lines) if e_lines else ""
    out.exception = exception_of(out.message) or footer_exc[0]
    last_chain = out.frames[start:]
    if last_chain:
        out.test_path = last_chain[0].path
        out.locations = [Location(last_chain[-1].path, last_chain[-1].line)]
    elif out.frames:
        out.locations = [Location(out.frames[-1].path, out.frames[-1].line)]
    if fixture_loc is not None:
        if not out.locations:
            out.locations = [fixture_loc]
        out.test_path = out.test_path or fixture_loc.path
    return out


# ---------------------------------------------------------------------------- node ids
def head_of(nodeid: str) -> str:
    """The section title pytest prints for a node id: ``a.py::C::t[x]`` -> ``C.t[x]``."""
    if "::" not in nodeid:
        return nodeid
    domain = nodeid.split("::", 1)[1]
    name, bracket, param = domain.partition("[")
    return name.replace("::", ".") + bracket + param


def nodeid_from_head(head: str, path: str | None) -> str:
    """The node id a section title most likely stands for (``C.t[x]`` in ``a.py`` -> ``a.py::C::t[x]``)."""
    name, bracket, param = head.partition("[")
    domain = name.replace(".", "::") + bracket + param
    return f"{path}::{domain}" if path else domain


def kind_for(outcome: str, message: str) -> str:
    if outcome == "error":
        return "error"
    if "Timeout" in message.split("\n", 1)[0]:
        return "timeout"
    return "test-failure"


def result_record(tool: str, test_id: str, outcome: str) -> Failure:
    """A passed/skipped test record (``kind="test-result"``)."""
    return Failure(
        tool=tool,
        kind="test-result",
        message=outcome,
        severity="info",
        test_id=test_id,
        outcome=outcome,
    )


# ---------------------------------------------------------------------------- the log
@dataclass
class _Section:
    title: str
    key: str
    outcome: str
    collection_path: str | None
    lines: list[str] = field(default_factory=list)
    text: str = ""  # the lines, joined while the section waits for its summary line

    def pack(self) -> None:
        if self.lines:
            self.text = "\n".join(self.lines)
            self.lines = []

    def body(self) -> list[str]:
        if self.lines:
            return self.lines
        return self.text.split("\n") if self.text else []

    def failure(self, test_id: str | None, rootdir: str | None = None) -> Failure:
        lines = self.body()
        rep = parse_pytest_longrepr(lines)
        if test_id is None:
            path = rep.test_path
            if path and rootdir and path.startswith(rootdir.rstrip("/") + "/"):
                path = path[len(rootdir.rstrip("/")) + 1 :]
            test_id = self.collection_path or nodeid_from_head(self.key, path)
        message = rep.message or (lines[0].strip() if lines else self.title)
        return Failure(
            tool="pytest",
            kind=kind_for(self.outcome, message),
            message=message,
            locations=tuple(rep.locations),
            frames=tuple(rep.frames),
            test_id=test_id,
            outcome=self.outcome,
            exception=rep.exception,
            raw="\n".join([f"___ {self.title} ___", *lines]).rstrip(),
        )


def _new_section(title: str, header: str | None) -> _Section:
    outcome = "error" if header == "errors" or title.startswith("ERROR ") else "failed"
    if title.startswith("ERROR collecting "):
        path = title[len("ERROR collecting ") :].strip()
        return _Section(title, path, "error", path)
    for prefix in ("ERROR at setup of ", "ERROR at teardown of ", "ERROR at call of "):
        if title.startswith(prefix):
            return _Section(title, title[len(prefix) :].strip(), "error", None)
    return _Section(title, title.strip(), outcome, None)


class _Seen:
    """A set of strings that stores only their hashes (a long log names many tests)."""

    __slots__ = ("_hashes",)

    def __init__(self) -> None:
        self._hashes: set[int] = set()

    def add(self, item: str) -> None:
        self._hashes.add(hash(item))

    def __contains__(self, item: str) -> bool:
        return hash(item) in self._hashes


class _PytestState:
    def __init__(self) -> None:
        self.pending: OrderedDict[int, _Section] = OrderedDict()
        self.serial = 0
        self.emitted = _Seen()
        self.results = _Seen()
        self.verbose_failed: dict[str, str] = {}
        self.reruns: dict[str, int] = {}
        self.evicted = _Seen()  # heads of sections emitted before their summary line came
        self.by_key: dict[str, list[int]] = {}
        self.rootdir: str | None = None  # from the "rootdir: ..." header line

    def hold(self, section: _Section) -> Iterator[Failure]:
        section.pack()
        self.serial += 1
        self.pending[self.serial] = section
        self.by_key.setdefault(section.key, []).append(self.serial)
        while len(self.pending) > MAX_PENDING:
            serial, old = self.pending.popitem(last=False)
            self._unindex(old.key, serial)
            self.evicted.add(old.key)
            yield from self.emit(old.failure(None, self.rootdir), remember=False)

    def _unindex(self, key: str, serial: int) -> None:
        serials = self.by_key.get(key)
        if serials is not None:
            serials.remove(serial)
            if not serials:
                del self.by_key[key]

    def pop(self, serial: int) -> _Section:
        section = self.pending.pop(serial)
        self._unindex(section.key, serial)
        return section

    def emit(self, failure: Failure, *, remember: bool = True) -> Iterator[Failure]:
        """Yield ``failure`` unless its test was reported already.

        Sections evicted before their summary line are remembered by head in
        ``evicted`` instead (``remember=False``): one hash per failure is all a
        long log costs.
        """
        if failure.test_id is not None:
            if failure.test_id in self.emitted:
                return
            if remember:
                self.emitted.add(failure.test_id)
        yield failure

    def take(self, nodeid: str) -> _Section | None:
        found = self.by_key.get(head_of(nodeid), []) + self.by_key.get(nodeid, [])
        if not found:
            return None
        if len(found) > 1:  # the same test name in several files: prefer the one naming the file
            path = nodeid.split("::", 1)[0]
            for serial in found:
                if path in self.pending[serial].text:
                    return self.pop(serial)
        return self.pop(found[0])

    def summary(self, outcome: str, rest: str) -> Iterator[Failure]:
        nodeid, _, message = rest.partition(" - ")
        nodeid = nodeid.strip()
        if outcome in ("FAILED", "ERROR"):
            out = "failed" if outcome == "FAILED" else "error"
            sec = self.take(nodeid)
            if sec is not None:
                if out == "error":
                    sec.outcome = "error"
                yield from self.emit(sec.failure(nodeid), remember=False)
            elif nodeid not in self.emitted and head_of(nodeid) not in self.evicted:
                yield from self.emit(_summary_failure(nodeid, out, message.strip()))
            self.verbose_failed.pop(nodeid, None)
        elif outcome in ("PASSED", "XPASS"):
            yield from self.passed(nodeid)
        elif outcome in ("SKIPPED", "XFAIL") and "::" in nodeid:
            yield from self.result(nodeid, "skipped")
        elif outcome == "RERUN":
            self.reruns[nodeid] = self.reruns.get(nodeid, 0) + 1

    def passed(self, nodeid: str) -> Iterator[Failure]:
        if nodeid in self.emitted:  # already reported flaky (a -v line, then the summary)
            return
        reruns = self.reruns.pop(nodeid, 0)
        if reruns and nodeid not in self.emitted:
            self.emitted.add(nodeid)
            yield Failure(
                tool="pytest",
                kind="flaky",
                message=f"passed after {reruns} rerun{'s' if reruns > 1 else ''}",
                severity="warning",
                test_id=nodeid,
                outcome="flaky",
                passes=1,
                failures=reruns,
                raw="\n".join([f"{nodeid} RERUN"] * reruns + [f"{nodeid} PASSED"]),
            )
            return
        yield from self.result(nodeid, "passed")

    def result(self, nodeid: str, outcome: str) -> Iterator[Failure]:
        if nodeid not in self.results:
            self.results.add(nodeid)
            yield result_record("pytest", nodeid, outcome)

    def verbose(self, nodeid: str, outcome: str) -> Iterator[Failure]:
        if outcome in ("PASSED", "XPASS"):
            yield from self.passed(nodeid)
        elif outcome in ("SKIPPED", "XFAIL"):
            yield from self.result(nodeid, "skipped")
        elif outcome == "RERUN":
            self.reruns[nodeid] = self.reruns.get(nodeid, 0) + 1
        elif nodeid not in self.emitted:
            self.verbose_failed[nodeid] = "failed" if outcome == "FAILED" else "error"

    def flush(self) -> Iterator[Failure]:
        """The end of a session: emit what the summary did not claim."""
        while self.pending:
            _, sec = self.pending.popitem(last=False)
            yield from self.emit(sec.failure(None, self.rootdir))
        self.by_key.clear()
        for nodeid, outcome in self.verbose_failed.items():
            if nodeid not in self.emitted and head_of(nodeid) not in self.evicted:
                yield from self.emit(_summary_failure(nodeid, outcome, ""))
        self.verbose_failed.clear()
        self.reruns.clear()


def _summary_failure(nodeid: str, outcome: str, message: str) -> Failure:
    text = message or ("test failed" if outcome == "failed" else "test errored")
    return Failure(
        tool="pytest",
        kind=kind_for(outcome, text),
        message=text,
        test_id=nodeid,
        outcome=outcome,
        exception=exception_of(text),
        raw=f"{'FAILED' if outcome == 'failed' else 'ERROR'} {nodeid}"
        + (f" - {message}" if message else ""),
    )


def parse_pytest_log(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every failure, error, pass and skip in a pytest terminal log."""
    state = _PytestState()
    header: str | None = None
    section: _Section | None = None
    for line in source.lines(ctx.warn):
        first = line[:1]
        if section is not None and first not in ("=", "_"):
            if len(section.lines) < _MAX_SECTION_LINES:
                section.lines.append(line)
            continue
        if first == "=" and _SESSION_RE.match(line):
            if section is not None:
                yield from state.hold(section)
                section = None
            yield from state.flush()
            state = _PytestState()
            header = None
            continue
        if first == "r" and line.startswith("rootdir: "):
            state.rootdir = line[len("rootdir: ") :].split(",", 1)[0].strip()
            continue
        hm = _HEADER_RE.match(line) if first == "=" else None
        if hm:
            if section is not None:
                yield from state.hold(section)
                section = None
            title = hm.group("title").strip()
            upper = title.upper()
            if upper == "FAILURES":
                header = "failures"
            elif upper == "ERRORS":
                header = "errors"
            elif upper == "PASSES":
                header = "passes"
            elif upper == "SHORT TEST SUMMARY INFO":
                header = "summary"
            elif _STATS_RE.search(title) and " in " in title:
                yield from state.flush()
                header = None
            else:
                header = "other"
            continue
        sm = _SECTION_RE.match(line) if first == "_" else None
        if sm and header in ("failures", "errors", None):
            if section is not None:
                yield from state.hold(section)
            section = _new_section(sm.group("title").strip(), header)
            continue
        if section is not None:
            if len(section.lines) < _MAX_SECTION_LINES:
                section.lines.append(line)
            continue
        if header in ("passes", "other") and sm:
            continue
        su = _SUMMARY_RE.match(line)
        if su and (header == "summary" or "::" in su.group("rest").split(" - ", 1)[0]):
            yield from state.summary(su.group("outcome"), su.group("rest"))
            continue
        vm = _VERBOSE_RE.match(line) or _XDIST_RE.match(line)
        if vm:
            yield from state.verbose(vm.group("nodeid"), vm.group("outcome"))
    if section is not None:
        yield from state.hold(section)
    yield from state.flush()


def sniff_pytest(head: str) -> float:
    score = 0.0
    if re.search(r"^=+ test session starts =+$", head, re.M):
        score += 0.6
    if re.search(r"^=+ (?:short test summary info|FAILURES|ERRORS) =+$", head, re.M):
        score += 0.4
    if re.search(r"^(?:FAILED|ERROR) \S+::\S+", head, re.M):
        score += 0.3
    if re.search(r"^\S+::\S+ (?:PASSED|FAILED|ERROR|SKIPPED)\b", head, re.M):
        score += 0.3
    if re.search(r"^_{3,} .+ _{3,}$", head, re.M) and re.search(r"^E {3}", head, re.M):
        score += 0.3
    return min(score, 1.0)


FORMAT = FailureFormat(
    name="pytest",
    description="pytest terminal output (failure sections, short summary, -v/-rA lines)",
    sniff=sniff_pytest,
    parse=parse_pytest_log,
)

__all__ = [
    "FORMAT",
    "LongRepr",
    "parse_pytest_longrepr",
    "parse_pytest_log",
    "head_of",
    "nodeid_from_head",
    "result_record",
]
