"""Labels and triviality tags for edits.

A *labeller* is any callable ``labeller(edit) -> tuple[str, ...]`` (the
:class:`Labeller` protocol).  The miner calls it once per edit.  The default,
:class:`KeywordLabeller`, reads the commit message and looks at where the
change happened::

    >>> from embedmotion.edits import Edit
    >>> from embedmotion.fragments import Fragment
    >>> f = Fragment.from_text("def f():\\n    pass\\n", language="python", name="f", path="app.py")
    >>> KeywordLabeller()(Edit(f, f, "modified", message="Fix flaky retry test"))
    ('flaky', 'bugfix')

Message rules (``DEFAULT_RULES``), searched case-insensitively.  A pattern made
only of letters, digits, spaces, ``-`` and ``_`` is matched as a whole word or
phrase; anything else is used as a Python regular expression as written:

==========  ================================================================
label       patterns
==========  ================================================================
flaky       flaky, flake(s), flakiness, intermittent(ly), nondeterministic,
            non-deterministic, sporadic(ally), "fails randomly"
race        race, race condition, data race, deadlock, concurren*, thread-safe
typo        typo(s), misspell*, spelling
perf        perf, performance, speed up / speedup, faster, optimi[sz]e*, slow
security    security, ``CVE-``, vulnerab*, injection, xss, csrf, sanitiz*
typing      type hint(s), type annotation(s), annotation(s), mypy, typing,
            pyright, type check*
refactor    refactor*, clean up / cleanup, simplif*, restructur*, rename
revert      ``^Revert`` (the message starts with "Revert")
bugfix      fix(es/ed/ing), bug(s), bugfix, crash*, regression, hotfix
docs        doc(s), docstring, documentation, readme, comment(s)
deps        dep(s), dependenc*, bump, upgrade, requirements, vendor*, lockfile
==========  ================================================================

Structural labels look at the fragments, not the message:

``test-only``
    every changed fragment is a test (kind ``"test"``) or lives under a test
    path (``tests/``, ``test_*.py``, ``*_test.go``, ``*.spec.ts``, ``FooTest.java`` ...).

Custom rules: ``KeywordLabeller({"logging": ["log(s|ging)?", "logger"]})``
replaces the defaults; ``KeywordLabeller({**DEFAULT_RULES, **load_rules(path)})``
extends them.  :func:`load_rules` reads a JSON or TOML file shaped like
``{"label": ["pattern", ...]}`` (TOML: ``label = ["pattern", ...]``, optionally
under a ``[labels]`` table) — this is what ``--label-rules`` takes.

:func:`triviality` tags edits that change no behaviour::

    >>> triviality("x = 1\\n", "x  =  1\\n", "python")
    'whitespace'
    >>> triviality("x = 1  # one\\n", "x = 1  # uno\\n", "python")
    'comment'
    >>> triviality("def f(a):\\n    return a\\n", "def f(b):\\n    return b\\n", "python")
    'rename'
    >>> triviality("def f(a):\\n    return a\\n", "def f(a):\\n    return -a\\n", "python")
    ''
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from embedmotion.errors import InputError, UsageError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from embedmotion.edits import Edit


class Labeller(Protocol):
    """Anything that maps an edit to a tuple of label strings."""

    def __call__(self, edit: Edit) -> tuple[str, ...]: ...


DEFAULT_RULES: dict[str, list[str]] = {
    "flaky": [
        r"\bflak(y|e|es|iness)\b",
        r"\bintermittent(ly)?\b",
        r"\bnon-?deterministic(ally)?\b",
        r"\bsporadic(ally)?\b",
        "fails randomly",
    ],
    "race": [
        r"\braces?\b",
        "race condition",
        "data race",
        r"\bdeadlocks?\b",
        r"\bconcurren\w*",
        r"\bthread-?safe(ty)?\b",
    ],
    "typo": [r"\btypos?\b", r"\bmisspel\w*", r"\bspelling\b"],
    "perf": [
        r"\bperf\b",
        r"\bperformance\b",
        r"\bspeed ?ups?\b",
        r"\bfaster\b",
        r"\boptimi[sz]\w*",
        r"\bslow(er|ness)?\b",
    ],
    "security": [
        r"\bsecurity\b",
        r"\bCVE-\d*",
        r"\bvulnerab\w*",
        r"\binjection\b",
        r"\bxss\b",
        r"\bcsrf\b",
        r"\bsaniti[sz]\w*",
    ],
    "typing": [
        r"\btype hints?\b",
        r"\btype annotations?\b",
        r"\bannotations?\b",
        r"\bmypy\b",
        r"\btyping\b",
        r"\bpyright\b",
        r"\btype[- ]?check\w*",
    ],
    "refactor": [
        r"\brefactor\w*",
        r"\bclean ?up\b",
        r"\bsimplif\w*",
        r"\brestructur\w*",
        r"\brenam(e|ed|es|ing)\b",
    ],
    "revert": [r"^\s*Revert\b"],
    "bugfix": [
        r"\bfix(es|ed|ing)?\b",
        r"\bbugs?\b",
        r"\bbugfix(es)?\b",
        r"\bcrash\w*",
        r"\bregression\b",
        r"\bhotfix\b",
    ],
    "docs": [
        r"\bdocs?\b",
        r"\bdocstrings?\b",
        r"\bdocumentation\b",
        r"\breadme\b",
        r"\bcomments?\b",
    ],
    "deps": [
        r"\bdeps?\b",
        r"\bdependenc(y|ies)\b",
        r"\bbump(s|ed)?\b",
        r"\bupgrade[sd]?\b",
        r"\brequirements\b",
        r"\bvendor\w*",
        r"\block ?file\b",
    ],
}

_PLAIN = re.compile(r"^[\w \-]+$")

_TEST_DIRS = {"test", "tests", "testing", "__tests__", "spec", "specs", "testdata"}
_TEST_FILE = re.compile(
    r"(^test_.*\.py$|.*_test\.py$|.*_test\.go$|.*\.(test|spec)\.[cm]?[jt]sx?$"
    r"|.*Tests?\.java$|^Test.*\.java$|.*_test\.(c|cc|cpp|rs)$|^test_.*\.(c|cc|cpp)$)"
)


def _compile(label: str, pattern: str) -> re.Pattern[str]:
    if _PLAIN.match(pattern):
        source = r"\b" + re.escape(pattern).replace(r"\ ", " ").replace(r"\-", "-") + r"\b"
    else:
        source = pattern
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise InputError(
            f"The pattern {pattern!r} of label {label!r} is not a valid regular expression ({exc}).",
            fix="Fix the pattern, or escape special characters with a backslash.",
        ) from exc


def is_test_path(path: str) -> bool:
    """True for files that hold tests by convention (``tests/``, ``test_x.py``, ``x_test.go``...)."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if any(p.lower() in _TEST_DIRS for p in parts[:-1]):
        return True
    return bool(parts) and bool(_TEST_FILE.match(parts[-1]))


