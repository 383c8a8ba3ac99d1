"""JUnit XML from any tool, read with `junitparser <https://pypi.org/project/junitparser/>`_.

Maven Surefire, Gradle, pytest ``--junitxml``, Jest (jest-junit), Node's
``--test-reporter=junit``, go-junit-report and most CI tools write the same
shape::

    <testsuites>
      <testsuite name="com.acme.CalcTest" tests="3" failures="1">
        <testcase classname="com.acme.CalcTest" name="adds" time="0.01">
          <failure message="expected: &lt;4&gt; but was: &lt;5&gt;" type="AssertionError">
            java.lang.AssertionError: ... at com.acme.CalcTest.adds(CalcTest.java:14)
          </failure>
        </testcase>

Every ``<testcase>`` becomes one record: ``<failure>`` -> ``test-failure``,
``<error>`` -> ``error``, ``<skipped>`` -> skipped, none -> passed.  Surefire's
``<flakyFailure>``/``<flakyError>`` on a test that finally passed make it
``flaky``.  The test id is ``classname.name`` (just ``name`` when the classname
is empty or repeats the name, as jest-junit's does).  The text inside the
failure element is read for frames whatever language wrote it: pytest's
report, a Python, Java, JavaScript, Go or Rust stack trace.

A malformed file -- typically one cut short because the test run was killed --
is not given up on: the complete ``<testcase>`` elements before the damage are
kept (read incrementally by the standard library's XML parser and handed to
junitparser one by one) and a warning says where the file broke.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from junitparser import Attr, JUnitXml, TestCase, TestSuite
from junitparser.junitparser import Error as JError
from junitparser.junitparser import Failure as JFailure
from junitparser.junitparser import JUnitXmlError, Result
from junitparser.junitparser import Skipped as JSkipped

from ..errors import ParseError
from ._source import FailureFormat, LogSource, ParseContext
from ._stacks import extract_frames
from .model import Failure, Frame, Location
from .pytest_text import parse_pytest_longrepr, result_record
from .tracebacks import looks_like_exception

_GENERIC_MESSAGES = frozenset({"", "failed", "failure", "error", "test failed"})
_SOURCE_LOC_RE = re.compile(
    r"^\s*(?P<path>[\w./\\-]+\.[A-Za-z]\w*):(?P<line>\d+)(?::(?P<col>\d+))?: "
)
_PYTEST_HINT_RE = re.compile(r"^E {3}|^\S+\.py:\d+: ", re.M)


class _Case(TestCase):
    """A testcase with the ``file`` and ``line`` attributes some tools add."""

    file = Attr()
    line = Attr()


class _FlakyFailure(Result):
    _tag = "flakyFailure"  # type: ignore[assignment]


class _FlakyError(Result):
    _tag = "flakyError"  # type: ignore[assignment]


class _RerunFailure(Result):
    _tag = "rerunFailure"  # type: ignore[assignment]


class _RerunError(Result):
    _tag = "rerunError"  # type: ignore[assignment]


def _result_text(result: Result) -> str:
    text = result.text or ""
    if not text.strip():  # surefire puts the trace of flaky runs in <stackTrace>
        trace = result._elem.find("stackTrace")
        if trace is not None and trace.text:
            text = trace.text
    return text.strip("\n")


def _guess_tool(head: str) -> str:
    low = head[:4000].lower()
    if "surefire" in low:
        return "surefire"
    if 'name="pytest' in low:
        return "pytest"
    if "jest" in low:
        return "jest"
    if "go.version" in low:
        return "go"
    if "gradle" in low:
        return "gradle"
    return "junit"


def _exception_type(value: str | None) -> str | None:
    """The ``type`` attribute when it names an exception (node writes ``testCodeFailure`` there)."""
    return value if value and looks_like_exception(value.split()[0]) else None


def junit_test_id(classname: str | None, name: str | None) -> str:
    """``classname.name``, or ``name`` alone when the classname adds nothing."""
    cls, nm = (classname or "").strip(), (name or "").strip()
    if not cls or cls == nm or nm.startswith(cls + " "):
        return nm or cls
    if not nm:
        return cls
    return f"{cls}.{nm}"


def _read_body(text: str) -> tuple[list[Frame], list[Location], str | None, str]:
    """Frames, locations, exception and message found in a failure element's text."""
    lines = text.splitlines()
    if _PYTEST_HINT_RE.search(text):
        rep = parse_pytest_longrepr(lines)
        if rep.frames or rep.message:
            return rep.frames, rep.locations, rep.exception, rep.message
    frames = extract_frames(lines)
    locations: list[Location] = []
    deepest = next((f for f in reversed(frames) if f.is_project), None)
    if deepest is not None:
        locations.append(Location(deepest.path, deepest.line, deepest.column))
    else:
        for line in lines:
            m = _SOURCE_LOC_RE.match(line)
            if m:
                col = m.group("col")
                locations.append(
                    Location(m.group("path"), int(m.group("line")), int(col) if col else None)
                )
                break
    return frames, locations, None, ""


