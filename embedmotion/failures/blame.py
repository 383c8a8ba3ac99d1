"""Blame: tie each failure to the fragments of a source tree it is about.

For every :class:`~embedmotion.failures.model.Failure`, :func:`blame` finds

* the **blamed fragment** -- the function, method or class around the deepest
  frame of the project's own code (library, standard-library and vendored
  frames are passed over), or, for failures without frames (compiler errors,
  lint findings, Go's ``file_test.go:12:`` lines), around the reported location;
* for a failing test, the **test fragment** -- found from the test id (pytest
  node ids ``tests/test_x.py::TestA::test_b[1]``, unittest and JUnit dotted ids
  ``tests.test_x.TestA.test_b`` / ``com.acme.CalcTest.adds``, Go ``pkg::TestX/sub``,
  Rust ``tests::it_works``, Jest/Node descriptions), or else from the outermost
  frame that lies in a test.

::

    report = parse_failures("pytest.log")
    for b in blame(report.failures, "path/to/repo"):
        print(b.failure.test_id, "->", b.blamed_fragment.ref if b.blamed_fragment else None, "|", b.reason)

Paths in logs are rarely relative to the tree you have: CI machines build in
other directories, Java frames only name ``Calc.java``, Go prints the file
name alone.  A path is matched (1) relative to ``root``, (2) as an absolute
path under ``root``, then (3) by its longest unique suffix among the tree's
files (``/home/ci/build/app/src/a.py`` finds ``src/a.py``); an ambiguous suffix
matches nothing rather than the wrong file.  Files are parsed with tree-sitter
once and cached; pass ``fragments=`` (e.g. a corpus' fragments, paths relative
to ``root``) to use those instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, check_param
from ..fragments import Fragment
from ..languages import language_for_path
from ..parsing import VENDORED_DIRS, enclosing_fragment, find_fragment, parse_file, parse_tree
from .model import Failure, Location, is_project_path

_EXTENSIONS = (
    ".py",
    ".java",
    ".kt",
    ".js",
    ".ts",
    ".tsx",
    ".jsx",
    ".mjs",
    ".go",
    ".rs",
    ".c",
    ".cc",
    ".cpp",
    ".h",
)
_FILE_PART_RE = re.compile(r"\.[A-Za-z]\w{0,4}$")


@dataclass(frozen=True)
class Blame:
    """Which fragments a failure is about, and why.

    ``site`` is the place in the tree (root-relative) that led to
    ``blamed_fragment``: the frame or location it encloses.
    """

    failure: Failure
    test_fragment: Fragment | None
    blamed_fragment: Fragment | None
    reason: str
    site: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "failure": self.failure.to_dict(),
            "test_fragment": None if self.test_fragment is None else self.test_fragment.ref,
            "blamed_fragment": None if self.blamed_fragment is None else self.blamed_fragment.ref,
            "reason": self.reason,
            "site": None if self.site is None else self.site.to_dict(),
        }


def _posix(path: str) -> str:
    p = path.replace("\\", "/")
    if p.startswith("file://"):
        p = p[7:]
    while p.startswith("./"):
        p = p[2:]
    return p


class SourceTree:
    """The files under a root, path resolution, and a cache of parsed fragments."""

    def __init__(
        self, root: str | os.PathLike[str], fragments: Iterable[Fragment] | None = None
    ) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise InputError(
                f"Cannot blame failures on {self.root}: not a directory.",
                fix="Pass the root of the source tree the failures come from.",
            )
        self.root_resolved = self.root.resolve()
        self.files: set[str] = set()
        self.by_name: dict[str, list[str]] = {}
        self._cache: dict[str, list[Fragment]] = {}
        self._all: list[Fragment] | None = None
        self._given = fragments is not None
        if fragments is not None:
            for f in fragments:
                self._cache.setdefault(f.path, []).append(f)
        self._walk()
        for path in self._cache:
            self._add(path)

    def _add(self, rel: str) -> None:
        if rel not in self.files:
            self.files.add(rel)
            self.by_name.setdefault(rel.rsplit("/", 1)[-1], []).append(rel)

    def _walk(self) -> None:
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(
                d for d in dirnames if d not in VENDORED_DIRS and not d.startswith(".")
            )
            base = os.path.relpath(dirpath, self.root)
            prefix = "" if base == "." else base.replace(os.sep, "/") + "/"
            for name in filenames:
                self._add(prefix + name)

    # ------------------------------------------------------------------- paths
    def resolve(self, path: str, hint: str | None = None) -> str | None:
        """The root-relative path of the tree's file that ``path`` names, or ``None``."""
        p = _posix(path)
        if not p or not is_project_path(p):
            return None
        if p in self.files:
            return p
        if os.path.isabs(p) or re.match(r"^[A-Za-z]:/", p):
            for base in (self.root_resolved, self.root.absolute()):
                try:
                    rel = Path(p).relative_to(base).as_posix()
                except ValueError:
                    continue
                if rel in self.files:
                    return rel
        parts = [x for x in p.split("/") if x and x != "."]
        if not parts:
            return None
        candidates = self.by_name.get(parts[-1], [])
        if not candidates:
            return None
        scored: list[tuple[int, str]] = []
        for cand in candidates:
            cparts = cand.split("/")
            n = 0
            while n < len(parts) and n < len(cparts) and parts[-1 - n] == cparts[-1 - n]:
                n += 1
            scored.append((n, cand))
        best = max(n for n, _ in scored)
        top = [c for n, c in scored if n == best]
        if len(top) == 1:
            return top[0]
        if hint:
            hinted = [c for c in top if _dir_matches(c, hint)]
            if len(hinted) == 1:
                return hinted[0]
        return None

    # --------------------------------------------------------------- fragments
    def fragments(self, rel: str) -> list[Fragment]:
        """The fragments of one file (parsed on first use, then cached)."""
        frags = self._cache.get(rel)
        if frags is None:
            frags = []
            if language_for_path(rel) is not None and (self.root / rel).is_file():
                frags = parse_file(self.root / rel, root=self.root).fragments
            self._cache[rel] = frags
        return frags

    def all_fragments(self) -> list[Fragment]:
        """Every fragment of the tree (parsed once)."""
        if self._all is None:
            if self._given:
                self._all = [f for frags in self._cache.values() for f in frags]
            else:
                report = parse_tree(self.root, show_progress_bar=False)
                by_path: dict[str, list[Fragment]] = {}
                for f in report.fragments:
                    by_path.setdefault(f.path, []).append(f)
                for path, frags in by_path.items():
                    self._cache.setdefault(path, frags)
                self._all = report.fragments
        return self._all


