"""``go test`` output, plain (with or without ``-v``) and ``-json``.

Plain output::

    --- FAIL: TestMean (0.00s)
        --- FAIL: TestMean/empty (0.00s)
            shapes_test.go:29: Mean([]) failed: empty input
    FAIL	example.com/ledger/shapes	0.004s

With ``-v`` the log lines come *before* the ``--- FAIL`` line, after
``=== RUN``; both orders are read.  A failing test becomes one Failure whose
message is its log output with the ``file.go:N:`` prefixes moved into
``locations``; a parent test that failed only because a subtest did is not
repeated.  A panic (``panic: ...`` and the goroutine trace) is attached to the
test that was running, with the panicking goroutine's frames; ``panic: test
timed out`` makes it a ``timeout``.  Build failures (``# pkg`` followed by
``file.go:L:C: message`` lines) become ``compile-error`` failures.  Test ids
are ``<import path>::<test name>`` (``example.com/ledger/shapes::TestMean/empty``).

``go test -json`` is the same information as events
(``{"Action": "fail", "Package": ..., "Test": ...}``); its ``output`` events
are read with the plain-text reader.  Lines that are not JSON (Go writes build
errors to stderr as text) are read as plain ``go test`` output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ._source import FailureFormat, LogSource, ParseContext
from ._stacks import go_frames
from .model import Failure, Location
from .pytest_text import result_record

_RESULT_RE = re.compile(
    r"^(?P<indent>\s*)--- (?P<result>FAIL|PASS|SKIP): (?P<name>\S+) \([\d.]+s\)\s*$"
)
_RUN_RE = re.compile(r"^=== (?:RUN|CONT|PAUSE|NAME)\s+(?P<name>\S+)\s*$")
_PKG_RE = re.compile(r"^(?P<status>ok|FAIL|\?)\s+(?P<pkg>\S+)(?:\s+(?P<rest>.*))?$")
_BUILD_HEADER_RE = re.compile(r"^# (?P<pkg>\S+)(?: \[.*\])?$")
_BUILD_ERR_RE = re.compile(
    r"^(?P<path>[^\s:][^:]*\.go):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.+)$"
)
_LOG_RE = re.compile(r"^\s*(?P<path>[\w./-]+\.go):(?P<line>\d+): ?(?P<msg>.*)$")
_PANIC_RE = re.compile(r"^panic: (?P<msg>.*?)(?: \[recovered\])?$")
_FATAL_RE = re.compile(r"^fatal error: (?P<msg>.*)$")
_MAX_TEST_LINES = 2000


@dataclass
class _Test:
    name: str
    lines: list[str] = field(default_factory=list)
    result: str | None = None

    def add(self, line: str) -> None:
        if len(self.lines) < _MAX_TEST_LINES:
            self.lines.append(line)


class GoTestReader:
    """Plain ``go test`` output, line by line; failures come out package by package."""

    def __init__(self) -> None:
        self.tests: dict[str, _Test] = {}
        self.current: _Test | None = None
        self.build_pkg: str | None = None
        self.build: list[Failure] = []
        self.panic_lines: list[str] | None = None

    def feed(self, line: str) -> Iterator[Failure]:
        if self.panic_lines is not None:
            if _PKG_RE.match(line) and not line.startswith("\t"):
                self._attach_panic()
            else:
                self.panic_lines.append(line)
                if len(self.panic_lines) > _MAX_TEST_LINES:
                    self._attach_panic()
                return
        bh = _BUILD_HEADER_RE.match(line)
        if bh:
            self.build_pkg = bh.group("pkg")
            return
        pm = _PKG_RE.match(line)
        if pm:
            yield from self.end_package(pm.group("pkg"), pm.group("status"), pm.group("rest") or "")
            return
        if self.build_pkg is not None:
            be = _BUILD_ERR_RE.match(line)
            if be:
                col = be.group("col")
                self.build.append(
                    Failure(
                        tool="go",
                        kind="compile-error",
                        message=be.group("msg").strip(),
                        locations=(
                            Location(
                                be.group("path"), int(be.group("line")), int(col) if col else None
                            ),
                        ),
                        raw=line,
                    )
                )
                return
            if line.strip() and not line.startswith(("\t", " ")):
                self.build_pkg = None
        rm = _RUN_RE.match(line)
        if rm:
            self.current = self._test(rm.group("name"))
            return
        res = _RESULT_RE.match(line)
        if res:
            t = self._test(res.group("name"))
            t.result = res.group("result")
            self.current = t
            return
        if _PANIC_RE.match(line) or _FATAL_RE.match(line):
            self.panic_lines = [line]
            return
        if self.current is not None and line.strip() and line not in ("FAIL", "PASS"):
            self.current.add(line)

    def _test(self, name: str) -> _Test:
        t = self.tests.get(name)
        if t is None:
            t = self.tests[name] = _Test(name)
        return t

    def _attach_panic(self) -> None:
        lines, self.panic_lines = self.panic_lines or [], None
        target = self.current
        if target is None:
            target = self._test("")
        target.lines.extend(lines)
        if target.result is None:
            target.result = "FAIL"

    def end_package(self, pkg: str, status: str, rest: str) -> Iterator[Failure]:
        """The ``ok``/``FAIL`` line of a package: emit its tests."""
        if self.panic_lines is not None:
            self._attach_panic()
        yield from self.build
        built_failed = bool(self.build)
        self.build = []
        self.build_pkg = None
        failed_names = {n for n, t in self.tests.items() if t.result == "FAIL"}
        for name, t in self.tests.items():
            test_id = f"{pkg}::{name}" if name else pkg
            if t.result == "PASS":
                yield result_record("go", test_id, "passed")
            elif t.result == "SKIP":
                yield result_record("go", test_id, "skipped")
            elif t.result == "FAIL":
                own = [x for x in t.lines if not _RESULT_RE.match(x)]
                has_failed_child = (
                    any(n.startswith(name + "/") for n in failed_names) if name else False
                )
                if has_failed_child and not own:
                    continue
                yield test_failure(test_id, own)
        if (
            status == "FAIL"
            and not failed_names
            and not built_failed
            and "[build failed]" not in rest
        ):
            pending = [x for t in self.tests.values() for x in t.lines]
            yield Failure(
                tool="go",
                kind="error",
                message=f"package {pkg} failed" + (f": {rest.strip()}" if rest.strip() else ""),
                test_id=pkg,
                outcome="error",
                raw="\n".join(pending).strip(),
            )
        self.tests = {}
        self.current = None

    def close(self) -> Iterator[Failure]:
        """End of the log: emit what a missing package line left behind."""
        if self.tests or self.build or self.panic_lines is not None:
            yield from self.end_package("", "", "")


def test_failure(test_id: str, lines: list[str]) -> Failure:
    """A Failure from the output lines of one failed Go test."""
    messages: list[str] = []
    locations: list[Location] = []
    panic_at = next(
        (i for i, x in enumerate(lines) if _PANIC_RE.match(x) or _FATAL_RE.match(x)), None
    )
    log_lines = lines if panic_at is None else lines[:panic_at]
    for line in log_lines:
        m = _LOG_RE.match(line)
        if m:
            locations.append(Location(m.group("path"), int(m.group("line"))))
            messages.append(m.group("msg"))
        elif line.strip():
            messages.append(line.strip())
    frames = go_frames(lines[panic_at:]) if panic_at is not None else []
    kind, exception = "test-failure", None
    if panic_at is not None:
        first = lines[panic_at]
        pm = _PANIC_RE.match(first)
        text = pm.group("msg") if pm else first
        exception = "panic" if pm else "fatal error"
        messages.append(f"{exception}: {text}")
        if "test timed out" in text:
            kind = "timeout"
        elif not pm:
            kind = "crash"
        deepest = next((f for f in reversed(frames) if f.is_project), None)
        if deepest is not None:
            locations.insert(0, Location(deepest.path, deepest.line))
    return Failure(
        tool="go",
        kind=kind,
        message="\n".join(messages).strip() or "test failed",
        locations=tuple(locations),
        frames=tuple(frames),
        test_id=test_id,
        outcome="failed",
        exception=exception,
        raw="\n".join(lines).rstrip(),
    )


def parse_go_test(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Failures, passes and skips in plain ``go test`` output."""
    reader = GoTestReader()
    for line in source.lines(ctx.warn):
        yield from reader.feed(line)
    yield from reader.close()


