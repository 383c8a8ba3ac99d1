"""unittest's output (``python -m unittest``, ``-v``, Django's test runner).

Each problem is a block between separator lines::

    ======================================================================
    ERROR: test_convert (tests.test_legacy.AccountTest.test_convert)
    ----------------------------------------------------------------------
    Traceback (most recent call last):
      File "/src/tests/test_legacy.py", line 20, in test_convert
        ...
    KeyError: 'EUR'

``FAIL:`` blocks become ``test-failure`` failures, ``ERROR:`` blocks ``error``
ones (an ``ERROR`` for ``unittest.loader._FailedTest`` is a module that could
not be imported).  The test id is the dotted id unittest prints in brackets
(``tests.test_legacy.AccountTest.test_convert``, older Pythons print
``test_convert (tests.test_legacy.AccountTest)``: the same id is built); a
subtest's parameters are appended in brackets: ``...test_split[parts=3]``.
With ``-v`` the ``... ok`` / ``... skipped`` lines record passing and skipped
tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure
from .pytest_text import result_record
from .tracebacks import read_python_traceback

_EQ_RE = re.compile(r"^={50,}$")
_DASH_RE = re.compile(r"^-{50,}$")
_TITLE_RE = re.compile(
    r"^(?P<kind>FAIL|ERROR|UNEXPECTED SUCCESS): (?P<name>\S+) \((?P<where>[^()]*)\)(?: \((?P<params>.*)\))?\s*$"
)
_VERBOSE_RE = re.compile(
    r"^\s*(?P<name>\w+) \((?P<where>[\w.]+)\)(?: \((?P<params>.*)\))?"
    r"(?: \.\.\. (?P<result>.*))?$"
)
_RESULT_RE = re.compile(
    r"(?:^|\.\.\. )(?P<result>ok|FAIL|ERROR|skipped\b.*|expected failure|unexpected success)$"
)
_RAN_RE = re.compile(r"^Ran \d+ tests? in ")
_MAX_BLOCK_LINES = 5000


def unittest_id(name: str, where: str, params: str | None = None) -> str:
    """The dotted id of a test from what unittest prints: ``name (where) (params)``."""
    if where.startswith("unittest.loader._FailedTest"):
        base = name
    elif where.endswith("." + name) or where == name:
        base = where
    else:
        base = f"{where}.{name}"
    return f"{base}[{params}]" if params else base


class _Block:
    __slots__ = ("title", "kind", "test_id", "lines")

    def __init__(self, title: str, kind: str, test_id: str) -> None:
        self.title, self.kind, self.test_id = title, kind, test_id
        self.lines: list[str] = []

    def failure(self) -> Failure:
        tb = read_python_traceback(self.lines)
        outcome = "failed" if self.kind in ("FAIL", "UNEXPECTED SUCCESS") else "error"
        if self.kind == "UNEXPECTED SUCCESS":
            message = "unexpected success"
        else:
            message = tb.message or next((x.strip() for x in self.lines if x.strip()), self.title)
        loc = tb.location
        return Failure(
            tool="unittest",
            kind="test-failure" if outcome == "failed" else "error",
            message=message,
            locations=() if loc is None else (loc,),
            frames=tuple(tb.frames),
            test_id=self.test_id,
            outcome=outcome,
            exception=tb.exception,
            raw="\n".join([self.title, *self.lines]).rstrip(),
        )


def parse_unittest_log(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every FAIL/ERROR block of a unittest log, and the -v results."""
    block: _Block | None = None
    after_title = False
    pending: str | None = None  # a -v line whose result has not been printed yet
    seen: set[str] = set()
    for line in source.lines(ctx.warn):
        if _EQ_RE.match(line):
            if block is not None:
                yield block.failure()
                block = None
            continue
        tm = _TITLE_RE.match(line)
        if tm:
            if block is not None:
                yield block.failure()
            test_id = unittest_id(tm.group("name"), tm.group("where"), tm.group("params"))
            block = _Block(line, tm.group("kind"), test_id)
            after_title = True
            continue
        if block is not None:
            if after_title and _DASH_RE.match(line):
                after_title = False
                continue
            after_title = False
            if _DASH_RE.match(line) or _RAN_RE.match(line):
                yield block.failure()
                block = None
                continue
            if len(block.lines) < _MAX_BLOCK_LINES:
                block.lines.append(line)
            continue
        vm = _VERBOSE_RE.match(line)
        if vm:
            test_id = unittest_id(vm.group("name"), vm.group("where"), vm.group("params"))
            result = vm.group("result")
            if result is None or not result.strip():
                pending = test_id
                continue
            yield from _verbose_result(test_id, result.strip(), seen)
            pending = None
            continue
        if pending is not None:
            rm = _RESULT_RE.search(line.strip())
            if rm:
                yield from _verbose_result(pending, rm.group("result"), seen)
                pending = None
    if block is not None:
        yield block.failure()


def _verbose_result(test_id: str, result: str, seen: set[str]) -> Iterator[Failure]:
    if test_id in seen:
        return
    if result == "ok":
        seen.add(test_id)
        yield result_record("unittest", test_id, "passed")
    elif result.startswith("skipped") or result == "expected failure":
        seen.add(test_id)
        yield result_record("unittest", test_id, "skipped")


def sniff_unittest(head: str) -> float:
    score = 0.0
    if re.search(r"^(?:FAIL|ERROR): \S+ \([\w.]+\)", head, re.M):
        score += 0.6
    if re.search(r"^Ran \d+ tests? in [\d.]+s", head, re.M):
        score += 0.4
    if re.search(r"^\w+ \([\w.]+\) \.\.\. (?:ok|FAIL|ERROR)", head, re.M):
        score += 0.4
    if re.search(r"^(?:OK|FAILED \((?:failures|errors)=)", head, re.M):
        score += 0.1
    return min(score, 0.95)


FORMAT = FailureFormat(
    name="unittest",
    description="Python unittest output (FAIL:/ERROR: blocks, -v result lines)",
    sniff=sniff_unittest,
    parse=parse_unittest_log,
)

__all__ = ["FORMAT", "parse_unittest_log", "unittest_id"]
