"""Recognise a log's format and parse it: the entry points of :mod:`embedmotion.failures`.

:func:`parse_failures` takes a path, a string, bytes or an open file, sniffs
the format from the first 64 KiB (unless ``format=`` names it) and returns a
:class:`~embedmotion.failures.model.FailureReport`::

    >>> from embedmotion.failures import parse_failures
    >>> report = parse_failures('''\\
    ... Traceback (most recent call last):
    ...   File "app.py", line 3, in <module>
    ...     main()
    ... ZeroDivisionError: division by zero
    ... ''')
    >>> report.format, report.failures[0].message
    ('python-traceback', 'ZeroDivisionError: division by zero')

:func:`iter_failures` yields the same records one by one -- passed and skipped
test records included -- without keeping them: with a path, line-based
formats are read line by line, so the memory used does not grow with the log.
:func:`detect_format` only sniffs.  :data:`FORMATS` lists every format; each
has a few aliases (``junitxml``, ``clang``, ``ruff``, ``reportlog`` ...).

A log no format recognises raises :class:`~embedmotion.errors.InputError`
naming the supported formats; a malformed log never raises anything but an
:class:`~embedmotion.errors.EmbedmotionError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Union

from ..errors import EmbedmotionError, InputError, ParseError, UsageError
from . import (
    cargo,
    eslint,
    gcc,
    gotest,
    junit,
    mypy,
    pytest_text,
    reportlog,
    ruff,
    rustc,
    sarif,
    tracebacks,
    unittest_text,
)
from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, FailureReport

#: Every supported format, by name, in the order ties are broken when sniffing.
FORMATS: dict[str, FailureFormat] = {
    f.name: f
    for f in (
        reportlog.FORMAT,
        gotest.JSON_FORMAT,
        rustc.FORMAT,
        sarif.FORMAT,
        ruff.FORMAT,
        eslint.FORMAT,
        gcc.JSON_FORMAT,
        mypy.JSON_FORMAT,
        junit.FORMAT,
        pytest_text.FORMAT,
        unittest_text.FORMAT,
        cargo.FORMAT,
        gotest.FORMAT,
        mypy.FORMAT,
        gcc.FORMAT,
        tracebacks.FORMAT,
    )
}
_ALIASES: dict[str, str] = {alias: f.name for f in FORMATS.values() for alias in f.aliases}

LogInput = Union[str, "os.PathLike[str]", bytes, IO[str], IO[bytes], LogSource]

_PATH_SUFFIXES = (".txt", ".log", ".xml", ".json", ".jsonl", ".sarif", ".out", ".err")


def supported_formats() -> list[str]:
    """The names of the supported formats."""
    return list(FORMATS)


def get_format(name: str) -> FailureFormat:
    """The format called ``name`` (or one of its aliases; case-insensitive)."""
    key = name.strip().lower() if isinstance(name, str) else ""
    key = _ALIASES.get(key, key)
    fmt = FORMATS.get(key)
    if fmt is None:
        raise UsageError(
            f"The 'format' parameter of parse_failures must be one of {', '.join(FORMATS)} "
            f"(or an alias such as junitxml, clang, ruff). Got {name!r} instead."
        )
    return fmt


def as_source(source: LogInput, *, name: str | None = None) -> LogSource:
    """A :class:`LogSource` for a path, a text, bytes or an open file.

    A string without a newline that names an existing file is read as a path;
    one that looks like a file name but does not exist is an error rather
    than a one-line log.
    """
    if isinstance(source, LogSource):
        return source
    if isinstance(source, os.PathLike):
        path = Path(source)
        _check_path(path)
        return LogSource(path, name=name)
    if isinstance(source, str) and "\n" not in source and len(source) < 4096:
        candidate = Path(source)
        try:
            exists = candidate.exists()
        except (OSError, ValueError):
            exists = False
        if exists:
            _check_path(candidate)
            return LogSource(candidate, name=name)
        stripped = source.strip()
        if stripped.lower().endswith(_PATH_SUFFIXES) and " " not in stripped:
            raise InputError(
                f"Cannot read the failure log {source}: no such file.",
                fix="Check the path, or pass the log's text itself.",
            )
        if name is None and stripped:
            name = f"the text {stripped[:60]!r} (not an existing file)"
    return LogSource(source, name=name)


def _check_path(path: Path) -> None:
    if not path.exists():
        raise InputError(
            f"Cannot read the failure log {path}: no such file.", fix="Check the path."
        )
    if path.is_dir():
        raise InputError(
            f"Cannot read the failure log {path}: it is a directory.",
            fix="Pass one log file (a test report, a compiler's output, a JSON or XML report).",
        )


def detect_format(source: LogInput) -> str | None:
    """The name of the format ``source`` is in, sniffed from its head; ``None`` if unknown."""
    src = as_source(source)
    return _sniff(src.head)


def _sniff(head: str) -> str | None:
    if not head.strip():
        return None
    best, best_score = None, 0.0
    for fmt in FORMATS.values():
        try:
            score = fmt.sniff(head)
        except Exception:  # a sniffer must never take the whole detection down
            score = 0.0
        if score > best_score:
            best, best_score = fmt.name, score
    return best


def _resolve(src: LogSource, format: str | None) -> FailureFormat | None:
    if format is not None:
        return get_format(format)
    name = _sniff(src.head)
    if name is None:
        if not src.head.strip():
            return None
        raise InputError(
            f"Could not recognise the format of {src.name}; supported formats: {', '.join(FORMATS)}.",
            fix="Name it with format=... (on the command line: --format).",
        )
    return FORMATS[name]


def _records(fmt: FailureFormat, src: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    try:
        yield from fmt.parse(src, ctx)
    except (EmbedmotionError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a parser bug must not surface as a raw traceback
        raise ParseError(
            f"The {fmt.name} parser failed on {src.name} ({type(exc).__name__}: {exc}).",
            fix="This is a bug in embedmotion: please report it with the log. "
            "Naming another format with --format may work around it.",
        ) from exc


def iter_failures(
    source: LogInput,
    *,
    format: str | None = None,
    context: ParseContext | None = None,
) -> Iterator[Failure]:
    """Every record in a log, one at a time: failures, and passed/skipped test records.

    ``context`` (a :class:`ParseContext`) collects the warnings, if given.
    """
    src = as_source(source)
    ctx = context if context is not None else ParseContext(src.name)
    ctx.name = src.name
    fmt = _resolve(src, format)
    if fmt is None:
        ctx.warn(f"{src.name} is empty")
        return
    yield from _records(fmt, src, ctx)


def parse_failures(source: LogInput, *, format: str | None = None) -> FailureReport:
    """Parse a failure log into a :class:`FailureReport` (see the module docstring)."""
    src = as_source(source)
    ctx = ParseContext(src.name)
    fmt = _resolve(src, format)
    report = FailureReport(format="" if fmt is None else fmt.name, source=src.name)
    if fmt is None:
        report.warnings.append(f"{src.name} is empty")
        return report
    for record in _records(fmt, src, ctx):
        if record.outcome == "passed":
            report.passed.append(record.test_id or "")
        elif record.outcome == "skipped":
            report.skipped.append(record.test_id or "")
        else:
            report.failures.append(record)
    report.warnings = ctx.final_warnings()
    return report


__all__ = [
    "FORMATS",
    "supported_formats",
    "get_format",
    "as_source",
    "detect_format",
    "iter_failures",
    "parse_failures",
]
