"""``cargo test`` output, and rustc's human-readable diagnostics around it.

What libtest prints::

         Running unittests src/lib.rs (target/debug/deps/ledger_core-1a2b)
    test tests::parses_fractions ... FAILED
    failures:

    ---- tests::parses_fractions stdout ----

    thread 'tests::parses_fractions' (8441) panicked at src/lib.rs:48:9:
    assertion `left == right` failed
      left: 1205
     right: 1250
    stack backtrace:                                 <- with RUST_BACKTRACE=1
       4: ledger_core::tests::parses_fractions
                 at ./src/lib.rs:45:9
    test result: FAILED. 2 passed; 4 failed; 1 ignored; ...

Each ``---- name stdout ----`` block becomes a ``test-failure`` whose message is
the panic message and whose location is where it panicked; a backtrace gives
the frames.  The older panic format (``panicked at 'msg', src/lib.rs:5:9``,
Rust < 1.73) is read too.  ``... ok`` and ``... ignored`` lines record passing
and skipped tests; a test binary killed by a signal is a ``crash``.  Test ids
are libtest's names (``tests::parses_fractions``).

When the crate does not compile, cargo prints rustc's diagnostics instead::

    error[E0308]: mismatched types
     --> src/report.rs:6:22

those become ``compile-error`` (or ``compile-warning``) failures, with the
``note:``/``help:`` locations that follow as secondary locations.  For the
exact, machine-readable form use ``--message-format=json`` (format
``rustc-json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._source import FailureFormat, LogSource, ParseContext
from ._stacks import rust_frames
from .model import Failure, Location
from .pytest_text import result_record

_RUNNING_RE = re.compile(
    r"^\s+Running (?:unittests |tests? |benches? )?(?P<target>\S+)(?: \(.*\))?$"
)
_TEST_RE = re.compile(
    r"^test (?P<name>\S+)(?: - .*)? \.\.\. (?P<result>ok|FAILED|ignored(?:, .*)?)\s*$"
)
_BLOCK_RE = re.compile(r"^---- (?P<name>\S+) std(?:out|err) ----$")
_PANIC_NEW_RE = re.compile(
    r"^thread '(?P<thread>[^']*)'(?: \(\d+\))? panicked at (?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+):$"
)
_PANIC_OLD_RE = re.compile(r"^thread '(?P<thread>[^']*)'(?: \(\d+\))? panicked at '(?P<msg>.*)$")
_PANIC_OLD_END_RE = re.compile(r"^(?P<msg>.*)', (?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+)$")
_RESULT_RE = re.compile(r"^test result: (?P<status>ok|FAILED)\. ")
_SIGNAL_RE = re.compile(r"process didn't exit successfully: .*\((?P<signal>signal: \d+, [^)]*)\)")
_DIAG_RE = re.compile(r"^(?P<level>error|warning)(?:\[(?P<code>[\w-]+)\])?: (?P<msg>.+)$")
_ARROW_RE = re.compile(r"^\s*--> (?P<path>.+?):(?P<line>\d+):(?P<col>\d+)$")
_SUB_RE = re.compile(r"^(?P<kind>note|help)(?:\[\w+\])?: (?P<msg>.+)$")
_MAX_BLOCK_LINES = 3000


def read_panic(lines: list[str]) -> tuple[str, Location | None, list[str]]:
    """The message and location of the first panic in ``lines``, and its backtrace lines."""
    message: list[str] = []
    location: Location | None = None
    backtrace: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _PANIC_NEW_RE.match(line)
        if m and location is None:
            location = Location(m.group("path"), int(m.group("line")), int(m.group("col")))
            i += 1
            while (
                i < len(lines)
                and lines[i].strip()
                and not lines[i].startswith(("note: ", "stack backtrace:"))
            ):
                message.append(lines[i])
                i += 1
            continue
        m = _PANIC_OLD_RE.match(line)
        if m and location is None:
            parts = [m.group("msg")]
            end = _PANIC_OLD_END_RE.match(parts[0])
            j = i
            while end is None and j + 1 < len(lines) and j - i < 200:
                j += 1
                end = _PANIC_OLD_END_RE.match(lines[j])
                parts.append(lines[j])
            if end is not None:
                parts[-1] = end.group("msg")
                location = Location(
                    end.group("path"), int(end.group("line")), int(end.group("col"))
                )
                message = parts
                i = j + 1
                continue
        if line.startswith("stack backtrace:"):
            i += 1
            while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
                backtrace.append(lines[i])
                i += 1
            continue
        i += 1
    return "\n".join(message).strip(), location, backtrace


def _test_failure(name: str, lines: list[str]) -> Failure:
    message, location, backtrace = read_panic(lines)
    if not message:
        message = next((x.strip() for x in lines if x.strip()), "test failed")
    frames = rust_frames(backtrace)
    kind = (
        "timeout" if "timed out" in message or "has been running for" in message else "test-failure"
    )
    return Failure(
        tool="cargo",
        kind=kind,
        message=message,
        locations=() if location is None else (location,),
        frames=tuple(frames),
        test_id=name,
        outcome="failed",
        exception="panic" if location is not None else None,
        raw="\n".join(lines).strip(),
    )


class _Diag:
    __slots__ = ("level", "code", "message", "locations", "lines", "sub")

    def __init__(self, level: str, code: str | None, message: str, header: str) -> None:
        self.level, self.code, self.message = level, code, message
        self.locations: list[Location] = []
        self.lines = [header]
        self.sub: str | None = None

    def failure(self) -> Failure:
        return Failure(
            tool="rustc",
            kind="compile-error" if self.level == "error" else "compile-warning",
            message=self.message,
            severity="error" if self.level == "error" else "warning",
            rule=self.code,
            locations=tuple(self.locations),
            raw="\n".join(self.lines).rstrip(),
        )


def parse_cargo_test(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Failures, passes and skips of ``cargo test``, and rustc diagnostics."""
    block_name: str | None = None
    block: list[str] = []
    failing: set[str] = set()
    reported: set[str] = set()
    diag: _Diag | None = None
    pending_header: tuple[str, re.Match[str]] | None = None
    target = ""
    for line in source.lines(ctx.warn):
        # --- rustc diagnostics (a crate that does not compile)
        if diag is not None:
            if not line.strip():
                yield diag.failure()
                diag = None
                continue
            diag.lines.append(line)
            am = _ARROW_RE.match(line)
            if am:
                diag.locations.append(
                    Location(
                        am.group("path"),
                        int(am.group("line")),
                        int(am.group("col")),
                        message=diag.sub,
                    )
                )
                diag.sub = None
            sm = _SUB_RE.match(line.strip().lstrip("= "))
            if sm:
                diag.sub = f"{sm.group('kind')}: {sm.group('msg')}"
            continue
        if pending_header is not None:
            header, hm = pending_header
            am = _ARROW_RE.match(line)
            pending_header = None
            if am:
                diag = _Diag(hm.group("level"), hm.group("code"), hm.group("msg").strip(), header)
                diag.lines.append(line)
                diag.locations.append(
                    Location(am.group("path"), int(am.group("line")), int(am.group("col")))
                )
                continue
        if block_name is None:
            dm = _DIAG_RE.match(line)
            if dm:
                pending_header = (line, dm)
                sig = _SIGNAL_RE.search(line)
                if sig:
                    yield _crash(target, sig.group("signal"), line)
                continue
        # --- libtest
        bm = _BLOCK_RE.match(line)
        if bm or (block_name is not None and (line == "failures:" or _RESULT_RE.match(line))):
            if block_name is not None:
                reported.add(block_name)
                yield _test_failure(block_name, block)
            block_name, block = (bm.group("name"), []) if bm else (None, [])
            if bm:
                continue
        if block_name is not None:
            if len(block) < _MAX_BLOCK_LINES:
                block.append(line)
            continue
        rm = _RUNNING_RE.match(line)
        if rm:
            target = rm.group("target")
            continue
        tm = _TEST_RE.match(line)
        if tm:
            name, result = tm.group("name"), tm.group("result")
            if result == "ok":
                yield result_record("cargo", name, "passed")
            elif result.startswith("ignored"):
                yield result_record("cargo", name, "skipped")
            else:
                failing.add(name)
            continue
        if _RESULT_RE.match(line):
            for name in sorted(failing - reported):
                yield _test_failure(name, [])
            failing, reported = set(), set()
            continue
        sig = _SIGNAL_RE.search(line)
        if sig:
            yield _crash(target, sig.group("signal"), line)
    if block_name is not None:
        reported.add(block_name)
        yield _test_failure(block_name, block)
    if diag is not None:
        yield diag.failure()
    for name in sorted(failing - reported):
        yield _test_failure(name, [])