def _dir_matches(rel: str, hint: str) -> bool:
    """Whether the directory of ``rel`` ends like the import path ``hint`` (Go packages)."""
    directory = rel.rsplit("/", 1)[0] if "/" in rel else ""
    hparts = [x for x in hint.replace("\\", "/").split("/") if x]
    if not hparts or not directory:
        return False
    return directory.split("/")[-1] == hparts[-1]


# ------------------------------------------------------------------------ test fragments
def _strip_params(name: str) -> str:
    return name.split("[", 1)[0] if name.endswith("]") and "[" in name else name


def _by_test_id(tree: SourceTree, test_id: str) -> tuple[Fragment | None, str]:
    tid = test_id.strip()
    # pytest node ids: path/to/test_x.py::Class::test[param]
    if "::" in tid:
        head, rest = tid.split("::", 1)
        if _FILE_PART_RE.search(head):
            rel = tree.resolve(head)
            if rel is not None:
                name = _strip_params(rest).replace("::", ".")
                hit = find_fragment(tree.fragments(rel), name)
                if hit is not None:
                    return hit, "found by its node id"
        elif "/" in head or "." in head:  # Go: import/path::TestX/sub
            name = rest.split("/", 1)[0]
            found = [f for f in tree.all_fragments() if f.name == name and f.language == "go"]
            if len(found) > 1:
                found = [f for f in found if _dir_matches(f.path, head)] or found
            if found:
                return found[0], "found by its Go package and name"
    # dotted ids: module.path.Class.test (unittest, JUnit, pytest's junit classnames)
    bare = _strip_params(tid)
    parts = bare.split(".")
    for i in range(len(parts) - 1, 0, -1):
        module = "/".join(parts[:i])
        for ext in _EXTENSIONS:
            rel = tree.resolve(module + ext)
            if rel is None:
                continue
            hit = find_fragment(tree.fragments(rel), ".".join(parts[i:]))
            if hit is not None:
                return hit, "found by its dotted id"
    # names alone: Rust module paths, Go names, Jest/Node descriptions
    tests = [f for f in tree.all_fragments() if f.kind == "test"]
    name = bare.replace("::", ".")
    hit = find_fragment(tests, name)
    if hit is None and "." in name:
        for k in range(1, name.count(".") + 1):
            hit = find_fragment(tests, name.split(".", k)[-1])
            if hit is not None:
                break
    if hit is None:
        spaced = [f for f in tests if f.name.replace(" > ", " ") == tid]
        hit = spaced[0] if len(spaced) == 1 else None
    if hit is not None:
        return hit, "found by its name"
    return None, ""


