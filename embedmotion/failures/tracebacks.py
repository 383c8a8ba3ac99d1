"""Python tracebacks: bare ones in any log, and the reader other parsers reuse.

The ``python-traceback`` format finds every traceback in a log -- a crashed
script's stderr, a server log written by ``logging.exception``, an
``INTERNALERROR>``-prefixed pytest crash -- and turns each into one
:class:`~embedmotion.failures.model.Failure` of kind ``"exception"`` (or
``"syntax-error"``, or ``"crash"`` for a faulthandler dump)::

    Traceback (most recent call last):
      File "app/report.py", line 18, in convert
        rates = load_rates(rates_json)
    json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)

    The above exception was the direct cause of the following exception:

    Traceback (most recent call last):
      File "app/nightly.py", line 14, in main
        print(convert(acct, "{broken", "EUR"))
    app.report.ReportError: bad rates for ops

A chained traceback is *one* failure: its frames are those of every exception
in the chain, in the order printed (the cause first), so the last project
frame is the innermost frame of the exception that escaped; the message is
that exception's.  Exception groups (``+ Exception Group Traceback``) are read
the same way, their sub-exceptions' frames included.  A prefix printed before
``Traceback (most recent call last):`` (``INTERNALERROR> ``, ``[worker-3] ``)
is stripped from the lines that follow it.

:func:`read_python_traceback` reads one traceback given as lines; the unittest,
pytest (``--tb=native``) and JUnit parsers use it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Frame, Location, is_project_path

TB_START_RE = re.compile(r"^(?P<prefix>.*?)Traceback \(most recent call last\):\s*$")
_GROUP_START_RE = re.compile(
    r"^(?P<prefix>\s*)\+ Exception Group Traceback \(most recent call last\):"
)
_GROUP_SEP_RE = re.compile(r"^\s*\+[-+]*(?: [^|]*)?$")
_GROUP_LINE_RE = re.compile(r"^\s*\| ?(.*)$")
FILE_RE = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+?))?\s*$')
_FAULT_FILE_RE = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+) in (?P<func>.+?)\s*$')
_CARET_RE = re.compile(r"^\s*[\^~]+\s*$")
EXC_RE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*(?:\[[^\]\s]*\])?)(?::(?: (?P<msg>.*))?)?$")
CHAIN_MARKERS = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)
_SYNTAX_ERRORS = frozenset({"SyntaxError", "IndentationError", "TabError"})
_LOGGISH_RE = re.compile(
    r"^\[?\d{4}-\d\d-\d\d|^\[?\d\d:\d\d:\d\d|^\[?(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\b"
)
_MAX_CONTINUATION = 30
_FATAL_RE = re.compile(r"^Fatal Python error: (?P<msg>.*)$")
_THREAD_RE = re.compile(
    r"^(?:Current thread|Thread) 0x[0-9a-fA-F]+ .*\(most recent call first\):\s*$"
)


@dataclass
class PyTraceback:
    """What :func:`read_python_traceback` found: frames (outermost first), the last
    exception's type and message, and how many exceptions were chained."""

    frames: list[Frame] = field(default_factory=list)
    exception: str | None = None
    message: str = ""
    chains: int = 0

    @property
    def location(self) -> Location | None:
        if not self.frames:
            return None
        last = self.frames[-1]
        return Location(last.path, last.line)


def looks_like_exception(name: str) -> bool:
    """Whether ``name`` reads like an exception class (``ValueError``, ``pkg.mod.BadThing``)."""
    last = name.rsplit(".", 1)[-1]
    return bool(last) and last[0].isupper() and not last.isupper() or last in {"KeyboardInterrupt"}


def _degroup(line: str) -> str | None:
    """A line of an exception-group traceback without its ``|`` decoration (None: drop it)."""
    if _GROUP_START_RE.match(line):
        return "Traceback (most recent call last):"
    if _GROUP_SEP_RE.match(line):
        return None
    m = _GROUP_LINE_RE.match(line)
    return m.group(1) if m else line


