"""Failure parsing, format sniffing, flakiness and blame on real captured tool output.

The logs under tests/fixtures/failures/ were produced by running pytest, unittest, go test,
cargo, rustc, gcc, ruff, mypy, eslint, jest and node on the small failing projects in
tests/fixtures/failures/project/ (see the README there).  Each log has the parse result it
must give next to it (``<log>.expected.json``); ``EMBEDMOTION_REGEN_FIXTURES=1`` rewrites
those (read the diff before committing it).
"""

from __future__ import annotations

import io
import json
import os
import random
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedmotion.errors import EmbedmotionError, InputError, UsageError
from embedmotion.failures import (
    FORMATS,
    Failure,
    FailureReport,
    Frame,
    Location,
    LogSource,
    ParseContext,
    SourceTree,
    blame,
    canonical_test_id,
    detect_flaky,
    detect_format,
    iter_failures,
    parse_failures,
    pytest_text,
)
from embedmotion.failures.model import is_project_path
from embedmotion.parsing import parse_tree

FIXTURES = Path(__file__).parent / "fixtures" / "failures"
PROJECT = FIXTURES / "project"
REGEN = os.environ.get("EMBEDMOTION_REGEN_FIXTURES") == "1"
LOG_DIRS = (
    "pytest",
    "reportlog",
    "junit",
    "unittest",
    "traceback",
    "go",
    "cargo",
    "rustc",
    "gcc",
    "sarif",
    "ruff",
    "mypy",
    "eslint",
)
LOGS = sorted(
    p
    for d in LOG_DIRS
    for p in (FIXTURES / d).iterdir()
    if p.is_file() and not p.name.endswith(".expected.json")
)


def _snapshot(report: FailureReport) -> dict[str, Any]:
    d = report.to_dict()
    d.pop("source")
    for f in d["failures"]:
        f.pop("raw")
    return json.loads(json.dumps(d))


