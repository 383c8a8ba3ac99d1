"""The value types every failure parser produces: Failure, Location, Frame, FailureReport.

A :class:`Failure` is one problem a tool reported -- a failing test, a compiler
error, a lint finding, an uncaught exception -- in one shape whatever the tool::

    >>> from embedmotion.failures.model import Failure, Location, Frame
    >>> f = Failure(
    ...     tool="pytest", kind="test-failure", message="assert 1205 == 1250",
    ...     locations=(Location("ledger/money.py", 11),),
    ...     frames=(Frame("tests/test_money.py", 13, "test_parse"),
    ...             Frame("ledger/money.py", 11, "parse_amount")),
    ...     test_id="tests/test_money.py::test_parse", outcome="failed")
    >>> f.deepest_frame.function
    'parse_amount'
    >>> Failure.from_dict(f.to_dict()) == f
    True

Conventions, the same for every format:

* Lines and columns are 1-based; ``end_column`` is *exclusive* (SARIF's rule), so
  a one-character span at column 5 has ``end_column=6``.
* ``frames`` go from the outermost call to the innermost one -- Python's order.
  Parsers of tools that print the innermost frame first (Java, JavaScript, Go,
  Rust) reverse them, so ``frames[-1]`` is always where it blew up.
* ``frames[i].is_project`` is ``False`` for frames in the standard library,
  ``site-packages``, ``node_modules``, vendored code, the Go root or the Rust
  toolchain (see :func:`is_project_path`).
* ``id`` is a content hash of what identifies the problem (tool, kind, rule,
  test id, message with memory addresses masked, first location): the same
  failure in two runs has the same id.
* Passing and skipped tests are recorded too (``outcome="passed"``/``"skipped"``,
  ``kind="test-result"``) where a format shows them, so that several runs can be
  compared (:mod:`embedmotion.failures.flaky`); :class:`FailureReport` keeps them
  apart from the real failures.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any

#: What a failure is.  ``test-result`` marks passed/skipped test records.
KINDS: tuple[str, ...] = (
    "test-failure",
    "error",
    "exception",
    "crash",
    "timeout",
    "flaky",
    "compile-error",
    "compile-warning",
    "syntax-error",
    "type-error",
    "lint",
    "test-result",
)
SEVERITIES: tuple[str, ...] = ("error", "warning", "note", "info")
OUTCOMES: tuple[str, ...] = ("failed", "error", "passed", "skipped", "flaky")

#: ``raw`` texts longer than this are cut (the head and the tail are kept).
MAX_RAW_CHARS = 20_000

_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{4,}")


def _opt_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class Location:
    """A place in a source file: ``path:line:column`` (1-based; ``end_column`` exclusive).

    ``message`` is set on secondary locations: a compiler note, a related
    location, a rustc label.
    """

    path: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    message: str | None = None

    def __str__(self) -> str:
        out = self.path
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        msg = d.get("message")
        return cls(
            str(d.get("path", "")),
            _opt_int(d.get("line")),
            _opt_int(d.get("column")),
            _opt_int(d.get("end_line")),
            _opt_int(d.get("end_column")),
            msg if isinstance(msg, str) else None,
        )


@dataclass(frozen=True)
class Frame:
    """One stack frame: where, in which function, the source line if printed."""

    path: str
    line: int | None = None
    function: str | None = None
    text: str | None = None
    is_project: bool = True
    column: int | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where} in {self.function}" if self.function else where

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Frame:
        func, text = d.get("function"), d.get("text")
        return cls(
            str(d.get("path", "")),
            _opt_int(d.get("line")),
            func if isinstance(func, str) else None,
            text if isinstance(text, str) else None,
            bool(d.get("is_project", True)),
            _opt_int(d.get("column")),
        )


def clip_raw(text: str, limit: int = MAX_RAW_CHARS) -> str:
    """``text`` cut to about ``limit`` characters, keeping its head and tail."""
    if len(text) <= limit:
        return text
    half = limit // 2
    cut = len(text) - 2 * half
    return f"{text[:half]}\n[... {cut} characters cut ...]\n{text[-half:]}"


@dataclass(frozen=True, kw_only=True)
class Failure:
    """One problem reported by one tool (see the module docstring for conventions).

    ``rule`` is the tool's code for it (``E0308``, ``-Wparentheses``, ``F401``,
    ``union-attr``); ``exception`` the exception or panic type when there is
    one.  ``passes``/``failures`` count runs for ``kind="flaky"``.
    """

    tool: str
    kind: str
    message: str
    severity: str = "error"
    rule: str | None = None
    locations: tuple[Location, ...] = ()
    frames: tuple[Frame, ...] = ()
    test_id: str | None = None
    outcome: str | None = None
    exception: str | None = None
    raw: str = ""
    passes: int = 0
    failures: int = 0
    id: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # accept lists from callers; store tuples (the dataclass is frozen and hashable)
        if not isinstance(self.locations, tuple):
            object.__setattr__(self, "locations", tuple(self.locations))
        if not isinstance(self.frames, tuple):
            object.__setattr__(self, "frames", tuple(self.frames))
        if len(self.raw) > MAX_RAW_CHARS:
            object.__setattr__(self, "raw", clip_raw(self.raw))
        if not self.id:
            object.__setattr__(self, "id", self._content_hash())

    def _content_hash(self) -> str:
        h = hashlib.sha256()
        first = self.locations[0] if self.locations else None
        parts = (
            self.tool,
            self.kind,
            self.rule or "",
            self.test_id or "",
            _ADDRESS_RE.sub("0x?", self.message),
            "" if first is None else f"{first.path}:{first.line}",
        )
        for part in parts:
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        return h.hexdigest()[:16]

    # -------------------------------------------------------------- conveniences
    @property
    def location(self) -> Location | None:
        """The main location (the first one), or ``None``."""
        return self.locations[0] if self.locations else None

    @property
    def project_frames(self) -> tuple[Frame, ...]:
        """The frames in the project's own code, outermost first."""
        return tuple(f for f in self.frames if f.is_project)

    @property
    def deepest_frame(self) -> Frame | None:
        """The innermost project frame: where the project's code was when it failed."""
        for f in reversed(self.frames):
            if f.is_project:
                return f
        return None

    @property
    def is_problem(self) -> bool:
        """Whether this is a real problem (not a passed/skipped test record)."""
        return self.outcome not in ("passed", "skipped")

    def summary(self) -> str:
        """One line: ``path:line: [tool rule] message`` (the message's first line)."""
        where = str(self.location) if self.location else (self.test_id or self.tool)
        rule = f" {self.rule}" if self.rule else ""
        first = self.message.splitlines()[0] if self.message else self.kind
        return f"{where}: [{self.tool}{rule}] {first}"

    def replace(self, **changes: Any) -> Failure:
        """A copy with some fields changed (the id is recomputed unless given)."""
        changes.setdefault("id", "")
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["locations"] = [loc.to_dict() for loc in self.locations]
        d["frames"] = [fr.to_dict() for fr in self.frames]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Failure:
        names = set(cls.__dataclass_fields__)
        kwargs = {k: v for k, v in d.items() if k in names}
        kwargs["locations"] = tuple(
            Location.from_dict(x) for x in d.get("locations") or () if isinstance(x, dict)
        )
        kwargs["frames"] = tuple(
            Frame.from_dict(x) for x in d.get("frames") or () if isinstance(x, dict)
        )
        return cls(**kwargs)


