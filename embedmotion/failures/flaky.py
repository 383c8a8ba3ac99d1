"""Flaky tests: the ones that both pass and fail across several runs of the same suite.

Give :func:`detect_flaky` the reports of several runs -- in any mix of formats::

    runs = [parse_failures(p) for p in ("run1.xml", "run2.jsonl", "run3.txt")]
    for f in detect_flaky(runs):
        print(f.test_id, f"failed {f.failures} of {f.passes + f.failures} runs")

Test ids are compared in their :func:`~embedmotion.failures.model.canonical_test_id`
spelling, so ``tests/test_x.py::TestA::test_b`` (pytest),
``tests.test_x.TestA.test_b`` (unittest, JUnit) are the same test.  A run
counts once per test: as a failure when the test failed or errored, as a pass
when the log shows it passing.  Formats that do not list passing tests (plain
``pytest`` without ``-v``/``-rA``, ``unittest`` without ``-v``) can only show a
test failing, so mix them with ones that do (JUnit XML, report-log, ``go test
-json``, ``cargo test``).  Tests that were flaky within one run (a rerun
plugin's ``flaky`` records) add their counts.

Each flaky test comes back as one Failure of kind ``"flaky"`` with ``passes``
and ``failures`` set, carrying the message, locations and frames of one of its
failures (so it can be blamed like any other failure), most often failing first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import check_param
from .model import Failure, FailureReport, canonical_test_id


@dataclass
class _Stats:
    test_id: str
    passes: int = 0
    failures: int = 0
    example: Failure | None = None


def _run_records(
    run: FailureReport | Sequence[Failure],
) -> tuple[set[str], dict[str, Failure], list[Failure], dict[str, str]]:
    passed: set[str] = set()
    failed: dict[str, Failure] = {}
    flaky: list[Failure] = []
    names: dict[str, str] = {}
    if isinstance(run, FailureReport):
        records: Sequence[Failure] = run.failures
        for test_id in run.passed:
            key = canonical_test_id(test_id)
            passed.add(key)
            names.setdefault(key, test_id)
    else:
        records = run
    for f in records:
        if not isinstance(f, Failure):
            check_param(
                False,
                "reports",
                "detect_flaky",
                "a list of FailureReport or of lists of Failure",
                f,
            )
        if not f.test_id:
            continue
        key = canonical_test_id(f.test_id)
        if f.outcome == "passed":
            passed.add(key)
            names.setdefault(key, f.test_id)
        elif f.kind == "flaky":
            flaky.append(f)
            names[key] = f.test_id
        elif f.outcome in ("failed", "error"):
            failed.setdefault(key, f)
            names[key] = f.test_id
    return passed, failed, flaky, names


def detect_flaky(reports: Sequence[FailureReport | Sequence[Failure]]) -> list[Failure]:
    """Tests with mixed outcomes across ``reports`` (several runs), as ``flaky`` Failures.

    Sorted by how often they failed (most first), then by test id.
    """
    check_param(
        isinstance(reports, (list, tuple)),
        "reports",
        "detect_flaky",
        "a list of FailureReport (or of lists of Failure), one per run",
        type(reports).__name__,
    )
    stats: dict[str, _Stats] = {}
    for run in reports:
        check_param(
            isinstance(run, (FailureReport, list, tuple)),
            "reports",
            "detect_flaky",
            "a list of FailureReport (or of lists of Failure), one per run",
            type(run).__name__,
        )
        passed, failed, flaky, names = _run_records(run)
        for key in passed | set(failed):
            s = stats.get(key)
            if s is None:
                s = stats[key] = _Stats(names.get(key, key))
            if key in failed:
                s.failures += 1
                if s.example is None:
                    s.example = failed[key]
                    s.test_id = names.get(key, s.test_id)
            else:
                s.passes += 1
        for f in flaky:
            key = canonical_test_id(f.test_id or "")
            s = stats.get(key)
            if s is None:
                s = stats[key] = _Stats(f.test_id or key)
            s.passes += f.passes
            s.failures += f.failures
            if s.example is None:
                s.example = f
    out: list[Failure] = []
    for s in stats.values():
        if s.passes and s.failures:
            ex = s.example
            runs = s.passes + s.failures
            first = ex.message.split("\n", 1)[0] if ex is not None and ex.kind != "flaky" else ""
            out.append(
                Failure(
                    tool=ex.tool if ex is not None else "tests",
                    kind="flaky",
                    message=f"failed {s.failures} of {runs} runs" + (f": {first}" if first else ""),
                    severity="warning",
                    locations=ex.locations if ex is not None else (),
                    frames=ex.frames if ex is not None else (),
                    test_id=s.test_id,
                    outcome="flaky",
                    exception=ex.exception if ex is not None else None,
                    raw=ex.raw if ex is not None else "",
                    passes=s.passes,
                    failures=s.failures,
                )
            )
    out.sort(key=lambda f: (-f.failures / max(f.passes + f.failures, 1), f.test_id or ""))
    return out


__all__ = ["detect_flaky"]
