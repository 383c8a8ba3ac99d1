"""Failures: test reports, tracebacks and diagnostics as one :class:`Failure` type.

Every tool says "it broke" differently; this package reads them all into the
same record, finds flaky tests across runs, and ties failures to the code
fragments they are about::

    from embedmotion.failures import parse_failures, detect_flaky, blame

    report = parse_failures("pytest.log")          # the format is sniffed
    report.format                                  # 'pytest'
    for f in report.failures:
        print(f.summary())                         # 'ledger/money.py:11: [pytest] ValueError: ...'
        print(f.test_id, f.deepest_frame)          # 'tests/test_money.py::test_parse' 'ledger/money.py:11 in parse_amount'

    runs = [parse_failures(p) for p in ("run1.xml", "run2.xml", "run3.xml")]
    detect_flaky(runs)                             # tests that both passed and failed

    for b in blame(report.failures, "."):          # tree-sitter fragments of the source tree
        print(b.test_fragment.ref, b.blamed_fragment.ref, b.reason)

Supported formats (:data:`FORMATS`, ``format=`` names them when sniffing is
not wanted):

=====================  ==========================================================
``pytest``             terminal output (sections, short summary, ``-v``/``-rA``)
``pytest-reportlog``   ``--report-log`` JSON lines
``unittest``           ``python -m unittest`` (``-v``) output
``python-traceback``   bare tracebacks in any log (chained, groups, faulthandler)
``junit``              JUnit XML from any tool (via junitparser)
``go-test``            ``go test`` (``-v``) output; ``go-test-json``: ``go test -json``
``cargo-test``         ``cargo test`` output and rustc's human diagnostics
``rustc-json``         ``cargo build --message-format=json``, ``rustc --error-format=json``
``gcc``                gcc/clang text diagnostics; ``gcc-json``: ``-fdiagnostics-format=json``
``sarif``              SARIF 2.1.0 from any producer
``ruff-json``          ``ruff check --output-format=json``
``mypy``               mypy text output; ``mypy-json``: ``mypy -O json``
``eslint-json``        ``eslint -f json``
=====================  ==========================================================

Logs are read line by line (ANSI colours, ``\\r`` overwrites and CI
timestamps stripped) so that a huge log does not have to fit in memory;
truncated and garbled logs give what can be read, with warnings.  Anything
that cannot be read at all raises an :class:`~embedmotion.errors.EmbedmotionError`
that says why -- never a raw traceback.
"""

from __future__ import annotations

from ._source import FailureFormat, LogSource, ParseContext
from .blame import Blame, SourceTree, blame
from .detect import (
    FORMATS,
    detect_format,
    get_format,
    iter_failures,
    parse_failures,
    supported_formats,
)
from .flaky import detect_flaky
from .model import (
    KINDS,
    OUTCOMES,
    SEVERITIES,
    Failure,
    FailureReport,
    Frame,
    Location,
    canonical_test_id,
    is_project_path,
)

__all__ = [
    "Failure",
    "FailureReport",
    "Location",
    "Frame",
    "KINDS",
    "SEVERITIES",
    "OUTCOMES",
    "FORMATS",
    "FailureFormat",
    "LogSource",
    "ParseContext",
    "parse_failures",
    "iter_failures",
    "detect_format",
    "get_format",
    "supported_formats",
    "detect_flaky",
    "blame",
    "Blame",
    "SourceTree",
    "canonical_test_id",
    "is_project_path",
]
