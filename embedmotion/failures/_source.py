"""Where a log comes from, read line by line; and what every parser shares.

A :class:`LogSource` wraps a path, a string, bytes or an open file.  It gives

* ``head`` -- the first :data:`HEAD_BYTES` of the log, cleaned, to sniff the format on;
* ``lines()`` -- every line, cleaned (ANSI colour codes stripped, ``\\r``
  progress overwrites resolved, CI timestamps removed), read lazily: a 100 MB
  log file is never held in memory at once;
* ``read_text()`` -- the whole text, for the document formats (JSON, XML).

A :class:`ParseContext` carries what a parser reports besides failures: warnings
(malformed lines, truncation), capped so that a garbage log cannot flood them.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from .model import Failure

#: How much of a log is read to recognise its format.
HEAD_BYTES = 64 * 1024
#: Lines longer than this are cut (the rest of the line is dropped, with a warning).
MAX_LINE_BYTES = 1024 * 1024
#: At most this many warnings are kept; the rest are counted.
MAX_WARNINGS = 50

_ANSI_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CI_STAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ")


def clean_line(line: str) -> str:
    """One log line as a reader sees it: no newline, no ANSI codes, no ``\\r`` overwrites,
    no leading CI timestamp (``2024-05-01T12:00:00.123Z ``, as GitHub Actions logs have)."""
    if "\x1b" in line:
        line = _ANSI_RE.sub("", line)
    line = line.rstrip("\r\n")
    if "\r" in line:
        line = line.rsplit("\r", 1)[-1]
    if line[:2] == "20" and _CI_STAMP_RE.match(line):
        line = line[_CI_STAMP_RE.match(line).end() :]  # type: ignore[union-attr]
    return line


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences."""
    return _ANSI_RE.sub("", text) if "\x1b" in text else text


def _decode(data: bytes) -> str:
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    return data.decode("utf-8", "replace")


class LogSource:
    """A log to parse: a file path, a text, bytes, or an open (text or binary) file."""

    def __init__(
        self,
        source: str | os.PathLike[str] | bytes | IO[str] | IO[bytes],
        *,
        name: str | None = None,
        is_path: bool | None = None,
    ) -> None:
        self.path: Path | None = None
        self._text: str | None = None
        self._stream: IO[Any] | None = None
        self._buffered: list[str] = []
        if isinstance(source, os.PathLike) or (isinstance(source, str) and is_path):
            self.path = Path(source)
            self.name = name or str(source)
        elif isinstance(source, str):
            self._text = source
            self.name = name or "<text>"
        elif isinstance(source, (bytes, bytearray)):
            self._text = _decode(bytes(source))
            self.name = name or "<bytes>"
        elif hasattr(source, "readline"):
            self._stream = source
            self.name = name or str(getattr(source, "name", "<stream>"))
        else:
            raise InputError(
                f"Cannot read a failure log from a {type(source).__name__}.",
                fix="Pass a path, a string, bytes or an open file.",
            )
        self._head: str | None = None

    # --------------------------------------------------------------------- head
    @property
    def head(self) -> str:
        """The first :data:`HEAD_BYTES` of the log, cleaned line by line."""
        if self._head is None:
            self._head = "\n".join(clean_line(x) for x in self._raw_head().splitlines())
        return self._head

    def _raw_head(self) -> str:
        if self._text is not None:
            return self._text[:HEAD_BYTES]
        if self.path is not None:
            try:
                with open(self.path, "rb") as f:
                    return _decode(f.read(HEAD_BYTES))
            except OSError as exc:
                raise _unreadable(self.path, exc) from exc
        # a stream: buffer whole lines until HEAD_BYTES, replay them in lines()
        assert self._stream is not None
        size = 0
        while size < HEAD_BYTES:
            raw = self._stream.readline(MAX_LINE_BYTES)
            if not raw:
                break
            line = _decode(raw) if isinstance(raw, bytes) else raw
            self._buffered.append(line)
            size += len(line)
        return "".join(self._buffered)

    # -------------------------------------------------------------------- lines
    def lines(self, warn: Callable[[str], None] | None = None) -> Iterator[str]:
        """Every line of the log, cleaned (see :func:`clean_line`), read lazily."""
        for line in self._raw_lines(warn):
            yield clean_line(line)

    def _raw_lines(self, warn: Callable[[str], None] | None) -> Iterator[str]:
        if self._text is not None:
            yield from io.StringIO(self._text)
            return
        if self.path is not None:
            try:
                f = open(self.path, "rb")  # noqa: SIM115 - closed by the with below
            except OSError as exc:
                raise _unreadable(self.path, exc) from exc
            with f:
                yield from _capped_lines(f, warn)
            return
        assert self._stream is not None
        if self._head is None:
            self._raw_head()
        yield from self._buffered
        self._buffered = []
        yield from _capped_lines(self._stream, warn)

    def read_text(self) -> str:
        """The whole log as text (for JSON and XML documents)."""
        if self._text is not None:
            return self._text
        if self.path is not None:
            try:
                return _decode(self.path.read_bytes())
            except OSError as exc:
                raise _unreadable(self.path, exc) from exc
        assert self._stream is not None
        if self._head is None:
            self._raw_head()
        rest = self._stream.read()
        rest_text = _decode(rest) if isinstance(rest, bytes) else rest
        text = "".join(self._buffered) + rest_text
        self._buffered = []
        return text


