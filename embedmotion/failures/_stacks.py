"""Stack traces of other languages: JavaScript, Java, Go and Rust.

Each reader takes the lines of a report and returns the frames it recognises,
**outermost first** (these languages print the innermost frame first; the
readers reverse them).  :func:`extract_frames` tries every reader, Python's
included, and keeps the one that found most frames: the JUnit parser uses it
on the free text inside ``<failure>`` elements, whatever tool wrote them.

Paths are kept as printed, except Java's: a frame ``com.acme.Calc.divide(Calc.java:9)``
only names the file, so its path becomes ``com/acme/Calc.java`` -- the package
directory -- which blame matches against ``src/main/java/com/acme/Calc.java``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import Frame, is_project_path

_JS_RE = re.compile(
    r"^\s*at (?:(?P<func>.+?) \()?(?P<path>(?:file://)?[^()\s]+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$"
)
_JAVA_RE = re.compile(
    r"^\s*at (?:[\w.$-]+(?:@[\w.-]+)?/)?(?P<func>[\w$.<>]+)\((?P<file>[^:()]+)(?::(?P<line>\d+))?\)\s*$"
)
_JAVA_CAUSE_RE = re.compile(r"^\s*Caused by: ")
_GO_FUNC_RE = re.compile(
    r"^(?:created by )?(?P<func>[\w.\-/*()\[\]{}%]+?)(?:\(.*\))?(?: in goroutine \d+)?$"
)
_GO_FILE_RE = re.compile(r"^\t(?P<path>.+?):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$")
_RUST_FUNC_RE = re.compile(r"^\s*\d+: (?P<func>.+)$")
_RUST_AT_RE = re.compile(r"^\s+at (?P<path>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")

_JAVA_LIB_PREFIXES = (
    "java.",
    "javax.",
    "jdk.",
    "sun.",
    "com.sun.",
    "kotlin.",
    "kotlinx.",
    "scala.",
    "org.junit.",
    "junit.",
    "org.opentest4j.",
    "org.testng.",
    "org.apache.maven.",
    "org.gradle.",
    "org.springframework.",
    "worker.org.gradle.",
)
_RUST_LIB_PREFIXES = ("core::", "std::", "alloc::", "test::", "__rustc::", "<", "rust_begin_unwind")


def js_frames(lines: Sequence[str]) -> list[Frame]:
    """Frames of a V8 stack (``at fn (path:line:col)``), outermost first."""
    frames: list[Frame] = []
    for line in lines:
        m = _JS_RE.match(line)
        if not m:
            continue
        path = m.group("path")
        if path.startswith("file://"):
            path = path[7:]
        func = m.group("func")
        if func and func.startswith("async "):
            func = func[6:]
        frames.append(
            Frame(
                path,
                int(m.group("line")),
                func,
                None,
                is_project_path(path),
                int(m.group("col")),
            )
        )
    frames.reverse()
    return frames


def _java_path(func: str, file: str) -> str:
    parts = func.split(".")
    # drop the method and the class (and inner classes): keep the package
    package = [p for p in parts[:-2] if p and p[0].islower()]
    return "/".join([*package, file]) if package else file


def java_frames(lines: Sequence[str]) -> list[Frame]:
    """Frames of a JVM stack trace, ``Caused by:`` chains included (the root cause first)."""
    segments: list[list[Frame]] = [[]]
    for line in lines:
        if _JAVA_CAUSE_RE.match(line):
            segments.append([])
            continue
        m = _JAVA_RE.match(line)
        if not m or m.group("line") is None:
            continue
        func, file = m.group("func"), m.group("file")
        project = not func.startswith(_JAVA_LIB_PREFIXES)
        segments[-1].append(
            Frame(_java_path(func, file), int(m.group("line")), func, None, project)
        )
    frames: list[Frame] = []
    for seg in reversed(segments):  # causes were printed after; they happened first
        frames.extend(reversed(seg))
    return frames


def go_frames(lines: Sequence[str]) -> list[Frame]:
    """Frames of the first goroutine of a Go panic trace, outermost first."""
    frames: list[Frame] = []
    func: str | None = None
    started = False
    for line in lines:
        if line.startswith("goroutine "):
            if started and frames:
                break  # only the goroutine that panicked
            started = True
            continue
        fm = _GO_FILE_RE.match(line)
        if fm and func is not None:
            if not func.startswith("created by "):
                path = fm.group("path")
                name = func
                frames.append(Frame(path, int(fm.group("line")), name, None, is_project_path(path)))
            func = None
            continue
        gm = _GO_FUNC_RE.match(line)
        if gm and not line.startswith((" ", "\t")) and line.strip():
            func = line if line.startswith("created by ") else gm.group("func")
        else:
            func = None
    frames.reverse()
    return frames


def rust_frames(lines: Sequence[str]) -> list[Frame]:
    """Frames of a Rust ``stack backtrace:``, outermost first."""
    frames: list[Frame] = []
    func: str | None = None
    for line in lines:
        am = _RUST_AT_RE.match(line)
        if am and func is not None:
            path = am.group("path")
            if path.startswith("./"):
                path = path[2:]
            project = is_project_path(path) and not func.startswith(_RUST_LIB_PREFIXES)
            col = am.group("col")
            frames.append(
                Frame(path, int(am.group("line")), func, None, project, int(col) if col else None)
            )
            func = None
            continue
        fm = _RUST_FUNC_RE.match(line)
        if fm:
            func = fm.group("func").strip()
    frames.reverse()
    return frames


def extract_frames(lines: Sequence[str]) -> list[Frame]:
    """The frames of whatever stack trace ``lines`` hold (the reader finding most wins)."""
    from .tracebacks import read_python_traceback

    best: list[Frame] = []
    for reader in (js_frames, java_frames, go_frames, rust_frames):
        found = reader(lines)
        if len(found) > len(best):
            best = found
    py = read_python_traceback(lines).frames
    if len(py) > len(best):
        best = py
    return best


__all__ = ["js_frames", "java_frames", "go_frames", "rust_frames", "extract_frames"]