@dataclass
class FailureReport:
    """What :func:`~embedmotion.failures.parse_failures` found in one log.

    ``failures`` holds the problems (failed and errored tests, flaky tests,
    diagnostics, exceptions); the ids of tests seen passing or skipped are in
    ``passed`` and ``skipped``.  ``warnings`` lists what was skipped while
    parsing (a malformed JSON line, a truncated XML file) -- never silently.
    """

    failures: list[Failure] = field(default_factory=list)
    format: str = ""
    warnings: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    source: str = ""

    def __len__(self) -> int:
        return len(self.failures)

    def __iter__(self) -> Iterator[Failure]:
        return iter(self.failures)

    def counts(self) -> dict[str, int]:
        """How many failures of each kind, plus ``passed`` and ``skipped``."""
        out: dict[str, int] = {}
        for f in self.failures:
            out[f.kind] = out.get(f.kind, 0) + 1
        out["passed"] = len(self.passed)
        out["skipped"] = len(self.skipped)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "source": self.source,
            "failures": [f.to_dict() for f in self.failures],
            "passed": list(self.passed),
            "skipped": list(self.skipped),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FailureReport:
        return cls(
            failures=[Failure.from_dict(x) for x in d.get("failures") or ()],
            format=str(d.get("format", "")),
            warnings=[str(w) for w in d.get("warnings") or ()],
            passed=[str(p) for p in d.get("passed") or ()],
            skipped=[str(s) for s in d.get("skipped") or ()],
            source=str(d.get("source", "")),
        )