#: How much is read from a file at a time.
CHUNK_BYTES = 64 * 1024


def _capped_lines(f: IO[Any], warn: Callable[[str], None] | None) -> Iterator[str]:
    """Lines of a binary or text file (newline kept), each at most MAX_LINE_BYTES long.

    The file is read in chunks and decoded a chunk at a time (much faster than
    line by line); a line longer than the limit is cut, with a warning, and the
    rest of it skipped.
    """
    carry = b""
    number = 0
    skipping = False
    while True:
        chunk = f.read(CHUNK_BYTES)
        if not chunk:
            break
        if isinstance(chunk, str):  # a text stream: encode back, one code path
            chunk = chunk.encode("utf-8", "surrogatepass")
        data = carry + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
            if len(carry) > MAX_LINE_BYTES:
                if not skipping:
                    yield _decode(carry[:MAX_LINE_BYTES]) + "\n"
                    if warn is not None:
                        warn(f"line {number + 1}: longer than {MAX_LINE_BYTES:,} bytes; cut")
                skipping = True
                carry = b""
            continue
        carry = data[cut + 1 :]
        lines = _decode(data[: cut + 1]).split("\n")
        lines.pop()  # the empty string after the last newline
        if skipping:  # the tail of an over-long line
            lines.pop(0)
            skipping = False
            number += 1
        for line in lines:
            number += 1
            if len(line) > MAX_LINE_BYTES:
                if warn is not None:
                    warn(f"line {number}: longer than {MAX_LINE_BYTES:,} bytes; cut")
                line = line[:MAX_LINE_BYTES]
            yield line + "\n"
    if carry and not skipping:
        yield _decode(carry)


def _unreadable(path: Path, exc: OSError) -> InputError:
    return InputError(
        f"Cannot read the failure log {path}: {exc.strerror or exc}.",
        fix="Check that the file exists and that you may read it.",
    )


@dataclass
class ParseContext:
    """Side channel of a parse: warnings, and the name of the log for messages."""

    name: str = "<text>"
    warnings: list[str] = field(default_factory=list)
    dropped_warnings: int = 0

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        else:
            self.dropped_warnings += 1

    def final_warnings(self) -> list[str]:
        out = list(self.warnings)
        if self.dropped_warnings:
            out.append(f"... and {self.dropped_warnings} more warnings")
        return out


ParseFn = Callable[[LogSource, ParseContext], Iterable[Failure]]
SniffFn = Callable[[str], float]


@dataclass(frozen=True)
class FailureFormat:
    """One supported log format: its name, how to recognise it, how to parse it.

    ``sniff(head)`` returns a confidence in ``[0, 1]`` that the head of a log is
    in this format (0: surely not).  ``parse(source, context)`` yields
    :class:`~embedmotion.failures.model.Failure` objects, passed and skipped test
    records included.  ``streaming`` formats read the log line by line.
    """

    name: str
    description: str
    sniff: SniffFn
    parse: ParseFn
    streaming: bool = True
    aliases: tuple[str, ...] = ()


__all__ = [
    "HEAD_BYTES",
    "MAX_LINE_BYTES",
    "LogSource",
    "ParseContext",
    "FailureFormat",
    "clean_line",
    "strip_ansi",
]