class KeywordLabeller:
    """Label edits from their commit message, plus structural labels.

    ``rules`` maps a label to a list of patterns (see the module docstring);
    ``None`` means :data:`DEFAULT_RULES`.  Labels come out in rule order,
    followed by the structural ones (``structural=False`` turns those off).
    """

    def __init__(
        self, rules: Mapping[str, Sequence[str]] | None = None, *, structural: bool = True
    ) -> None:
        self.rules = dict(DEFAULT_RULES if rules is None else rules)
        self.structural = structural
        compiled: list[tuple[str, list[re.Pattern[str]]]] = []
        for label, patterns in self.rules.items():
            if not isinstance(label, str) or not label:
                raise UsageError(
                    f"The label names of KeywordLabeller must be non-empty strings. Got {label!r} instead."
                )
            if isinstance(patterns, str) or not all(isinstance(p, str) for p in patterns):
                raise UsageError(
                    f"The patterns of label {label!r} of KeywordLabeller must be a list of strings. "
                    f"Got {patterns!r} instead."
                )
            compiled.append((label, [_compile(label, p) for p in patterns]))
        self._compiled = compiled
        self._recent: dict[str, tuple[str, ...]] = {}

    def __repr__(self) -> str:
        return f"KeywordLabeller(labels={list(self.rules)!r}, structural={self.structural})"

    def labels_for_message(self, message: str) -> tuple[str, ...]:
        """The message labels alone (the last few messages are remembered: the edits
        of one commit share theirs)."""
        hit = self._recent.get(message)
        if hit is None:
            hit = tuple(
                label
                for label, patterns in self._compiled
                if any(p.search(message) for p in patterns)
            )
            if len(self._recent) >= 64:
                self._recent.clear()
            self._recent[message] = hit
        return hit

    def __call__(self, edit: Edit) -> tuple[str, ...]:
        labels = list(self.labels_for_message(edit.message or ""))
        if self.structural:
            sides = [f for f in (edit.before, edit.after) if f is not None]
            if sides and all(f.kind == "test" or is_test_path(f.path) for f in sides):
                labels.append("test-only")
        return tuple(labels)


