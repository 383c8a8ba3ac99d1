"""The matching core shared by every mining source.

Given the two versions of each changed file, :func:`_pair_changes` parses both
sides, matches fragments by qualified name, then by name across files (moves),
then by text similarity (renames), and :func:`_make_edits` turns the pairs into
:class:`~embedmotion.edits.Edit` rows with hunks, labels and triviality tags.
:class:`MiningResult` is what every source (git history, patches, file pairs)
returns.  See :mod:`embedmotion.mining` for the user-facing documentation.
"""

from __future__ import annotations

import difflib
import logging
import re
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from embedmotion.edits import Edit, Hunk, edits_to_frame
from embedmotion.errors import EmbedmotionError
from embedmotion.fragments import Fragment
from embedmotion.labels import Labeller, triviality
from embedmotion.languages import get_language
from embedmotion.parsing import extract_fragments

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

log = logging.getLogger(__name__)


#: Pairs of leftover fragments at least this similar are taken for renames / moves.
RENAME_SIMILARITY = 0.6
#: Above this many (removed x added) leftovers, only same-named ones are compared.
MAX_SIMILARITY_PAIRS = 250_000
DEFAULT_MAX_BYTES = 1_000_000
_SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".tox"}



@dataclass
class MiningResult:
    """Edits plus an account of everything that was skipped, and why.

    ``commits_skipped`` counts commits by reason (``"merge"``,
    ``"already mined"``, ``"too many files"``, ``"error"``); ``files_skipped``
    lists ``(commit, path, reason)``; ``files_with_errors`` lists
    ``(commit, path)`` of files tree-sitter parsed only partially (their
    fragments were kept, flagged ``has_error``).
    """

    edits: list[Edit] = field(default_factory=list)
    commits_seen: int = 0
    commits_mined: int = 0
    commits_skipped: dict[str, int] = field(default_factory=dict)
    files_parsed: int = 0
    bytes_parsed: int = 0
    files_skipped: list[tuple[str, str, str]] = field(default_factory=list)
    files_with_errors: list[tuple[str, str]] = field(default_factory=list)

    def skip_commit(self, reason: str) -> None:
        self.commits_skipped[reason] = self.commits_skipped.get(reason, 0) + 1

    def skip_file(self, commit: str, path: str, reason: str) -> None:
        self.files_skipped.append((commit, path, reason))

    def to_frame(self) -> pd.DataFrame:
        """The edits as a DataFrame (see :func:`~embedmotion.edits.edits_to_frame`)."""
        return edits_to_frame(self.edits)

    def summary(self) -> str:
        """A few human-readable lines: counts of edits by status, skips by reason."""
        by_status: dict[str, int] = {}
        for e in self.edits:
            by_status[e.status] = by_status.get(e.status, 0) + 1
        trivial = sum(1 for e in self.edits if e.trivial)
        lines = [
            f"{len(self.edits)} edits ("
            + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
            + f"; {trivial} trivial) from {self.commits_mined} of {self.commits_seen} commits, "
            f"{self.files_parsed} files ({self.bytes_parsed / 1e6:.1f} MB) parsed"
        ]
        if self.commits_skipped:
            lines.append(
                "commits skipped: "
                + ", ".join(f"{n} {r}" for r, n in sorted(self.commits_skipped.items()))
            )
        if self.files_skipped:
            reasons: dict[str, int] = {}
            for _, _, reason in self.files_skipped:
                key = reason.split(" (")[0].split(":")[0]
                reasons[key] = reasons.get(key, 0) + 1
            lines.append(
                "files skipped: " + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
            )
        merges = self.commits_skipped.get("merge", 0)
        if merges and merges >= self.commits_mined:
            lines.append(
                "most commits were merges: this history merges pull requests; pass "
                "include_merges=True (one edit set per merge) or first_parent=False "
                "(the branches' own commits)"
            )
        if self.files_with_errors:
            lines.append(f"files parsed with syntax errors: {len(self.files_with_errors)}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The matching core shared by all sources
# ---------------------------------------------------------------------------------------------


@dataclass
class _FileChange:
    """Both sides of one changed file. ``*_known``: line ranges that are real (None: all)."""

    old_path: str | None
    new_path: str | None
    language: str
    old_text: str | None
    new_text: str | None
    hunks: list[Hunk]
    old_known: list[tuple[int, int]] | None = None
    new_known: list[tuple[int, int]] | None = None
    old_key: str = ""  # blob ids: a parse of the same blob at the same path is reused
    new_key: str = ""


_Pair = tuple[Fragment | None, Fragment | None, str, tuple[Hunk, ...]]


class _ParseCache:
    """The fragments of recently parsed blobs, keyed by (blob id, path, language).

    Walking history, the old side of one commit is the new side of the next one
    down, so every file version is parsed about once instead of twice.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, str], tuple[bool, list[Fragment]]] = OrderedDict()

    def get(self, key: tuple[str, str, str]) -> tuple[bool, list[Fragment]] | None:
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
        return hit

    def put(self, key: tuple[str, str, str], value: tuple[bool, list[Fragment]]) -> None:
        self._items[key] = value
        if len(self._items) > self.size:
            self._items.popitem(last=False)


def _fragments(
    text: str | None,
    change: _FileChange,
    side: str,
    result: MiningResult,
    commit: str,
    cache: _ParseCache | None = None,
) -> list[Fragment] | None:
    path = change.old_path if side == "old" else change.new_path
    known = change.old_known if side == "old" else change.new_known
    blob = change.old_key if side == "old" else change.new_key
    if text is None or path is None:
        return []
    key = (blob, path, change.language)
    hit = cache.get(key) if cache is not None and blob else None
    if hit is not None:
        has_error, frags = hit
    else:
        try:
            frags = extract_fragments(text, change.language, path, include_module=True)
        except EmbedmotionError as exc:
            result.skip_file(commit, path, f"parse failed: {exc.problem}")
            return None
        except Exception as exc:  # a grammar or query bug must not end a long run
            log.warning("parsing %s at %s failed: %r", path, commit[:12], exc)
            result.skip_file(commit, path, f"parse failed: {type(exc).__name__}: {exc}")
            return None
        module, frags = frags[0], frags[1:]
        has_error = module.has_error
        result.files_parsed += 1
        result.bytes_parsed += module.end_byte
        if cache is not None and blob:
            cache.put(key, (has_error, frags))
    if has_error:
        result.files_with_errors.append((commit, path))
        if not frags and text.strip():
            result.skip_file(commit, path, "syntax errors, no fragment recovered")
    if known is not None:
        lines = text.split("\n")
        frags = [f for f in frags if not f.has_error and _complete(f, known, lines)]
    return frags


def _complete(frag: Fragment, known: list[tuple[int, int]], lines: list[str]) -> bool:
    """Whether a fragment of a text rebuilt from hunks surely lies inside one hunk.

    Brace languages close their fragments explicitly (a cut one has a MISSING
    node, hence ``has_error``); a Python block is only known to end when a
    later line of the same hunk is indented no deeper than its first line.
    """
    for a, b in known:
        if not (a <= frag.start_line and frag.end_line <= b):
            continue
        if frag.language != "python":
            return True
        head = lines[frag.start_line - 1]
        indent = len(head) - len(head.lstrip())
        for k in range(frag.end_line, b):
            line = lines[k]
            if line.strip():
                return len(line) - len(line.lstrip()) <= indent
        return False
    return False


def _only_nested_changed(
    before: Fragment, old: list[Fragment], after: Fragment, new: list[Fragment]
) -> bool:
    """True when a container changed only inside (or by adding/removing) nested fragments."""
    a, b = _skeleton(before, old), _skeleton(after, new)
    return (a is not None or b is not None) and (a or _squash(before.text)) == (
        b or _squash(after.text)
    )


def _squash(text: str) -> str:
    return "".join(text.split())


def _skeleton(frag: Fragment, siblings: list[Fragment]) -> str | None:
    """The fragment's own code: its text without nested fragments, without whitespace.

    Equal skeletons mean every change happened inside (or by adding or removing)
    nested fragments, which get edits of their own.
    """
    kids = [
        c
        for c in siblings
        if c is not frag
        and frag.start_byte <= c.start_byte
        and c.end_byte <= frag.end_byte
        and (c.start_byte, c.end_byte) != (frag.start_byte, frag.end_byte)
    ]
    if not kids:
        return None
    data = frag.text.encode("utf-8", "surrogatepass")
    out: list[bytes] = []
    pos = 0
    for c in sorted(kids, key=lambda c: (c.start_byte, -c.end_byte)):
        start, end = c.start_byte - frag.start_byte, c.end_byte - frag.start_byte
        if start < pos:
            continue  # nested inside a kid already replaced
        out.append(data[pos:start])
        pos = end
    out.append(data[pos:])
    return _squash(b"".join(out).decode("utf-8", "replace"))


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _match_by_similarity(
    old: list[Fragment],
    new: list[Fragment],
    group_old: list[int] | None = None,
    group_new: list[int] | None = None,
    *,
    same_name: bool = False,
) -> tuple[list[tuple[Fragment, Fragment]], list[Fragment], list[Fragment]]:
    """Greedy best-first pairing of leftovers whose token sequences are similar.

    Similarity is :class:`difflib.SequenceMatcher` ``ratio`` on word/punctuation
    tokens (>= :data:`RENAME_SIMILARITY`), after two cheap upper bounds (token
    counts and token multisets) have ruled out hopeless pairs.  Fragments of the
    same group (file) are never paired.  Past :data:`MAX_SIMILARITY_PAIRS`
    candidate pairs only fragments with the same unqualified name are compared.
    """
    if not old or not new:
        return [], old, new
    short = [f.name.rsplit(".", 1)[-1] for f in old]
    only_same_name = same_name or len(old) * len(new) > MAX_SIMILARITY_PAIRS
    old_tokens = [_TOKEN.findall(f.text) for f in old]
    new_tokens = [_TOKEN.findall(f.text) for f in new]
    old_bags = [Counter(t) for t in old_tokens]
    new_bags = [Counter(t) for t in new_tokens]
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    scored: list[tuple[float, int, int]] = []
    for j, b in enumerate(new):
        lb = len(new_tokens[j])
        matcher.set_seq2(new_tokens[j])
        b_short = b.name.rsplit(".", 1)[-1]
        for i, a in enumerate(old):
            la = len(old_tokens[i])
            if a.language != b.language or not la or not lb:
                continue
            if group_old is not None and group_new is not None and group_old[i] == group_new[j]:
                continue
            if only_same_name and short[i] != b_short:
                continue
            if 2 * min(la, lb) / (la + lb) < RENAME_SIMILARITY:
                continue
            if 2 * sum((old_bags[i] & new_bags[j]).values()) / (la + lb) < RENAME_SIMILARITY:
                continue
            matcher.set_seq1(old_tokens[i])
            score = matcher.ratio()
            if score >= RENAME_SIMILARITY:
                scored.append((score + (0.01 if short[i] == b_short else 0.0), i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[Fragment, Fragment]] = []
    for _, i, j in scored:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old[i], new[j]))
    return (
        pairs,
        [f for i, f in enumerate(old) if i not in used_old],
        [f for j, f in enumerate(new) if j not in used_new],
    )


def _hunks_for(
    old_hunks: list[Hunk], new_hunks: list[Hunk], before: Fragment | None, after: Fragment | None
) -> tuple[Hunk, ...]:
    found: set[Hunk] = set()
    if before is not None:
        for h in old_hunks:
            if h[1] > 0 and h[0] <= before.end_line and h[0] + h[1] - 1 >= before.start_line:
                found.add(h)
    if after is not None:
        for h in new_hunks:
            if h[3] > 0 and h[2] <= after.end_line and h[2] + h[3] - 1 >= after.start_line:
                found.add(h)
    return tuple(sorted(found))


def _pair_changes(
    changes: list[_FileChange],
    result: MiningResult,
    commit: str,
    cache: _ParseCache | None = None,
) -> list[_Pair]:
    """Match fragments of all changed files of one commit (or patch, or pair of trees).

    In order: same qualified name in the same file; same name in another file
    of the commit (a move); similar text in the same file (a rename); similar
    text in another file (a move and rename).  What is left is added/removed.
    """
    pairs: list[_Pair] = []
    old_left: list[tuple[Fragment, int]] = []  # (fragment, index of its change)
    new_left: list[tuple[Fragment, int]] = []
    every: dict[int, tuple[list[Fragment], list[Fragment]]] = {}
    for k, change in enumerate(changes):
        old = _fragments(change.old_text, change, "old", result, commit, cache)
        new = _fragments(change.new_text, change, "new", result, commit, cache)
        if old is None or new is None:
            continue
        every[k] = (old, new)
        by_name: dict[str, list[Fragment]] = {}
        for f in old:
            by_name.setdefault(f.name, []).append(f)
        for f in new:
            same = by_name.get(f.name)
            if not same:
                new_left.append((f, k))
                continue
            before = same.pop(0)
            if before.text == f.text or _only_nested_changed(before, old, f, new):
                continue
            pairs.append((before, f, "modified", _hunks_for(change.hunks, change.hunks, before, f)))
        old_left.extend((f, k) for fs in by_name.values() for f in fs)

    def take(within: bool, same_name: bool) -> None:
        nonlocal old_left, new_left
        matched: list[tuple[Fragment, Fragment]] = []
        if within:
            for k in every:
                olds = [f for f, c in old_left if c == k]
                news = [f for f, c in new_left if c == k]
                matched += _match_by_similarity(olds, news)[0]
        elif len(every) > 1:
            matched = _match_by_similarity(
                [f for f, _ in old_left],
                [f for f, _ in new_left],
                [c for _, c in old_left],
                [c for _, c in new_left],
                same_name=same_name,
            )[0]
        where_old = {id(f): c for f, c in old_left}
        where_new = {id(f): c for f, c in new_left}
        for before, after in matched:
            ko, kn = where_old[id(before)], where_new[id(after)]
            if ko == kn and _only_nested_changed(before, every[ko][0], after, every[kn][1]):
                continue
            hunks = _hunks_for(changes[ko].hunks, changes[kn].hunks, before, after)
            pairs.append((before, after, "renamed", hunks))
        done = {id(f) for pair in matched for f in pair}
        old_left = [(f, c) for f, c in old_left if id(f) not in done]
        new_left = [(f, c) for f, c in new_left if id(f) not in done]

    if old_left and new_left:
        take(within=False, same_name=True)
        take(within=True, same_name=False)
        take(within=False, same_name=False)
    for f, k in old_left:
        pairs.append((f, None, "removed", _hunks_for(changes[k].hunks, [], f, None)))
    for f, k in new_left:
        pairs.append((None, f, "added", _hunks_for([], changes[k].hunks, None, f)))
    return pairs


def _make_edits(
    pairs: list[_Pair],
    *,
    labeller: Labeller,
    message: str = "",
    source: str = "",
    commit: str = "",
    date: str = "",
) -> list[Edit]:
    edits: list[Edit] = []
    for before, after, status, hunks in pairs:
        trivial = ""
        if before is not None and after is not None:
            if status == "renamed" and before.text == after.text:
                trivial = "rename"
            else:
                trivial = triviality(before.text, after.text, after.language)
        edit = Edit(
            before,
            after,
            status,
            message=message,
            source=source,
            commit=commit,
            date=date,
            hunks=hunks,
            trivial=trivial,
        )
        labels = tuple(labeller(edit))
        edits.append(replace(edit, labels=labels) if labels else edit)
    return edits


def _decode(data: bytes, max_bytes: int) -> tuple[str | None, str]:
    """(text, "") or (None, reason)."""
    if len(data) > max_bytes:
        return None, f"too large ({len(data)} bytes > max_bytes={max_bytes})"
    if b"\0" in data[:8000]:
        return None, "binary"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (byte {exc.start})"


def _check_languages(languages: Iterable[str] | None) -> set[str] | None:
    return None if languages is None else {get_language(name).name for name in languages}


def _progress(show: bool | None) -> bool:
    return sys.stderr.isatty() if show is None else bool(show)


