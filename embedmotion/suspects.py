"""Suspects: which fragments of the code under test a set of failures points at.

:func:`embedmotion.failures.blame` ties a failure to the fragment around its
deepest project frame — for a failed assertion that is the *test itself*.  A
repair tool needs the code under test instead::

    from embedmotion.failures import parse_failures
    from embedmotion.suspects import find_suspects

    failures = parse_failures("pytest.log").failures
    for s in find_suspects("path/to/project", failures):
        print(f"{s.score:.2f}", s.ref, "|", s.reason)

Evidence, per failure (fragments in test files — ``tests/``, ``test_*.py``,
``*_test.go``, ``*.test.js`` ... — and tests themselves are never suspects):

* frames of project code outside tests: the deepest counts 1, the others 0.5;
* each function called on the failing line of the test (the assertion; when it
  calls nothing, the two lines before it too) counts 1, each other function
  the test calls 0.5.  Calls go through helpers in test files at full weight,
  and from a suspect into what it calls at 0.3 of its weight (shared).

Calls are found by name (``name(`` and ``.name``), so a method ``Cart.totals``
matches ``cart.totals()``.  Suspects are returned best first (ties: the longer
fragment first), at most ``limit`` of them, none nested in another, none below
a tenth of the best score; ``score`` is relative to the best (1.0).
``target="FILE"`` restricts the suspects to one file (every function of it
when the failures say nothing); ``target="FILE::name"`` names the one suspect.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from .failures import Failure, SourceTree
    from .fragments import Fragment

CODE_KINDS = ("function", "method")
TEST_PATH = re.compile(
    r"(^|/)(tests?|spec|specs|__tests__|testing)/|(^|/)test_[^/]*$|_test\.\w+$"
    r"|\.(test|spec)\.\w+$|(^|/)conftest\.py$"
)
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_ATTR = re.compile(r"\.([A-Za-z_]\w*)\b")


@dataclass(frozen=True)
class Suspect:
    """A fragment of the code under test, its score (best = 1.0) and the evidence."""

    fragment: Fragment
    score: float
    reason: str

    @property
    def ref(self) -> str:
        return self.fragment.ref


def is_test_fragment(frag: Fragment) -> bool:
    """A test, or any fragment of a test file (helpers, fixtures)."""
    return frag.kind == "test" or bool(TEST_PATH.search(frag.path))


def called_names(text: str) -> list[str]:
    """Names called (``name(``) or accessed (``.name``) in ``text``, first occurrence order."""
    return list(dict.fromkeys(_CALL.findall(text) + _ATTR.findall(text)))


class _Evidence:
    def __init__(self, tree: SourceTree, only: str | None) -> None:
        self.tree = tree
        self.only = only
        self.score: dict[str, float] = {}
        self.why: dict[str, list[str]] = {}
        self.order: dict[str, int] = {}
        self.frag: dict[str, Fragment] = {}
        self.by_name: dict[str, list[Fragment]] = {}
        for f in tree.all_fragments():
            if f.kind in (*CODE_KINDS, "test"):
                self.by_name.setdefault(f.name.rsplit(".", 1)[-1], []).append(f)

    def is_code(self, f: Fragment) -> bool:
        return (
            f.kind in CODE_KINDS
            and not is_test_fragment(f)
            and (self.only is None or f.path == self.only)
        )

    def add(self, f: Fragment, w: float, why: str) -> None:
        if not self.is_code(f) or w <= 0:
            return
        self.score[f.id] = self.score.get(f.id, 0.0) + w
        self.order.setdefault(f.id, len(self.order))
        self.frag[f.id] = f
        reasons = self.why.setdefault(f.id, [])
        if why not in reasons:
            reasons.append(why)

    def callees(self, text: str, exclude: str) -> list[Fragment]:
        out = [g for n in called_names(text) for g in self.by_name.get(n, [])]
        return [g for g in dict.fromkeys(out) if g.id != exclude and g.kind != "test"]

    def spread(self, f: Fragment, w: float, why: str, depth: int, seen: frozenset[str]) -> None:
        """Credit ``f`` (if it is code under test) and, less, what it calls."""
        self.add(f, w, why)
        if depth <= 0:
            return
        nxt = [g for g in self.callees(f.text, f.id) if g.id not in seen]
        if not nxt:
            return
        share = w * 0.3 / len(nxt) if self.is_code(f) else w  # helpers pass it all on
        for g in nxt:
            self.spread(g, share, why, depth - 1, seen | {f.id})


def _lines(text: str, first_line: int, lines: set[int], before: int) -> str:
    """The given (1-based) lines of a fragment, each with ``before`` lines ahead of it."""
    rows = text.splitlines()
    picked = {
        k - first_line
        for n in lines
        for k in range(n - before, n + 1)
        if first_line <= k < first_line + len(rows)
    }
    return "\n".join(rows[i] for i in sorted(picked))


def find_suspects(
    root: str | os.PathLike[str],
    failures: Sequence[Failure],
    *,
    target: str | None = None,
    limit: int = 3,
) -> list[Suspect]:
    """The fragments the failures point at, best first (see the module docstring).

    Raises :class:`~embedmotion.errors.UsageError` when ``target`` names
    nothing, or when nothing in the tree can be tied to the failures.
    """
    from .failures import SourceTree, blame
    from .parsing import enclosing_fragment, find_fragment, parse_file

    root = Path(root)
    only: str | None = None
    if target:
        file_part, _, name = target.partition("::")
        file = root / file_part
        if not file.is_file():
            raise UsageError(
                f"--target {target}: no file {file_part} in the project.",
                fix="Give a path relative to the project root, e.g. src/app.py::func.",
            )
        frags = [f for f in parse_file(file, root=root).fragments if f.kind != "module"]
        if name:
            frag = find_fragment(frags, name)
            if frag is None:
                names = ", ".join(f.name for f in frags[:12]) or "none"
                raise UsageError(
                    f"--target {target}: no fragment {name!r} in {file_part}.",
                    fix=f"Use FILE::qualified.name (fragments there: {names}).",
                )
            return [Suspect(frag, 1.0, "named by --target")]
        only = file.relative_to(root).as_posix()
    tree = SourceTree(root)
    ev = _Evidence(tree, only)
    for b in blame(list(failures), root) if failures else []:
        fail = b.failure
        frames = [fr for fr in fail.frames if fr.is_project and fr.line is not None]
        for depth, fr in enumerate(reversed(frames)):
            rel = tree.resolve(fr.path)
            enc = enclosing_fragment(tree.fragments(rel), rel, fr.line or 0) if rel else None
            if enc is not None:
                ev.add(enc, 1.0 if depth == 0 else 0.5, f"frame {rel}:{fr.line}")
        test = b.test_fragment
        if test is None and b.blamed_fragment is not None and is_test_fragment(b.blamed_fragment):
            test = b.blamed_fragment
        if test is None:
            continue
        sites = [(fr.path, fr.line) for fr in frames] + [
            (loc.path, loc.line) for loc in fail.locations
        ]
        lines = {
            int(line)
            for path, line in sites
            if line is not None
            and tree.resolve(path) == test.path
            and test.start_line <= line <= test.end_line
        }
        failing: list[Fragment] = []
        for before in (0, 2) if lines else ():  # the failing line; else the two lines ahead too
            failing = failing or ev.callees(
                _lines(test.text, test.start_line, lines, before), test.id
            )
        for g in failing:
            ev.spread(g, 1.0, f"called where {test.ref} fails", 2, frozenset())
        called = ev.callees(test.text, test.id)
        for g in called:
            ev.spread(g, 0.5, f"called by {test.ref}", 2, frozenset())
    if not ev.score and only is not None:
        for f in tree.fragments(only):
            ev.add(f, 1.0, f"a function of {only}")
    if not ev.score:
        raise UsageError(
            "climb could not tie the failures to a fragment of the code under test.",
            fix="Pass --target FILE::name (the function to repair).",
        )

    def key(k: str) -> tuple[float, int, int]:
        f = ev.frag[k]
        return (-round(ev.score[k], 6), -(f.end_line - f.start_line), ev.order[k])

    ranked = sorted(ev.score, key=key)
    top = ev.score[ranked[0]]
    out: list[Suspect] = []
    for k in ranked:
        f = ev.frag[k]
        if len(out) >= limit or ev.score[k] < 0.1 * top:
            break
        if any(
            s.fragment.path == f.path
            and s.fragment.start_byte < f.end_byte
            and f.start_byte < s.fragment.end_byte
            for s in out
        ):
            continue  # nested in (or around) a suspect already taken
        out.append(Suspect(f, ev.score[k] / top, "; ".join(ev.why[k][:3])))
    return out


__all__ = ["CODE_KINDS", "Suspect", "called_names", "find_suspects", "is_test_fragment"]