def _case_records(case: _Case, tool: str) -> Iterator[Failure]:
    test_id = junit_test_id(case.classname, case.name)
    results = case.result
    problems = [r for r in results if isinstance(r, (JFailure, JError))]
    if not problems:
        flaky = list(case.iterchildren(_FlakyFailure)) + list(case.iterchildren(_FlakyError))
        if flaky and not any(isinstance(r, JSkipped) for r in results):
            first = flaky[0]
            body = _result_text(first)
            frames, locations, exc, msg = _read_body(body)
            yield Failure(
                tool=tool,
                kind="flaky",
                message=f"passed on rerun; failed first with: {(first.message or msg or body).strip()}",
                severity="warning",
                locations=tuple(locations),
                frames=tuple(frames),
                test_id=test_id,
                outcome="flaky",
                exception=_exception_type(first.type) or exc,
                raw=body,
                passes=1,
                failures=len(flaky),
            )
            return
        outcome = "skipped" if any(isinstance(r, JSkipped) for r in results) else "passed"
        yield result_record(tool, test_id, outcome)
        return
    first = problems[0]
    outcome = "error" if isinstance(first, JError) else "failed"
    body = "\n\n".join(t for t in (_result_text(p) for p in problems) if t)
    frames, locations, exc, body_message = _read_body(body)
    message = body_message or (first.message or "").strip()  # pytest's E lines beat its attribute
    if message.lower() in _GENERIC_MESSAGES:
        first_line = next((x for x in body.splitlines() if x.strip()), "")
        loc = _SOURCE_LOC_RE.match(first_line)  # go-junit-report: "    x_test.go:12: message"
        message = (first_line[loc.end() :] if loc else first_line).strip() or message
    if not message:
        message = "test failed" if outcome == "failed" else "test errored"
    file_attr, line_attr = case.file, case.line
    if file_attr:
        line_no = int(line_attr) if line_attr and str(line_attr).isdigit() else None
        locations.insert(0, Location(file_attr, line_no))
    reruns = len(list(case.iterchildren(_RerunFailure))) + len(list(case.iterchildren(_RerunError)))
    lowered = message.lower()
    kind = "error" if outcome == "error" else "test-failure"
    if "timed out" in lowered or "timeout" in lowered:
        kind = "timeout"
    yield Failure(
        tool=tool,
        kind=kind,
        message=message,
        locations=tuple(locations),
        frames=tuple(frames),
        test_id=test_id,
        outcome=outcome,
        exception=_exception_type(first.type) or exc,
        raw=(
            f"{first.message}\n{body}" if first.message and first.message not in body else body
        ).strip(),
        failures=1 + reruns if reruns else 0,
    )


def _walk(suite: TestSuite, tool: str) -> Iterator[Failure]:
    for case in suite.iterchildren(_Case):
        yield from _case_records(case, tool)
    for sub in suite.testsuites():
        yield from _walk(sub, tool)


def _salvage(text: str, ctx: ParseContext, error: Exception) -> list[_Case]:
    """The complete <testcase> elements before the point where the XML breaks."""
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("end",))
    cases: list[_Case] = []
    try:
        parser.feed(text)
        parser.close()
    except ET.ParseError:
        pass
    try:
        for event in parser.read_events():
            elem = event[1] if isinstance(event, tuple) and len(event) == 2 else None
            if isinstance(elem, ET.Element) and elem.tag == "testcase":
                case = _Case.fromelem(elem)
                if case is not None:
                    cases.append(case)
    except ET.ParseError:
        pass
    ctx.warn(
        f"{ctx.name}: the XML is not well-formed ({error}); it may be truncated. "
        f"Kept the {len(cases)} complete test cases before the damage."
    )
    return cases


def parse_junit(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """One record per ``<testcase>`` of a JUnit XML document."""
    text = source.read_text()
    tool = _guess_tool(text)
    try:
        xml = JUnitXml.fromstring(text)
    except ET.ParseError as exc:
        cases = _salvage(text, ctx, exc)
        if not cases:
            raise ParseError(
                f"{ctx.name} is not well-formed JUnit XML ({exc}) and holds no complete test case.",
                fix="Check that the file is complete (a killed test run leaves it cut short).",
            ) from exc
        for case in cases:
            yield from _case_records(case, tool)
        return
    except (JUnitXmlError, ValueError) as exc:
        raise ParseError(
            f"{ctx.name} is XML but not JUnit XML: its root element is not <testsuites> or <testsuite>.",
            fix="Pass a JUnit report (e.g. pytest --junitxml, Maven Surefire's TEST-*.xml).",
        ) from exc
    for suite in xml:
        yield from _walk(suite, tool)


def sniff_junit(head: str) -> float:
    start = head.lstrip()[:2000]
    if not start.startswith("<"):
        return 0.0
    if "<testsuites" in start or "<testsuite" in start:
        return 0.95
    if "<testcase" in head:
        return 0.6
    return 0.0


FORMAT = FailureFormat(
    name="junit",
    description="JUnit XML (Surefire, Gradle, pytest --junitxml, jest-junit, node, go-junit-report)",
    sniff=sniff_junit,
    parse=parse_junit,
    streaming=False,
    aliases=("junitxml", "junit-xml", "xml", "surefire"),
)

__all__ = ["FORMAT", "parse_junit", "junit_test_id"]