def read_python_traceback(lines: Sequence[str]) -> PyTraceback:
    """Read one Python traceback (chained, grouped or not) from its lines."""
    tb = PyTraceback()
    grouped = any(_GROUP_START_RE.match(x) for x in lines[:3])
    excs: list[tuple[str, list[str]]] = []  # (type, message lines) in the order printed
    in_exception = False
    last_frame: Frame | None = None
    for raw in lines:
        line = _degroup(raw) if grouped else raw
        if line is None:
            continue
        if TB_START_RE.match(line) or line.strip() in CHAIN_MARKERS:
            in_exception = False
            last_frame = None
            continue
        m = FILE_RE.match(line) or _FAULT_FILE_RE.match(line)
        if m:
            in_exception = False
            path = m.group("path")
            last_frame = Frame(
                path, int(m.group("line")), m.group("func"), None, is_project_path(path)
            )
            tb.frames.append(last_frame)
            continue
        stripped = line.strip()
        if not stripped:
            in_exception = False  # a blank line ends a message
            continue
        if line[:1].isspace() and not in_exception:
            if (
                last_frame is not None
                and last_frame.text is None
                and not _CARET_RE.match(line)
                and not stripped.startswith("[Previous line repeated")
            ):
                last_frame = Frame(
                    last_frame.path,
                    last_frame.line,
                    last_frame.function,
                    stripped,
                    last_frame.is_project,
                )
                tb.frames[-1] = last_frame
            continue
        if in_exception:
            if len(excs[-1][1]) < _MAX_CONTINUATION:
                excs[-1][1].append(line)
            continue
        em = EXC_RE.match(stripped)
        if em and (looks_like_exception(em.group("type")) or em.group("msg") is not None):
            excs.append((em.group("type"), [stripped]))
            in_exception = True
            last_frame = None
    tb.chains = len(excs)
    if excs:
        if grouped and len(excs) > 1:
            tb.exception = excs[0][0]
            subs = "\n".join(f"  {lines_[0]}" for _, lines_ in excs[1:])
            tb.message = "\n".join(excs[0][1]).strip() + "\n" + subs
        else:
            tb.exception = excs[-1][0]
            tb.message = "\n".join(excs[-1][1]).strip()
    return tb


def traceback_failure(
    tb: PyTraceback,
    raw: str,
    *,
    tool: str = "python",
    kind: str | None = None,
    test_id: str | None = None,
    outcome: str | None = None,
) -> Failure:
    """A Failure from a read traceback (kind ``exception``, or ``syntax-error``)."""
    exc = tb.exception
    if kind is None:
        kind = "syntax-error" if exc in _SYNTAX_ERRORS else "exception"
    loc = tb.location
    return Failure(
        tool=tool,
        kind=kind,
        message=tb.message or (exc or "uncaught exception"),
        locations=() if loc is None else (loc,),
        frames=tuple(tb.frames),
        test_id=test_id,
        outcome=outcome,
        exception=exc,
        raw=raw,
    )


# ----------------------------------------------------------------------- the log format
class _Block:
    """The lines of one traceback being collected from a stream."""

    __slots__ = ("lines", "prefix", "grouped", "state", "continuation")

    def __init__(self, first: str, prefix: str, grouped: bool) -> None:
        self.lines = [first]
        self.prefix = prefix
        self.grouped = grouped
        self.state = "frames"  # frames -> message -> gap (blank seen) -> frames ...
        self.continuation = 0


def _unprefix(line: str, prefix: str) -> str:
    if prefix and line.startswith(prefix):
        return line[len(prefix) :]
    if prefix and line.startswith(prefix.rstrip()):
        return line[len(prefix.rstrip()) :]
    return line