# ----------------------------------------------------------------------------- parsing
@pytest.mark.parametrize("log", LOGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parse_matches_expected(log: Path) -> None:
    report = parse_failures(log)
    got = _snapshot(report)
    expected_path = log.with_name(log.name + ".expected.json")
    if REGEN:
        expected_path.write_text(
            json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected
    assert detect_format(log) == expected["format"]
    assert report.failures, "every fixture log holds at least one failure"
    for f in report.failures:
        assert f.raw.strip(), f"{f.summary()} has no raw text"
        assert f.is_problem


def test_pytest_formats_agree() -> None:
    """The same run read from the terminal, the report log and JUnit XML gives the same failures."""

    def key(report: FailureReport) -> dict[str, tuple[str, str, str | None, tuple[str, ...]]]:
        out = {}
        for f in report.failures:
            frames = tuple(f"{Path(fr.path).name}:{fr.line}" for fr in f.frames)
            out[canonical_test_id(f.test_id or "")] = (f.kind, f.message, f.exception, frames)
        return out

    text = parse_failures(FIXTURES / "pytest" / "verbose-rA.txt")
    log = parse_failures(FIXTURES / "reportlog" / "run.jsonl")
    xml = parse_failures(FIXTURES / "junit" / "pytest.xml")
    assert key(text) == key(log) == key(xml)
    assert {canonical_test_id(t) for t in text.passed} == {canonical_test_id(t) for t in xml.passed}
    assert len(text.failures) == 11 and len(text.passed) == 5 and len(text.skipped) == 1


def test_pytest_failure_details() -> None:
    report = parse_failures(FIXTURES / "pytest" / "plain.txt")
    by_id = {f.test_id: f for f in report.failures}
    chained = by_id["tests/test_report.py::test_convert_bad_rates"]
    assert chained.exception == "ledger.report.ReportError"
    assert chained.message == "ledger.report.ReportError: bad rates for bob"
    assert [(Path(f.path).name, f.line, f.function) for f in chained.frames if f.is_project] == [
        ("report.py", 18, "convert"),
        ("money.py", 20, "load_rates"),
        ("test_report.py", 14, "test_convert_bad_rates"),
        ("report.py", 20, "convert"),
    ]
    assert chained.deepest_frame == Frame(
        "ledger/report.py",
        20,
        "convert",
        'raise ReportError(f"bad rates for {account.owner}") from exc',
    )
    collect = by_id["tests/test_broken.py"]
    assert (collect.kind, collect.outcome) == ("error", "error")
    setup = by_id["tests/test_money.py::TestAccount::test_needs_db"]
    assert setup.message == "fixture 'database' not found" and setup.kind == "error"


def test_chained_and_grouped_tracebacks() -> None:
    chained = parse_failures(FIXTURES / "traceback" / "chained.txt").failures
    assert len(chained) == 1
    assert chained[0].message == "ledger.report.ReportError: bad rates for ops"
    assert [f.function for f in chained[0].frames][:2] == ["convert", "load_rates"]
    assert chained[0].frames[-1].function == "convert" and chained[0].frames[-1].line == 20
    group = parse_failures(FIXTURES / "traceback" / "exception-group.txt").failures[0]
    assert group.exception == "ExceptionGroup"
    assert group.message.splitlines()[1:] == [
        "  ValueError: invalid literal for int() with base 10: 'x'",
        "  ValueError: deposit must be positive, got 0",
    ]
    log = parse_failures(FIXTURES / "traceback" / "server-log.txt").failures
    assert [f.kind for f in log] == ["exception", "crash"]
    assert log[1].deepest_frame is not None and log[1].deepest_frame.function == "crash"


def test_go_and_cargo_details() -> None:
    go_report = parse_failures(FIXTURES / "go" / "test-v.txt")
    go = {f.test_id: f for f in go_report.failures if f.test_id}
    assert "example.com/ledger/shapes::TestMean" not in go  # only its failing subtest is reported
    assert go["example.com/ledger/shapes::TestMean/empty"].locations[0] == Location(
        "shapes_test.go", 30
    )
    nth = go["example.com/ledger/index::TestNth"]
    assert nth.exception == "panic" and nth.deepest_frame is not None
    assert nth.deepest_frame.path.endswith("index/index.go")
    (build,) = [f for f in go_report.failures if f.kind == "compile-error"]
    assert (
        build.location == Location("broken/broken.go", 8, 9) and build.message == "undefined: summ"
    )
    cargo = {
        f.test_id: f for f in parse_failures(FIXTURES / "cargo" / "test-backtrace.txt").failures
    }
    ledger_last = cargo["tests::empty_ledger_last"]
    assert ledger_last.message == "attempt to subtract with overflow"
    assert (
        ledger_last.deepest_frame is not None
        and ledger_last.deepest_frame.function == "ledger_core::Ledger::last"
    )
    old = parse_failures(FIXTURES / "cargo" / "old-panic-format.txt").failures[0]
    assert old.locations[0] == Location("src/lib.rs", 5, 9)
    assert old.message.startswith("assertion failed: `(left == right)`")


def test_diagnostics_details() -> None:
    gcc = parse_failures(FIXTURES / "gcc" / "gcc.txt").failures
    conv = next(f for f in gcc if f.rule == "-Wint-conversion")
    assert conv.locations[1].path == "stack.h" and (conv.locations[1].message or "").startswith(
        "note:"
    )
    sarif = parse_failures(FIXTURES / "sarif" / "gcc.sarif").failures

    def where(f: Failure) -> tuple[str | None, str, int | None, int | None]:
        loc = f.location or Location("")
        return (f.rule, loc.path, loc.line, loc.column)

    assert [where(f) for f in sarif] == [where(f) for f in gcc[:5]]
    analyzer = parse_failures(FIXTURES / "sarif" / "analyzer.sarif").failures
    assert analyzer[0].message == "'parse_amount' parses 'text' without validating it"
    assert [f.severity for f in analyzer] == [
        "error",
        "warning",
        "note",
    ]  # rule defaults, spec default
    text = parse_failures(FIXTURES / "mypy" / "plain.txt").failures
    js = parse_failures(FIXTURES / "mypy" / "mypy.jsonl").failures
    assert sorted(
        (f.location.path, f.location.line, f.rule, f.message) for f in text if f.location
    ) == sorted((f.location.path, f.location.line, f.rule, f.message) for f in js if f.location)
    pretty = parse_failures(FIXTURES / "mypy" / "pretty.txt").failures
    assert {f.rule for f in pretty} == {
        "no-any-return",
        "operator",
        "union-attr",
        "return-value",
        "no-untyped-def",
        "assignment",
    }
    rust = parse_failures(FIXTURES / "rustc" / "cargo-build.jsonl").failures
    assert rust[0].location == Location("src/report.rs", 6, 22, 6, 38)
    human = parse_failures(FIXTURES / "cargo" / "build-errors.txt").failures
    assert [(f.rule, f.location.line if f.location else None) for f in human] == [
        (f.rule, f.location.line if f.location else None) for f in rust
    ]


def test_flaky_within_one_run() -> None:
    text = parse_failures(FIXTURES / "pytest" / "rerunfailures.txt").failures
    log = parse_failures(FIXTURES / "reportlog" / "rerunfailures.jsonl").failures
    (flaky,) = [f for f in text if f.kind == "flaky"]
    assert (flaky.test_id, flaky.passes, flaky.failures) == (
        "tests/test_money.py::test_sometimes",
        1,
        1,
    )
    assert [(f.kind, f.passes, f.failures) for f in log] == [("flaky", 1, 2)]
    surefire = parse_failures(FIXTURES / "junit" / "surefire.xml").failures
    assert [(f.kind, f.test_id) for f in surefire if f.kind == "flaky"] == [
        ("flaky", "com.acme.CalcTest.labelsNull")
    ]


# ------------------------------------------------------------------------------ flaky
def test_detect_flaky_across_formats() -> None:
    runs = [
        parse_failures(FIXTURES / "flaky" / name) for name in ("run1.jsonl", "run2.xml", "run3.txt")
    ]
    assert [r.format for r in runs] == ["pytest-reportlog", "junit", "pytest"]
    (flaky,) = detect_flaky(runs)
    assert flaky.kind == flaky.outcome == "flaky"
    assert canonical_test_id(flaky.test_id or "") == "tests.test_money.test_sometimes"
    assert (flaky.passes, flaky.failures) == (1, 2)
    assert flaky.message.startswith("failed 2 of 3 runs: assert ")
    assert flaky.location == Location("tests/test_money.py", 31)

    go_runs = [
        parse_failures(FIXTURES / "flaky" / n)
        for n in ("go-run1.jsonl", "go-run2.jsonl", "go-run3.txt")
    ]
    (go,) = detect_flaky(go_runs)
    assert (go.test_id, go.passes, go.failures) == ("example.com/ledger/shapes::TestLucky", 2, 1)
    # lists of Failure records work too, and consistent failures are not flaky
    assert detect_flaky([list(iter_failures(FIXTURES / "flaky" / "run1.jsonl"))] * 3) == []


def test_detect_flaky_rejects_bad_input() -> None:
    with pytest.raises(UsageError, match="'reports' parameter of detect_flaky"):
        detect_flaky("run1.jsonl")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ blame
BLAME_CASES = [
    (
        "pytest/plain.txt",
        "tests/test_money.py::test_parse_many[abc]",
        "python/tests/test_money.py::test_parse_many",
        "python/ledger/money.py::parse_amount",
    ),
    (
        "pytest/plain.txt",
        "tests/test_money.py::TestAccount::test_deposit_zero",
        "python/tests/test_money.py::TestAccount.test_deposit_zero",
        "python/ledger/money.py::Account.deposit",
    ),
    (
        "pytest/plain.txt",
        "tests/test_money.py::test_load_rates_bad_json",
        "python/tests/test_money.py::test_load_rates_bad_json",
        "python/ledger/money.py::load_rates",
    ),
    (
        "pytest/tb-native.txt",
        "tests/test_report.py::test_convert_bad_rates",
        "python/tests/test_report.py::test_convert_bad_rates",
        "python/ledger/report.py::convert",
    ),
    (
        "unittest/plain.txt",
        "tests.test_legacy.AccountTest.test_convert_garbage",
        "python/tests/test_legacy.py::AccountTest.test_convert_garbage",
        "python/ledger/report.py::convert",
    ),
    (
        "cargo/test-backtrace.txt",
        "tests::empty_ledger_last",
        "rust/src/lib.rs::tests.empty_ledger_last",
        "rust/src/lib.rs::Ledger.last",
    ),
    (
        "cargo/test.txt",
        "split_then_parse",
        "rust/tests/roundtrip.rs::split_then_parse",
        "rust/tests/roundtrip.rs::split_then_parse",
    ),
    (
        "go/test.jsonl",
        "example.com/ledger/index::TestNth",
        "go/index/index_test.go::TestNth",
        "go/index/index.go::Nth",
    ),
    (
        "go/test.jsonl",
        "example.com/ledger/shapes::TestMean/empty",
        "go/shapes/shapes_test.go::TestMean",
        "go/shapes/shapes_test.go::TestMean",
    ),
    (
        "junit/surefire.xml",
        "com.acme.CalcTest.dividesByZero",
        "java/src/test/java/com/acme/CalcTest.java::CalcTest.dividesByZero",
        "java/src/main/java/com/acme/Calc.java::Calc.divide",
    ),
    (
        "junit/jest.xml",
        "checkout refuses when broke",
        "js/wallet.spec.js::checkout > refuses when broke",
        "js/wallet.js::checkout",
    ),
    (
        "junit/node.xml",
        "test.rejects empty items",
        "js/cart.test.js::Cart > rejects empty items",
        "js/cart.js::Cart.add",
    ),
]
DIAGNOSTIC_CASES = [
    ("gcc/gcc.txt", "-Wparentheses", "c/stack.c::stack_push"),
    ("gcc/gcc.txt", "-Wint-conversion", "c/main.c::main"),
    ("sarif/clang.sarif", "1093", "c/report.cpp::Report.count"),
    ("rustc/cargo-build.jsonl", "E0308", "rust/src/report.rs::render"),
    ("mypy/mypy.jsonl", "union-attr", "python/ledger/typed.py::owner_upper"),
    ("ruff/ruff.json", "E711", "python/ledger/style.py::check"),
    ("eslint/eslint.json", "eqeqeq", "js/wallet.js::unusedHelper"),
    ("traceback/chained.txt", None, "python/ledger/report.py::convert"),
]


@pytest.fixture(scope="module")
def blames() -> dict[str, list[Any]]:
    files = {c[0] for c in BLAME_CASES} | {c[0] for c in DIAGNOSTIC_CASES}
    return {name: blame(parse_failures(FIXTURES / name).failures, PROJECT) for name in files}


@pytest.mark.parametrize(
    ("log", "test_id", "test_ref", "blamed_ref"), BLAME_CASES, ids=[c[1] for c in BLAME_CASES]
)
def test_blame_tests(
    blames: dict[str, list[Any]], log: str, test_id: str, test_ref: str, blamed_ref: str
) -> None:
    (b,) = [b for b in blames[log] if b.failure.test_id == test_id]
    assert b.test_fragment is not None and b.test_fragment.ref == test_ref, b.reason
    assert b.blamed_fragment is not None and b.blamed_fragment.ref == blamed_ref, b.reason
    assert b.site is not None and b.site.path == b.blamed_fragment.path


@pytest.mark.parametrize(
    ("log", "rule", "blamed_ref"),
    DIAGNOSTIC_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in DIAGNOSTIC_CASES],
)
def test_blame_diagnostics(
    blames: dict[str, list[Any]], log: str, rule: str | None, blamed_ref: str
) -> None:
    b = next(b for b in blames[log] if b.failure.rule == rule)
    assert b.test_fragment is None
    assert b.blamed_fragment is not None and b.blamed_fragment.ref == blamed_ref, b.reason


def test_blame_explains_misses_and_uses_given_fragments() -> None:
    failures = parse_failures(FIXTURES / "ruff" / "ruff.json").failures
    unused = next(b for b in blame(failures, PROJECT) if b.failure.rule == "F401")
    assert unused.blamed_fragment is None and "outside any function or class" in unused.reason
    foreign = Failure(
        tool="python", kind="exception", message="boom", frames=(Frame("/elsewhere/nothing.py", 3),)
    )
    (miss,) = blame([foreign], PROJECT)
    assert miss.blamed_fragment is None and "is in the source tree" in miss.reason
    frags = parse_tree(PROJECT / "python").fragments
    report = parse_failures(FIXTURES / "pytest" / "plain.txt")
    given = blame(report.failures, PROJECT / "python", fragments=frags)
    parsed = blame(report.failures, PROJECT / "python")
    assert [(b.test_fragment, b.blamed_fragment) for b in given] == [
        (b.test_fragment, b.blamed_fragment) for b in parsed
    ]
    assert (
        json.loads(json.dumps(given[0].to_dict()))["blamed_fragment"]
        == "tests/test_money.py::test_parse_amount_one_decimal"
    )
    with pytest.raises(InputError, match="not a directory"):
        blame(report.failures, FIXTURES / "nowhere")


def test_path_resolution() -> None:
    tree = SourceTree(PROJECT)
    assert tree.resolve("/tmp/emcap/project/python/ledger/money.py") == "python/ledger/money.py"
    assert tree.resolve(str(PROJECT.resolve() / "c" / "stack.c")) == "c/stack.c"
    assert tree.resolve("./c/stack.c") == "c/stack.c"
    assert tree.resolve("com/acme/Calc.java") == "java/src/main/java/com/acme/Calc.java"
    assert tree.resolve("__init__.py") is None  # ambiguous: ledger/ and tests/ both have one
    assert tree.resolve("shapes_test.go") == "go/shapes/shapes_test.go"
    assert tree.resolve("/usr/lib/python3.11/json/decoder.py") is None
    assert tree.resolve("/venv/lib/python3.11/site-packages/ledger/money.py") is None
    assert not is_project_path("node:internal/test_runner/test") and is_project_path(
        "src/internal/a.go"
    )


# ------------------------------------------------------------------------- robustness
def test_noise_is_stripped() -> None:
    """ANSI colours, CRLF line ends and CI timestamps do not change what is parsed."""
    plain = (FIXTURES / "pytest" / "plain.txt").read_text(encoding="utf-8")
    noisy = "".join(
        f"2024-05-01T12:00:{i % 60:02d}.1234567Z \x1b[31m{line.rstrip()}\x1b[0m\r\n"
        for i, line in enumerate(plain.splitlines())
    )
    assert _snapshot(parse_failures(noisy)) == _snapshot(parse_failures(plain))
    colour = parse_failures(FIXTURES / "pytest" / "color.txt")
    assert [f.test_id for f in colour.failures] == [
        "tests/test_report.py::test_convert_bad_rates",
        "tests/test_report.py::test_summary_not_account",
    ]


def test_truncated_and_interleaved_logs() -> None:
    lines = (
        (FIXTURES / "pytest" / "plain.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    )
    half = parse_failures("".join(lines[: len(lines) // 2]), format="pytest")
    assert 0 < len(half.failures) < 11
    cut_xml = (FIXTURES / "junit" / "pytest.xml").read_text(encoding="utf-8")[:5000]
    salvaged = parse_failures(cut_xml)
    assert salvaged.failures and any("not well-formed" in w for w in salvaged.warnings)
    cut_json = (FIXTURES / "ruff" / "ruff.json").read_text(encoding="utf-8")[:1500]
    partial = parse_failures(cut_json, format="ruff")
    assert len(partial.failures) == 2 and partial.warnings
    # two processes writing to one log: each traceback is still found whole
    a = (FIXTURES / "traceback" / "chained.txt").read_text(encoding="utf-8")
    b = (FIXTURES / "traceback" / "server-log.txt").read_text(encoding="utf-8")
    mixed = parse_failures(b + "\n" + a, format="python-traceback").failures
    assert [f.kind for f in mixed] == ["exception", "crash", "exception"]


def test_sources_and_input_errors(tmp_path: Path) -> None:
    log = FIXTURES / "unittest" / "plain.txt"
    expected = _snapshot(parse_failures(log))
    with open(log, "rb") as fb:
        assert _snapshot(parse_failures(fb)) == expected
    with open(log, encoding="utf-8") as ft:
        assert _snapshot(parse_failures(ft)) == expected
    assert _snapshot(parse_failures(log.read_bytes())) == expected
    assert _snapshot(parse_failures(str(log))) == expected
    assert detect_format(io.StringIO(log.read_text(encoding="utf-8"))) == "unittest"
    with pytest.raises(
        InputError,
        match="(?i)could not recognise the format of .*supported formats: pytest-reportlog",
    ):
        parse_failures("hello\nthis is not a test log\n")
    with pytest.raises(InputError, match="no such file"):
        parse_failures(tmp_path / "missing.log")
    with pytest.raises(InputError, match="no such file"):
        parse_failures("missing-report.xml")
    with pytest.raises(InputError, match="is a directory"):
        parse_failures(tmp_path)
    with pytest.raises(UsageError, match="'format' parameter of parse_failures"):
        parse_failures(log, format="nosuch")
    empty = tmp_path / "empty.log"
    empty.write_text("")
    assert parse_failures(empty).failures == [] and parse_failures(empty).warnings
    assert parse_failures(log, format="UNITTEST").format == "unittest"
    assert parse_failures(FIXTURES / "junit" / "jest.xml", format="junitxml").format == "junit"
    with pytest.raises(EmbedmotionError, match="not JUnit XML"):
        parse_failures("<html><body>no</body></html>", format="junit")


def test_model_round_trip_and_stable_ids() -> None:
    report = parse_failures(FIXTURES / "pytest" / "verbose-rA.txt")
    again = FailureReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.failures == report.failures
    assert [f.id for f in again.failures] == [f.id for f in report.failures]
    # the same failures in another run of the suite have the same ids
    other = {f.test_id: f.id for f in parse_failures(FIXTURES / "flaky" / "run3.txt").failures}
    for f in report.failures:
        if f.test_id != "tests/test_money.py::test_sometimes":
            assert other[f.test_id] == f.id
    f = report.failures[0]
    assert f.replace(message="changed").id != f.id
    assert f.summary().startswith("tests/test_broken.py:1: [pytest]")


def _big_pytest_log(path: Path, sections: int) -> int:
    """A pytest log made of the real run's failure sections under fresh test names."""
    body = (FIXTURES / "pytest" / "plain.txt").read_text(encoding="utf-8").splitlines()
    start = (
        body.index(
            "=================================== FAILURES ==================================="
        )
        + 1
    )
    end = next(i for i, x in enumerate(body) if "short test summary info" in x)
    block = body[start:end]
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(body[0] + "\ncollected many items\n\n" + body[start - 1] + "\n")
        while n < sections:
            for line in block:
                if line.startswith("____") and line.endswith("____"):
                    n += 1
                    line = f"____________________ test_case_{n} ____________________"
                out.write(line + "\n")
        out.write("=== short test summary info ===\n")
        for i in range(1, n + 1, 7):
            out.write(f"FAILED tests/test_gen.py::test_case_{i} - AssertionError\n")
        out.write(f"=== {n} failed in 1.00s ===\n")
    return n


def test_streaming_keeps_memory_flat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A log read from a path is never held whole: memory does not grow with its size.

    What is held is the read buffer and the sections still waiting for their summary
    line (at most MAX_PENDING; lowered here so that a small log shows the plateau).
    """
    monkeypatch.setattr(pytest_text, "MAX_PENDING", 100)
    peaks, sizes = [], []
    for sections in (500, 2000):
        path = tmp_path / f"big{sections}.log"
        n = _big_pytest_log(path, sections)
        tracemalloc.start()
        count = sum(1 for f in iter_failures(path) if f.is_problem)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        sizes.append(path.stat().st_size)
        assert count == n
    assert sizes[1] > 2_000_000 and sizes[1] > 3.5 * sizes[0]
    # a fixed read buffer, and a few dozen bytes per failing test: far less than the log grows
    assert peaks[1] - peaks[0] < (sizes[1] - sizes[0]) / 5 and peaks[1] < 1.5 * peaks[0], (
        sizes,
        peaks,
    )


# ------------------------------------------------------------------------------ fuzzing
LOG_TEXTS = {p: p.read_bytes() for p in LOGS}
#: More examples for a deeper search: EMBEDMOTION_FUZZ_EXAMPLES=5000 pytest tests/test_failures.py -k fuzz
FUZZ_EXAMPLES = int(os.environ.get("EMBEDMOTION_FUZZ_EXAMPLES", "250"))
FORMAT_NAMES = sorted(FORMATS)


def _mutate(data: bytes, ops: list[tuple[str, int, int]], garbage: bytes) -> bytes:
    lines = data.splitlines(keepends=True) or [b""]
    for op, i, j in ops:
        i %= max(len(lines), 1)
        j %= max(len(lines), 1)
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: j % (len(lines[-1]) + 1)]
        elif op == "garbage":
            lines.insert(i, garbage)
        elif op == "shuffle":
            random.Random(i).shuffle(lines)
    return b"".join(lines)


def _drain(fmt: str | None, data: bytes) -> None:
    try:
        if fmt is None:
            parse_failures(data)
        else:
            for record in FORMATS[fmt].parse(LogSource(data), ParseContext()):
                assert isinstance(record, Failure)
    except EmbedmotionError:
        pass


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    log=st.sampled_from(LOGS),
    ops=st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "swap", "truncate", "garbage", "shuffle"]),
            st.integers(0, 10**6),
            st.integers(0, 10**6),
        ),
        max_size=6,
    ),
    garbage=st.binary(max_size=40),
    fmt=st.one_of(st.none(), st.sampled_from(FORMAT_NAMES)),
)
def test_fuzzed_logs_never_crash(
    log: Path, ops: list[tuple[str, int, int]], garbage: bytes, fmt: str | None
) -> None:
    """Every parser, fed a mutated log, returns failures or raises an EmbedmotionError."""
    _drain(fmt, _mutate(LOG_TEXTS[log], ops, garbage))


JSON_KEYS = [
    "runs",
    "results",
    "tool",
    "driver",
    "rules",
    "locations",
    "physicalLocation",
    "artifactLocation",
    "region",
    "startLine",
    "startColumn",
    "message",
    "text",
    "ruleId",
    "ruleIndex",
    "level",
    "kind",
    "arguments",
    "id",
    "messageStrings",
    "stacks",
    "frames",
    "location",
    "artifacts",
    "index",
    "uri",
    "relatedLocations",
    "filePath",
    "messages",
    "severity",
    "line",
    "column",
    "endLine",
    "fatal",
    "file",
    "code",
    "hint",
    "filename",
    "end_location",
    "row",
    "spans",
    "file_name",
    "is_primary",
    "children",
    "reason",
    "$message_type",
    "Action",
    "Package",
    "Test",
    "Output",
    "$report_type",
    "nodeid",
    "outcome",
    "longrepr",
    "reprcrash",
    "reprtraceback",
    "reprentries",
    "chain",
    "data",
    "lines",
    "reprfileloc",
    "path",
    "lineno",
    "when",
    "caret",
    "finish",
    "version",
    "line_start",
]
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**6),
    st.floats(allow_nan=False),
    st.text(alphabet="ab0 .:/_-[]{}()<>\"'\\\néλ\x00", max_size=12),
    st.sampled_from(
        [
            "error",
            "warning",
            "2.1.0",
            "fail",
            "failed",
            "call",
            "teardown",
            "TestReport",
            "diagnostic",
        ]
    ),
)
JSON_VALUES = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(JSON_KEYS), inner, max_size=6)
    ),
    max_leaves=25,
)


@settings(
    max_examples=FUZZ_EXAMPLES * 2 // 3,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(doc=JSON_VALUES, lines=st.lists(JSON_VALUES, max_size=4), fmt=st.sampled_from(FORMAT_NAMES))
def test_fuzzed_json_never_crashes(doc: Any, lines: list[Any], fmt: str) -> None:
    """JSON parsers given well-formed JSON of the wrong shape do not crash."""
    _drain(fmt, json.dumps(doc).encode())
    _drain(fmt, "\n".join(json.dumps(x) for x in lines).encode())