def _crash(target: str, signal: str, line: str) -> Failure:
    return Failure(
        tool="cargo",
        kind="crash",
        message=f"test binary {target or '(unknown)'} was killed ({signal})",
        test_id=target or None,
        outcome="error",
        raw=line.strip(),
    )


def sniff_cargo_test(head: str) -> float:
    score = 0.0
    if re.search(r"^running \d+ tests?$", head, re.M):
        score += 0.4
    if re.search(r"^test \S+ \.\.\. (?:ok|FAILED|ignored)", head, re.M):
        score += 0.4
    if re.search(r"^---- \S+ stdout ----$", head, re.M):
        score += 0.4
    if re.search(r"^test result: (?:ok|FAILED)\. \d+ passed", head, re.M):
        score += 0.4
    if re.search(r"^(?:error|warning)(?:\[\w+\])?: .+\n\s*--> \S+:\d+:\d+$", head, re.M):
        score += 0.5
    if re.search(r"^\s+Compiling \S+ v\d", head, re.M):
        score += 0.2
    return min(score, 0.95)


FORMAT = FailureFormat(
    name="cargo-test",
    description="cargo test output (panics, backtraces) and rustc's human diagnostics",
    sniff=sniff_cargo_test,
    parse=parse_cargo_test,
    aliases=("cargo", "rust-test", "libtest"),
)

__all__ = ["FORMAT", "parse_cargo_test", "read_panic"]