def parse_traceback_log(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every Python traceback (and faulthandler dump) in a log, one Failure each."""
    block: _Block | None = None
    fatal: list[str] | None = None
    for line in source.lines(ctx.warn):
        if fatal is not None:
            if _fatal_continues(line, fatal):
                fatal.append(line)
                continue
            yield _fatal_failure(fatal)
            fatal = None
        if block is not None:
            if _block_continues(block, line):
                continue
            yield _block_failure(block)
            block = None
        started = _start_block(line)
        if started is not None:
            block = started
            continue
        m = _FATAL_RE.match(line)
        if m:
            fatal = [line]
    if block is not None:
        yield _block_failure(block)
    if fatal is not None:
        yield _fatal_failure(fatal)


def _start_block(line: str) -> _Block | None:
    if _GROUP_START_RE.match(line):
        return _Block(line, "", True)
    m = TB_START_RE.match(line)
    if m:
        prefix = m.group("prefix")
        if prefix.strip() and not prefix.endswith((" ", ">", "]", ":", "|")):
            return None  # "Traceback" in the middle of prose
        return _Block("Traceback (most recent call last):", prefix, False)
    f = FILE_RE.match(line)
    if f and f.group("func") is None and line.startswith("  File "):
        return _Block(line, "", False)  # a bare SyntaxError report
    return None


def _block_continues(block: _Block, raw: str) -> bool:
    """Add ``raw`` to the block if it belongs to it; False when the block has ended."""
    line = _unprefix(raw, block.prefix)
    if block.grouped:
        if line.strip() and (line.lstrip().startswith(("|", "+"))):
            block.lines.append(line)
            return True
        return False
    stripped = line.strip()
    if block.state == "frames":
        if not stripped or line[:1].isspace():
            block.lines.append(line)
            return True
        if stripped in CHAIN_MARKERS or TB_START_RE.match(line):
            block.lines.append(line)
            return True
        block.lines.append(line)  # the exception line
        block.state = "message"
        return True
    if block.state == "message":
        if not stripped:
            block.state = "gap"
            return True
        if stripped in CHAIN_MARKERS:
            block.lines.append(line)
            block.state = "gap"
            return True
        if TB_START_RE.match(line) or _LOGGISH_RE.match(line) or FILE_RE.match(line):
            return False
        if block.continuation >= _MAX_CONTINUATION:
            return False
        block.continuation += 1
        block.lines.append(line)
        return True
    # gap: after a blank line, only a chain marker or the next traceback of the chain continue
    if not stripped:
        return True
    if stripped in CHAIN_MARKERS:
        block.lines.append(line)
        return True
    if TB_START_RE.match(line) and block.lines[-1].strip() in CHAIN_MARKERS:
        block.lines.append(line)
        block.state = "frames"
        block.continuation = 0
        return True
    return False


def _block_failure(block: _Block) -> Failure:
    tb = read_python_traceback(block.lines)
    return traceback_failure(tb, "\n".join(block.lines))


def _fatal_continues(line: str, fatal: list[str]) -> bool:
    if len(fatal) > 2000:
        return False
    if not line.strip():
        # blank lines separate the header, the thread dumps; two in a row end it
        return not (fatal[-1].strip() == "" and len(fatal) > 2)
    return bool(
        _THREAD_RE.match(line)
        or _FAULT_FILE_RE.match(line)
        or line.startswith(("  <no Python frame>", "  Garbage-collecting", "Extension modules:"))
        or line.startswith("Python runtime state:")
    )


def _fatal_failure(lines: list[str]) -> Failure:
    m = _FATAL_RE.match(lines[0])
    message = f"Fatal Python error: {m.group('msg')}" if m else lines[0]
    frames: list[Frame] = []
    current = False
    for line in lines[1:]:
        if _THREAD_RE.match(line):
            if frames:
                break  # only the thread that crashed
            current = True
            continue
        fm = _FAULT_FILE_RE.match(line)
        if fm and current:
            path = fm.group("path")
            frames.append(
                Frame(path, int(fm.group("line")), fm.group("func"), None, is_project_path(path))
            )
    frames.reverse()  # faulthandler prints the most recent call first
    loc = (Location(frames[-1].path, frames[-1].line),) if frames else ()
    return Failure(
        tool="python",
        kind="crash",
        message=message,
        locations=loc,
        frames=tuple(frames),
        raw="\n".join(lines).rstrip(),
    )


def sniff_traceback(head: str) -> float:
    if "Traceback (most recent call last):" in head:
        return 0.5
    if "Fatal Python error:" in head:
        return 0.4
    if re.search(
        r'^  File "[^"]+", line \d+\n.*\n\s*\^+\s*\n(?:SyntaxError|IndentationError|TabError): ',
        head,
        re.M,
    ):
        return 0.4
    return 0.0


FORMAT = FailureFormat(
    name="python-traceback",
    description="Python tracebacks (chained, exception groups, faulthandler dumps) in any log",
    sniff=sniff_traceback,
    parse=parse_traceback_log,
    aliases=("traceback", "python"),
)

__all__ = [
    "FORMAT",
    "PyTraceback",
    "read_python_traceback",
    "traceback_failure",
    "parse_traceback_log",
    "looks_like_exception",
]