def load_rules(path: str | Path) -> dict[str, list[str]]:
    """Read ``{label: [patterns]}`` from a ``.json`` or ``.toml`` file (``--label-rules``)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(
            f"The label rules file {str(p)!r} does not exist.",
            fix="Pass the path of a JSON or TOML file mapping each label to a list of patterns.",
        )
    text = p.read_text(encoding="utf-8", errors="replace")
    data: Any
    if p.suffix.lower() == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            try:
                import tomli as tomllib
            except ImportError as exc:
                raise InputError(
                    "Reading TOML label rules needs Python 3.11 or the 'tomli' package.",
                    fix="Run `pip install tomli`, or write the rules as JSON.",
                ) from exc
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(
                f"The label rules file {str(p)!r} is not valid TOML ({exc}).",
                fix='Write one line per label, e.g. flaky = ["flaky", "intermittent"].',
            ) from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"The label rules file {str(p)!r} is not valid JSON "
                f"(line {exc.lineno}, column {exc.colno}: {exc.msg}).",
                fix='Write an object such as {"flaky": ["flaky", "intermittent"]}.',
            ) from exc
    if isinstance(data, dict) and set(data) == {"labels"} and isinstance(data["labels"], dict):
        data = data["labels"]
    if not isinstance(data, dict) or not data:
        raise InputError(
            f"The label rules file {str(p)!r} must hold a non-empty mapping of label -> patterns.",
            fix='Write an object such as {"flaky": ["flaky", "intermittent"]}.',
        )
    rules: dict[str, list[str]] = {}
    for label, patterns in data.items():
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(x, str) for x in patterns):
            raise InputError(
                f"The label {label!r} in {str(p)!r} must map to a list of pattern strings. "
                f"Got {patterns!r} instead.",
                fix='Write e.g. "flaky": ["flaky", "intermittent"].',
            )
        for pattern in patterns:
            _compile(str(label), pattern)
        rules[str(label)] = list(patterns)
    return rules


# ---------------------------------------------------------------------------------------------
# triviality
# ---------------------------------------------------------------------------------------------

_STRINGS_PY = r"""(?:[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))"""
_STRINGS_C = r"""(?:"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)"""
# One alternation per language; findall returns plain strings (all the work in C).
_TOKEN_PY = re.compile(rf"{_STRINGS_PY}|#[^\n]*|[A-Za-z_]\w*|\d\w*|\S")
_TOKEN_C = re.compile(rf"{_STRINGS_C}|//[^\n]*|/\*[\s\S]*?\*/|[A-Za-z_$][\w$]*|\d\w*|\S")
_COMMENT = "\0"  # prefix marking comment (and docstring) tokens
_LAYOUT = "\1"  # prefix marking Python indentation markers


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_KEYWORDS: dict[str, frozenset[str]] = {
    "python": frozenset(keyword.kwlist) | frozenset({"self", "cls", "super"}),
    "c_like": _words(
        """abstract as async await auto bool boolean break byte case catch char class const continue
        crate default defer delete do double dyn else enum export extends extern false final finally
        float fn for func function go goto if impl implements import in instanceof int interface let
        long loop map match mod move mut namespace native new nil null package private protected pub
        public range ref register return select self Self short signed sizeof static struct super
        switch synchronized template this throw throws trait true try type typedef typeof undefined
        union unsafe unsigned use var virtual void volatile where while yield string"""
    ),
}
_DECL_KEYWORDS = _words(
    "def class function func fn let const var struct interface type enum for as mut lambda"
)
# Words after which a name is used, not declared (``return x``, ``new Foo``).
_EXPR_KEYWORDS = _words(
    """return new throw else case in of instanceof typeof await yield go defer delete not and or
    is import from package goto sizeof raise assert del if elif while with"""
)
_DECL_FOLLOWERS = frozenset({"=", ";", ",", ")", ":", "["})


def _is_word(token: str) -> bool:
    return (token[0].isalpha() or token[0] in "_$") and token[-1] not in "\"'`"


def _tokens(text: str, language: str) -> list[str]:
    """Tokens as strings; comments (and Python docstrings) whitespace-normalised and
    prefixed with ``_COMMENT``."""
    if language != "python":
        return [
            _COMMENT + " ".join(t.split()) if t[:2] in ("//", "/*") else t
            for t in _TOKEN_C.findall(text)
        ]
    tokens = [_COMMENT + " ".join(t.split()) if t[0] == "#" else t for t in _TOKEN_PY.findall(text)]
    for i, tok in enumerate(tokens):
        # A docstring: a triple-quoted string opening a block (or the fragment).
        if (
            len(tok) >= 6
            and tok[-1] in "\"'"
            and (i == 0 or tokens[i - 1] == ":")
            and tok.lstrip("rRbBuUfF")[:3] in ('"""', "'''")
        ):
            tokens[i] = _COMMENT + " ".join(tok.split())
    return tokens


def _python_layout(text: str) -> list[str]:
    """Indentation structure as relative INDENT/DEDENT markers.

    Only the nesting matters, not the width: re-indenting 2 → 4 spaces stays
    whitespace-only, moving a line into a block does not.  (Interleaving the
    markers with the tokens would need a full lexer; their sequence is enough
    to compare structures.)
    """
    markers: list[str] = []
    stack = [0]
    for line in text.splitlines():
        stripped = line.lstrip()
        if not stripped or stripped[0] == "#":
            continue
        width = len(line) - len(stripped)
        if width > stack[-1]:
            stack.append(width)
            markers.append(_LAYOUT + ">")
        while width < stack[-1] and len(stack) > 1:
            stack.pop()
            markers.append(_LAYOUT + "<")
    return markers


def _declared(tokens: list[str], keywords: frozenset[str]) -> set[str]:
    """Names a fragment binds: definition names, parameters, assignment targets, typed locals."""
    names: set[str] = set()
    depth = 0
    first_parens_done = False
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok == "(":
            depth += 1
            continue
        if tok == ")":
            depth -= 1
            first_parens_done = first_parens_done or depth == 0
            continue
        if not _is_word(tok) or tok in keywords:
            continue
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < n else ""
        nxt2 = tokens[i + 2] if i + 2 < n else ""
        if prev in (".", ">"):
            continue  # attribute / member access: never a binding
        prev_word = bool(prev) and _is_word(prev)
        if prev_word and prev in _DECL_KEYWORDS:
            names.add(tok)
        elif not first_parens_done and depth > 0:
            names.add(tok)  # the parameter list
        elif nxt == "=" and nxt2 != "=":
            names.add(tok)
        elif nxt == ":" and nxt2 == "=":
            names.add(tok)  # go :=
        elif prev_word and prev not in _EXPR_KEYWORDS and nxt in _DECL_FOLLOWERS:
            names.add(tok)  # typed declaration: `int count =`, `String name;`
        elif prev in ("(", ",") and bool(nxt) and _is_word(nxt):
            names.add(tok)  # go-style parameter: `(name Type`
    return names


def _is_rename(before: list[str], after: list[str], language: str) -> bool:
    if len(before) != len(after):
        return False
    keywords = _KEYWORDS["python" if language == "python" else "c_like"]
    forward: dict[str, str] = {}
    backward: dict[str, str] = {}
    for b, a in zip(before, after, strict=True):
        if forward.setdefault(b, a) != a or backward.setdefault(a, b) != b:
            return False
        if b != a and (not _is_word(b) or not _is_word(a) or b in keywords or a in keywords):
            return False
    renamed = {b for b, a in forward.items() if a != b}
    return bool(renamed) and renamed <= _declared(before, keywords)


def triviality(before_text: str, after_text: str, language: str) -> str:
    """``"whitespace"``, ``"comment"``, ``"rename"`` or ``""`` (a real change).

    * ``"whitespace"``: the same tokens (and, for Python, the same block nesting);
      identical texts also count as whitespace-only.
    * ``"comment"``: the same once comments (and Python docstrings) are removed.
    * ``"rename"``: the same once names bound by the fragment (its own name,
      parameters, assigned or declared locals) are renamed consistently; renaming
      a called function or an attribute is *not* trivial.

    A token-level heuristic with per-language comment syntax (``#`` for Python,
    ``//`` and ``/* */`` for the C family): cheap enough to run on every mined edit.
    """
    if before_text == after_text:
        return "whitespace"
    tb = _tokens(before_text, language)
    ta = _tokens(after_text, language)
    cb = [t for t in tb if t[0] != _COMMENT]
    ca = [t for t in ta if t[0] != _COMMENT]
    if len(cb) != len(ca):
        return ""  # the common case, decided before the costlier checks
    if language == "python" and _python_layout(before_text) != _python_layout(after_text):
        return ""
    if tb == ta:
        return "whitespace"
    if cb == ca:
        return "comment"
    if _is_rename(cb, ca, language):
        return "rename"
    return ""


__all__ = [
    "DEFAULT_RULES",
    "KeywordLabeller",
    "Labeller",
    "is_test_path",
    "load_rules",
    "triviality",
]