def _by_frames(tree: SourceTree, failure: Failure) -> tuple[Fragment | None, str]:
    sites = [(f.path, f.line) for f in failure.frames if f.is_project]
    sites += [(loc.path, loc.line) for loc in failure.locations if loc.message is None]
    for path, line in sites:
        if line is None:
            continue
        rel = tree.resolve(path)
        if rel is None:
            continue
        frag = enclosing_fragment(tree.fragments(rel), rel, line)
        if frag is not None and frag.kind == "test":
            return frag, f"the test around {rel}:{line}"
    return None, ""


# ------------------------------------------------------------------------------ blame
def _blamed(
    tree: SourceTree, failure: Failure, hint: str | None
) -> tuple[Fragment | None, Location | None, str]:
    skipped = 0
    for frame in reversed(failure.frames):
        if not frame.is_project or frame.line is None:
            skipped += 0 if frame.is_project else 1
            continue
        rel = tree.resolve(frame.path, hint)
        if rel is None:
            continue
        frag = enclosing_fragment(tree.fragments(rel), rel, frame.line)
        if frag is not None:
            where = f"{rel}:{frame.line}" + (f" in {frame.function}" if frame.function else "")
            lib = (
                f" (after {skipped} library frame{'s' if skipped != 1 else ''})" if skipped else ""
            )
            return frag, Location(rel, frame.line), f"deepest project frame {where}{lib}"
    outside: str | None = None
    lineless: str | None = None
    for loc in failure.locations:
        if loc.line is None:
            lineless = lineless or loc.path
            continue
        rel = tree.resolve(loc.path, hint)
        if rel is None:
            continue
        frag = enclosing_fragment(tree.fragments(rel), rel, loc.line)
        if frag is not None:
            what = (
                "reported location" if loc.message is None else f"related location ({loc.message})"
            )
            return frag, Location(rel, loc.line, loc.column), f"{what} {rel}:{loc.line}"
        if outside is None:
            outside = f"{rel}:{loc.line}"
    if outside is not None:
        return None, None, f"the reported location {outside} is outside any function or class"
    if lineless is not None:
        return None, None, f"the failure names {lineless} but no line in it"
    if failure.frames or failure.locations:
        return None, None, "no frame or location of this failure is in the source tree"
    return None, None, "the failure names no file"


def blame(
    failures: Iterable[Failure],
    root: str | os.PathLike[str],
    *,
    fragments: Sequence[Fragment] | None = None,
) -> list[Blame]:
    """One :class:`Blame` per failure, in order (see the module docstring)."""
    items = list(failures)
    for f in items:
        check_param(
            isinstance(f, Failure), "failures", "blame", "an iterable of Failure", type(f).__name__
        )
    tree = SourceTree(root, fragments)
    out: list[Blame] = []
    for failure in items:
        test_frag: Fragment | None = None
        parts: list[str] = []
        hint = (
            failure.test_id.split("::", 1)[0] if failure.test_id and failure.tool == "go" else None
        )
        is_test = failure.test_id is not None and failure.outcome in ("failed", "error", "flaky")
        if is_test and failure.test_id:
            test_frag, how = _by_test_id(tree, failure.test_id)
            if test_frag is None:
                test_frag, how = _by_frames(tree, failure)
            parts.append(
                f"test {test_frag.ref} {how}"
                if test_frag is not None
                else "test not found in the tree"
            )
        blamed, site, why = _blamed(tree, failure, hint)
        if blamed is not None and test_frag is not None and blamed.id == test_frag.id:
            why += " (inside the test itself)"
        parts.append(f"blamed {blamed.ref}: {why}" if blamed is not None else why)
        out.append(Blame(failure, test_frag, blamed, "; ".join(parts), site))
    return out


__all__ = ["Blame", "SourceTree", "blame"]