# ------------------------------------------------------------------------------- -json
class _JsonPackage:
    __slots__ = ("tests", "output", "failed_tests")

    def __init__(self) -> None:
        self.tests: dict[str, list[str]] = {}
        self.output: list[str] = []
        self.failed_tests: set[str] = set()


def parse_go_test_json(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Failures, passes and skips in ``go test -json`` events."""
    packages: dict[str, _JsonPackage] = {}
    text_reader = GoTestReader()
    for number, line in enumerate(source.lines(ctx.warn), 1):
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            yield from text_reader.feed(line)
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            ctx.warn(f"line {number}: not a JSON event; skipped")
            continue
        if not isinstance(ev, dict):
            continue
        action, pkg, test = ev.get("Action"), ev.get("Package"), ev.get("Test")
        if action == "build-output" and isinstance(ev.get("Output"), str):  # go >= 1.24
            yield from text_reader.feed(ev["Output"].rstrip("\n"))
            continue
        if action == "build-fail" and isinstance(ev.get("ImportPath"), str):
            yield from text_reader.end_package(ev["ImportPath"], "FAIL", "[build failed]")
            continue
        if not isinstance(action, str) or not isinstance(pkg, str):
            continue
        p = packages.setdefault(pkg, _JsonPackage())
        if action == "output":
            out = ev.get("Output")
            if not isinstance(out, str):
                continue
            if isinstance(test, str):
                buf = p.tests.setdefault(test, [])
                if len(buf) < _MAX_TEST_LINES:
                    buf.append(out.rstrip("\n"))
            elif len(p.output) < _MAX_TEST_LINES:
                p.output.append(out.rstrip("\n"))
            continue
        if action in ("pass", "fail", "skip") and isinstance(test, str):
            lines = p.tests.pop(test, [])
            test_id = f"{pkg}::{test}"
            if action == "pass":
                yield result_record("go", test_id, "passed")
            elif action == "skip":
                yield result_record("go", test_id, "skipped")
            else:
                p.failed_tests.add(test)
                own = [x for x in lines if not _RESULT_RE.match(x) and not _RUN_RE.match(x)]
                if not own and any(t.startswith(test + "/") for t in p.failed_tests):
                    continue
                yield test_failure(test_id, own)
            continue
        if action in ("pass", "fail", "skip") and test is None:
            if action == "fail" and not p.failed_tests and not ev.get("FailedBuild"):
                body = [
                    x
                    for x in p.output
                    if not _PKG_RE.match(x) and x.strip() not in ("FAIL", "PASS")
                ]
                yield Failure(
                    tool="go",
                    kind="error",
                    message=next((x.strip() for x in body if x.strip()), f"package {pkg} failed"),
                    test_id=pkg,
                    outcome="error",
                    raw="\n".join(body),
                )
            packages.pop(pkg, None)
    yield from text_reader.close()
    for pkg, p in packages.items():  # truncated: tests that started but never finished
        for test, lines in p.tests.items():
            if any(_PANIC_RE.match(x) for x in lines):
                yield test_failure(f"{pkg}::{test}", lines)


def sniff_go_test(head: str) -> float:
    score = 0.0
    if re.search(r"^\s*--- (?:FAIL|PASS): \S+ \([\d.]+s\)", head, re.M):
        score += 0.6
    if re.search(r"^=== RUN\s+Test", head, re.M):
        score += 0.3
    if re.search(r"^(?:FAIL|ok)\s+\S+\s+(?:[\d.]+s|\(cached\)|\[build failed\])", head, re.M):
        score += 0.4
    if re.search(r"^# \S+.*\n\S+\.go:\d+:\d+: ", head, re.M):
        score += 0.5
    return min(score, 0.95)


def sniff_go_test_json(head: str) -> float:
    if re.search(r'^\{.*"Action"\s*:\s*"\w+".*"Package"\s*:', head, re.M):
        return 1.0  # build errors may come first, as plain text
    return 0.0


FORMAT = FailureFormat(
    name="go-test",
    description="go test output, plain or -v (failures, panics, build errors)",
    sniff=sniff_go_test,
    parse=parse_go_test,
    aliases=("go", "gotest"),
)
JSON_FORMAT = FailureFormat(
    name="go-test-json",
    description="go test -json events",
    sniff=sniff_go_test_json,
    parse=parse_go_test_json,
    aliases=("gotest-json", "go-json"),
)

__all__ = [
    "FORMAT",
    "JSON_FORMAT",
    "GoTestReader",
    "parse_go_test",
    "parse_go_test_json",
    "test_failure",
]