# ----------------------------------------------------------------- project paths
_NOT_PROJECT_RE = re.compile(
    r"""(
        (^|/)(site|dist)-packages/ | (^|/)node_modules/ | (^|/)vendor/ | (^|/)third_party/
      | (^|/)\.venv/ | (^|/)venv/ | (^|/)\.tox/ | (^|/)\.nox/
      | ^/usr/lib/ | ^/usr/local/lib/ | ^/usr/include/ | ^/usr/local/include/
      | (^|/)lib/python\d(\.\d+)?/ | (^|/)lib/pypy\d | /\.pyenv/versions/ | ^<frozen\ | ^<
      | ^/rustc/ | (^|/)\.cargo/registry/ | (^|/)\.cargo/git/ | (^|/)\.rustup/
      | (^|/)go/pkg/mod/ | ^/usr/local/go/src/ | ^/usr/lib/go(-[\d.]+)?/src/ | (^|/)GOROOT/
      | ^node: | ^java\.base/ | ^jdk\. | (^|/)\.m2/repository/ | (^|/)\.gradle/caches/
      | (^|/)Python\d+/Lib/ | (^|/)Lib/site-packages/
    )""",
    re.VERBOSE,
)


@lru_cache(maxsize=8192)
def is_project_path(path: str) -> bool:
    """Whether a frame in ``path`` is the project's own code (a heuristic on the path).

    ``False`` for the standard library, installed packages (``site-packages``,
    ``node_modules``, ``vendor``, ``~/.cargo/registry``, Go's module cache), the
    Go root, the Rust toolchain (``/rustc/...``), Node internals (``node:...``)
    and pseudo-files such as ``<frozen importlib._bootstrap>``.
    """
    p = path.replace("\\", "/")
    return bool(p) and not _NOT_PROJECT_RE.search(p)


_ID_EXT_RE = re.compile(r"\.(?:py|pyi|js|mjs|cjs|jsx|ts|tsx|go|rs|java|kt|c|cc|cpp|h|hpp)(?=::|$)")


def canonical_test_id(test_id: str) -> str:
    """A spelling of a test id that agrees across formats.

    pytest node ids, unittest ids and JUnit ``classname.name`` pairs name the
    same test differently; this folds them together::

        >>> canonical_test_id("tests/test_money.py::TestAccount::test_deposit")
        'tests.test_money.TestAccount.test_deposit'
        >>> canonical_test_id("tests.test_money.TestAccount.test_deposit")
        'tests.test_money.TestAccount.test_deposit'
    """
    head, bracket, tail = test_id.partition("[")
    head = head.replace("\\", "/").strip()
    head = _ID_EXT_RE.sub("", head)
    head = head.replace("::", ".").replace("/", ".").strip(".")
    return head + bracket + tail


__all__ = [
    "KINDS",
    "SEVERITIES",
    "OUTCOMES",
    "MAX_RAW_CHARS",
    "Location",
    "Frame",
    "Failure",
    "FailureReport",
    "clip_raw",
    "is_project_path",
    "canonical_test_id",
]
