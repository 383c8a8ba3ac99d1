"""Mining: edits from git history, from patches, and from before/after files.

Three sources, one result type (:class:`MiningResult`)::

    from embedmotion.mining import mine_repository, mine_patch, mine_pair

    result = mine_repository("path/to/repo", max_commits=500)   # git history (pygit2)
    result = mine_patch("fix.patch", before_root="path/to/repo")  # a unified diff
    result = mine_pair("old/", "new/")                           # two files or two folders
    print(result.summary())
    table = result.to_frame()                                    # one row per Edit

How history is mined.  :func:`mine_repository` walks the *first-parent*
history of ``rev`` newest first (like ``git log --first-parent``), diffs each
commit against its first parent (the root commit against the empty tree) and,
for every changed file in a supported language, parses both versions with
tree-sitter.  Fragments are matched by qualified name; fragments left over are
paired by similarity (``difflib`` ratio >= 0.6 on their tokens), first within
the file, then across the files of the commit (moves).  Every pair whose text
changed becomes an :class:`~embedmotion.edits.Edit` (``modified``), every
similarity pair a ``renamed`` one (tagged ``trivial="rename"`` when only the
name or path changed), and the rest ``added`` / ``removed``.  A container
(class, outer function) is reported only when the change is not entirely
inside, or the adding/removing of, its nested fragments.  File renames found
by git's similarity detection keep name matching across the paths; a
function whose text did not change is not an edit, even if its file moved.
Each file version is parsed once (a small cache keyed by blob id serves the
old side of the next commit down).

Merges.  On histories that merge pull requests, most first-parent commits are
merges: ``include_merges=True`` mines each merge against its first parent (one
edit set per pull request); ``first_parent=False`` walks every commit instead
(merges still skipped), mining the branches' own commits.  ``summary()`` says
so when merges dominate.

Each edit carries the commit sha, author date (ISO 8601), message, the
zero-context diff hunks that touch the fragment, labels from a
:class:`~embedmotion.labels.Labeller` and a triviality tag.  Problems never
stop a run: merges (skipped unless ``include_merges``), commits touching more
than ``max_files_per_commit`` files (skipped whole: they are vendoring, mass
reformatting or generated code), submodules, symlinks, binary, non-UTF-8 and
oversized files, and parse failures are counted in the result.

Resuming.  :func:`iter_commit_edits` yields ``(sha, edits)`` one commit at a
time so a caller can checkpoint; pass the shas already done as
``skip_commits`` to continue where it stopped.  ``max_commits`` bounds the
window of history (the newest N commits walked in the date range),
independently of what is skipped, so a resumed run covers the same window.

Patches.  :func:`mine_patch` reads ``git diff`` / ``git show`` /
``git format-patch`` output (several patches in one mbox are fine) and plain
``diff -u``/``diff -ru`` output.  With ``before_root`` the old files are read
from disk and the hunks applied to rebuild the new ones.  Without it only the
hunks' own lines are known: each side is rebuilt with blank lines in place of
the unknown ones, and only fragments lying entirely inside a hunk are kept.
Such fragments miss their enclosing class in their qualified name and their
byte offsets are relative to the rebuilt text (line numbers are right).
"""

from __future__ import annotations

import difflib
import email.utils
import logging
import re
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2

from embedmotion.edits import Edit, Hunk, edits_to_frame
from embedmotion.errors import EmbedmotionError, InputError, RepositoryError, check_param
from embedmotion.fragments import Fragment
from embedmotion.labels import KeywordLabeller, Labeller, triviality
from embedmotion.languages import get_language, language_for_path
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


# ---------------------------------------------------------------------------------------------
# Git history
# ---------------------------------------------------------------------------------------------


def _open_repository(repo_path: str | Path) -> pygit2.Repository:
    path = Path(repo_path)
    fix = "Pass the folder of a git repository (the one holding .git), or a bare repository."
    if not path.exists():
        raise RepositoryError(f"The path {str(path)!r} does not exist.", fix=fix)
    try:
        repo = pygit2.Repository(str(path))
    except (pygit2.GitError, KeyError, ValueError) as exc:
        raise RepositoryError(f"{str(path)!r} is not a git repository ({exc}).", fix=fix) from exc
    if repo.is_empty or repo.head_is_unborn:
        raise RepositoryError(
            f"The repository {str(path)!r} has no commits yet.",
            fix="Commit something first (git commit), or mine files with mine_pair.",
        )
    return repo


def _resolve(repo: pygit2.Repository, spec: str, path: str | Path) -> pygit2.Commit:
    try:
        obj = repo.revparse_single(spec)
        commit = obj.peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError) as exc:
        raise RepositoryError(
            f"The revision {spec!r} does not exist in {str(path)!r}.",
            fix="Use HEAD, a branch or tag name (git branch -a, git tag), or a commit sha; "
            "write ranges as OLD..NEW.",
        ) from exc
    return commit  # type: ignore[no-any-return]


def _timestamp(value: str | date | datetime | None, name: str) -> float | None:
    if value is None:
        return None
    when: datetime | None = None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            when = None
    check_param(
        when is not None,
        name,
        "mine_repository",
        "an ISO 8601 date such as '2024-01-31' or a datetime",
        value,
    )
    assert when is not None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def _commit_window(
    repo: pygit2.Repository,
    rev: str,
    path: str | Path,
    since: float | None,
    until: float | None,
    max_commits: int | None,
    first_parent: bool = True,
) -> list[pygit2.Commit]:
    hide: pygit2.Commit | None = None
    if ".." in rev and "..." not in rev:
        low, high = rev.split("..", 1)
        hide = _resolve(repo, low or "HEAD", path)
        tip = _resolve(repo, high or "HEAD", path)
    else:
        tip = _resolve(repo, rev, path)
    walker = repo.walk(tip.id, pygit2.enums.SortMode.TOPOLOGICAL)
    if first_parent:
        walker.simplify_first_parent()
    if hide is not None:
        walker.hide(hide.id)
    window: list[pygit2.Commit] = []
    for commit in walker:
        if until is not None and commit.commit_time > until:
            continue
        if since is not None and commit.commit_time < since:
            continue
        window.append(commit)
        if max_commits is not None and len(window) >= max_commits:
            break
    return window


def _iso(sig: pygit2.Signature) -> str:
    tz = timezone(timedelta(minutes=sig.offset))
    return datetime.fromtimestamp(sig.time, tz=tz).isoformat()


def _message(commit: pygit2.Commit) -> str:
    try:
        text = commit.message
    except (UnicodeDecodeError, LookupError):
        text = commit.raw_message.decode("utf-8", "replace")
    return str(text).strip()


def _commit_changes(
    repo: pygit2.Repository,
    commit: pygit2.Commit,
    *,
    max_files_per_commit: int,
    max_bytes: int,
    languages: set[str] | None,
    result: MiningResult,
) -> list[_FileChange] | None:
    """The supported-language file changes of a commit, or None when it is skipped."""
    sha = str(commit.id)
    if commit.parents:
        parent_tree = commit.parents[0].tree
        diff = parent_tree.diff_to_tree(commit.tree, context_lines=0, interhunk_lines=0)
    else:
        diff = commit.tree.diff_to_tree(context_lines=0, swap=True)
    if len(diff) > 2 * max_files_per_commit:
        result.skip_commit("too many files")
        return None
    diff.find_similar(flags=pygit2.enums.DiffFind.FIND_RENAMES)
    if len(diff) > max_files_per_commit:
        result.skip_commit("too many files")
        return None
    changes: list[_FileChange] = []
    for index, delta in enumerate(diff.deltas):
        status = delta.status_char()
        old_path: str | None = delta.old_file.path if status not in "A" else None
        new_path: str | None = delta.new_file.path if status not in "D" else None
        shown = new_path or old_path or ""
        modes = {delta.old_file.mode, delta.new_file.mode}
        if pygit2.enums.FileMode.COMMIT in modes:
            result.skip_file(sha, shown, "submodule")
            continue
        language = language_for_path(new_path or "") or language_for_path(old_path or "")
        if language is None or (languages is not None and language not in languages):
            continue
        if pygit2.enums.FileMode.LINK in modes:
            result.skip_file(sha, shown, "symlink")
            continue
        try:
            texts: list[str | None] = []
            reason = ""
            for p, oid in ((old_path, delta.old_file.id), (new_path, delta.new_file.id)):
                if p is None:
                    texts.append(None)
                    continue
                blob = repo[oid]
                if not isinstance(blob, pygit2.Blob):
                    reason = f"not a file ({blob.type_str})"
                    break
                if blob.size > max_bytes:
                    reason = f"too large ({blob.size} bytes > max_bytes={max_bytes})"
                    break
                text, reason = _decode(blob.data, max_bytes)
                if text is None:
                    break
                texts.append(text)
            if reason:
                result.skip_file(sha, shown, reason)
                continue
            patch = diff[index]
            hunks = [
                (h.old_start, h.old_lines, h.new_start, h.new_lines)
                for h in (patch.hunks if patch is not None else [])
            ]
        except (pygit2.GitError, KeyError, ValueError, MemoryError) as exc:
            result.skip_file(sha, shown, f"unreadable: {exc}")
            continue
        changes.append(
            _FileChange(
                old_path,
                new_path,
                language,
                texts[0],
                texts[1],
                hunks,
                old_key=str(delta.old_file.id),
                new_key=str(delta.new_file.id),
            )
        )
    return changes


def iter_commit_edits(
    repo_path: str | Path,
    *,
    rev: str = "HEAD",
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    max_commits: int | None = None,
    include_merges: bool = False,
    first_parent: bool = True,
    max_files_per_commit: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
    labeller: Labeller | None = None,
    languages: Iterable[str] | None = None,
    show_progress_bar: bool | None = None,
    skip_commits: set[str] | None = None,
    source: str | None = None,
    report: MiningResult | None = None,
) -> Iterator[tuple[str, list[Edit]]]:
    """Yield ``(commit_sha, edits)`` for each commit of the window, newest first.

    Every commit of the window is yielded (with no edits when it was skipped as
    a merge or as too big), except those in ``skip_commits``, so a caller can
    record each yielded sha as done.  Counters and skip reasons are added to
    ``report`` when one is given.  See :func:`mine_repository` for the options.
    """
    owner = "mine_repository"
    check_param(
        max_commits is None or (isinstance(max_commits, int) and max_commits > 0),
        "max_commits",
        owner,
        "a positive integer or None",
        max_commits,
    )
    check_param(
        isinstance(max_files_per_commit, int) and max_files_per_commit > 0,
        "max_files_per_commit",
        owner,
        "a positive integer",
        max_files_per_commit,
    )
    check_param(
        isinstance(max_bytes, int) and max_bytes > 0,
        "max_bytes",
        owner,
        "a positive integer",
        max_bytes,
    )
    result = report if report is not None else MiningResult()
    wanted = _check_languages(languages)
    label = labeller if labeller is not None else KeywordLabeller()
    repo = _open_repository(repo_path)
    if source is None:
        top = Path(repo.workdir or repo.path).resolve()
        source = top.name[:-4] if top.name.endswith(".git") else top.name
    window = _commit_window(
        repo,
        rev,
        repo_path,
        _timestamp(since, "since"),
        _timestamp(until, "until"),
        max_commits,
        first_parent,
    )
    done = skip_commits or set()
    cache = _ParseCache()
    from tqdm.auto import tqdm

    bar = tqdm(
        total=len(window),
        desc="mining",
        unit="commit",
        disable=not _progress(show_progress_bar),
        file=sys.stderr,
    )
    try:
        for commit in window:
            bar.update(1)
            sha = str(commit.id)
            result.commits_seen += 1
            if sha in done:
                result.skip_commit("already mined")
                continue
            if len(commit.parents) > 1 and not include_merges:
                result.skip_commit("merge")
                yield sha, []
                continue
            try:
                changes = _commit_changes(
                    repo,
                    commit,
                    max_files_per_commit=max_files_per_commit,
                    max_bytes=max_bytes,
                    languages=wanted,
                    result=result,
                )
                edits: list[Edit] = []
                if changes is not None:
                    pairs = _pair_changes(changes, result, sha, cache)
                    edits = _make_edits(
                        pairs,
                        labeller=label,
                        message=_message(commit),
                        source=source,
                        commit=sha,
                        date=_iso(commit.author),
                    )
                    result.commits_mined += 1
            except Exception as exc:  # one odd commit must not end a run over years of history
                log.warning("commit %s could not be mined: %r", sha[:12], exc, exc_info=True)
                result.skip_commit("error")
                result.skip_file(sha, "", f"commit failed: {type(exc).__name__}: {exc}")
                edits = []
            yield sha, edits
    finally:
        bar.close()


def mine_repository(
    repo_path: str | Path,
    *,
    rev: str = "HEAD",
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    max_commits: int | None = None,
    include_merges: bool = False,
    first_parent: bool = True,
    max_files_per_commit: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
    labeller: Labeller | None = None,
    languages: Iterable[str] | None = None,
    show_progress_bar: bool | None = None,
    skip_commits: set[str] | None = None,
    source: str | None = None,
) -> MiningResult:
    """Mine the edits of a git repository's first-parent history.

    ``rev`` is a revision (``HEAD``, a branch, tag or sha) or a range
    ``OLD..NEW``; ``since``/``until`` bound the committer date (ISO 8601
    strings, dates or datetimes); ``max_commits`` keeps the newest N commits of
    that window.  Histories that merge pull requests have mostly merges on
    their first-parent line: pass ``include_merges=True`` to mine each merge
    against its first parent (one edit set per pull request), or
    ``first_parent=False`` to walk every commit (topological order, newest
    first) and mine the branches' own commits instead.  ``labeller`` defaults to :class:`~embedmotion.labels.KeywordLabeller`;
    ``languages`` restricts the languages mined; ``source`` (default: the
    repository folder's name) names the project on every edit.  Raises
    :class:`~embedmotion.errors.RepositoryError` for a path that is not a
    repository, an empty repository or an unknown revision.
    """
    result = MiningResult()
    for _, edits in iter_commit_edits(
        repo_path,
        rev=rev,
        since=since,
        until=until,
        max_commits=max_commits,
        include_merges=include_merges,
        first_parent=first_parent,
        max_files_per_commit=max_files_per_commit,
        max_bytes=max_bytes,
        labeller=labeller,
        languages=languages,
        show_progress_bar=show_progress_bar,
        skip_commits=skip_commits,
        source=source,
        report=result,
    ):
        result.edits.extend(edits)
    return result


# ---------------------------------------------------------------------------------------------
# Before/after files and folders
# ---------------------------------------------------------------------------------------------


def _walk(root: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if p.is_file() and not p.is_symlink():
            files[rel.as_posix()] = p
    return files


def _zero_context_hunks(old: str | None, new: str | None) -> list[Hunk]:
    patch = pygit2.Patch.create_from(
        None if old is None else old.encode("utf-8", "surrogatepass"),
        None if new is None else new.encode("utf-8", "surrogatepass"),
        context_lines=0,
    )
    return [(h.old_start, h.old_lines, h.new_start, h.new_lines) for h in patch.hunks]


def mine_pair(
    before: str | Path,
    after: str | Path,
    *,
    language: str | None = None,
    source: str = "pair",
    labeller: Labeller | None = None,
    message: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> MiningResult:
    """Edits between two files, or two folders matched by relative path.

    For two files, ``language`` overrides the one guessed from the extension and
    the files are compared as one file even when their names differ.  For two
    folders, ``language`` keeps only the files of that language; files present
    on one side only give ``added`` / ``removed`` edits (or moves).
    """
    b, a = Path(before), Path(after)
    for p in (b, a):
        if not p.exists():
            raise InputError(
                f"The path {str(p)!r} does not exist.",
                fix="Pass two existing files, or two existing folders.",
            )
    result = MiningResult()
    entries: list[tuple[str | None, str | None, Path | None, Path | None, str | None]] = []
    if b.is_file() and a.is_file():
        lang = language_for_path(a, override=language) or language_for_path(b)
        entries.append((b.name, a.name, b, a, lang))
    elif b.is_dir() and a.is_dir():
        wanted = None if language is None else get_language(language).name
        old_files, new_files = _walk(b), _walk(a)
        for rel in sorted(set(old_files) | set(new_files)):
            lang = language_for_path(rel)
            if lang is None or (wanted is not None and lang != wanted):
                continue
            old_p, new_p = old_files.get(rel), new_files.get(rel)
            entries.append((rel if old_p else None, rel if new_p else None, old_p, new_p, lang))
    else:
        raise InputError(
            f"mine_pair needs two files or two folders; got {str(b)!r} and {str(a)!r}.",
            fix="Pass the old and new version of one file, or the old and new folder.",
        )
    changes: list[_FileChange] = []
    for old_rel, new_rel, old_p, new_p, lang in entries:
        shown = new_rel or old_rel or ""
        if lang is None:
            result.skip_file("", shown, "unknown language")
            continue
        texts: list[str | None] = []
        reason = ""
        raw: list[bytes | None] = []
        for side in (old_p, new_p):
            data = side.read_bytes() if side is not None else None
            raw.append(data)
            if data is None:
                texts.append(None)
                continue
            text, reason = _decode(data, max_bytes)
            if text is None:
                break
            texts.append(text)
        if reason:
            result.skip_file("", shown, reason)
            continue
        if raw[0] is not None and raw[0] == raw[1]:
            continue
        hunks = _zero_context_hunks(texts[0], texts[1])
        changes.append(_FileChange(old_rel, new_rel, lang, texts[0], texts[1], hunks))
    pairs = _pair_changes(changes, result, "")
    label = labeller if labeller is not None else KeywordLabeller()
    result.edits = _make_edits(pairs, labeller=label, message=message, source=source)
    result.commits_seen = result.commits_mined = 1
    return result


# ---------------------------------------------------------------------------------------------
# Patches (unified diffs)
# ---------------------------------------------------------------------------------------------

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_MBOX_FROM = re.compile(r"^From ([0-9a-f]{40}) ")
_SHOW_COMMIT = re.compile(r"^commit ([0-9a-f]{40})\b")


@dataclass
class _PatchHunk:
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    line_no: int
    lines: list[tuple[str, str]] = field(default_factory=list)  # (" "|"-"|"+", text)
    no_newline: set[int] = field(default_factory=set)  # indexes of lines with "\ No newline"


@dataclass
class _PatchFile:
    old_path: str | None
    new_path: str | None
    line_no: int
    hunks: list[_PatchHunk] = field(default_factory=list)
    binary: bool = False
    submodule: bool = False


@dataclass
class _PatchCommit:
    sha: str = ""
    date: str = ""
    subject: str = ""
    body: list[str] = field(default_factory=list)
    files: list[_PatchFile] = field(default_factory=list)

    @property
    def message(self) -> str:
        return (
            "\n".join([self.subject, "", *self.body]).strip()
            if self.subject
            else "\n".join(self.body).strip()
        )


def _patch_path(raw: str, strip_prefix: bool) -> str | None:
    path = raw.split("\t")[0].rstrip("\r")
    if len(path) > 1 and path.startswith('"') and path.endswith('"'):
        path = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        path = path.encode("latin-1", "replace").decode("utf-8", "replace")
    if path == "/dev/null":
        return None
    if strip_prefix and len(path) > 2 and path[1] == "/" and path[0] in "abciwo":
        path = path[2:]
    return path


def _patch_date(value: str) -> str:
    value = value.strip()
    for parse in (
        lambda v: email.utils.parsedate_to_datetime(v),
        lambda v: datetime.strptime(v, "%a %b %d %H:%M:%S %Y %z"),
        lambda v: datetime.fromisoformat(v),
    ):
        try:
            return parse(value).isoformat()
        except (TypeError, ValueError, IndexError):
            continue
    return ""


def _malformed(line_no: int, what: str) -> InputError:
    return InputError(
        f"Malformed patch at line {line_no}: {what}.",
        fix="Pass the output of `git diff`, `git format-patch` or `diff -u`, unmodified.",
    )


def _parse_patch(text: str) -> list[_PatchCommit]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    commits = [_PatchCommit()]
    state = "body"  # body | mail-header | show-header
    current: _PatchFile | None = None
    git_style = False
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\r")
        n = i + 1
        i += 1
        if (m := _MBOX_FROM.match(line)) or (m := _SHOW_COMMIT.match(line)):
            if commits[-1].files or commits[-1].subject or commits[-1].body:
                commits.append(_PatchCommit())
            commits[-1].sha = m.group(1)
            state = "mail-header" if line.startswith("From ") else "show-header"
            current = None
        elif state in ("mail-header", "show-header") and line.startswith("Date:"):
            commits[-1].date = _patch_date(line[5:])
        elif state == "mail-header" and line.startswith("Subject:"):
            subject = line[8:].strip()
            while i < len(lines) and lines[i][:1] in (" ", "\t") and lines[i].strip():
                subject += " " + lines[i].strip()
                i += 1
            commits[-1].subject = re.sub(r"^(\[[^\]]*\]\s*)+", "", subject)
        elif state in ("mail-header", "show-header") and not line.strip():
            state = "mail-body" if state == "mail-header" else "show-body"
        elif state in ("mail-header", "show-header"):
            continue  # From:, Author:, Merge: ...
        elif state == "mail-body" and line == "---":
            state = "body"
        elif line.startswith("diff --git ") or (line.startswith("diff ") and " -" in line):
            state = "body"
            git_style = line.startswith("diff --git ")
            current = None
            if git_style:
                m2 = re.match(r"^diff --git (\"?a/.*?\"?) (\"?b/.*\"?)$", line)
                if m2:
                    current = _PatchFile(
                        _patch_path(m2.group(1), True), _patch_path(m2.group(2), True), n
                    )
                    commits[-1].files.append(current)
        elif state == "mail-body":
            commits[-1].body.append(line)
        elif state == "show-body":
            commits[-1].body.append(line[4:] if line.startswith("    ") else line)
        elif line.startswith("--- ") and i < len(lines) and lines[i].startswith("+++ "):
            prefixed = git_style or (line[4:6] == "a/" and lines[i][4:6] == "b/")
            old = _patch_path(line[4:], prefixed)
            new = _patch_path(lines[i][4:], prefixed)
            i += 1
            if current is None or current.hunks:
                current = _PatchFile(old, new, n)
                commits[-1].files.append(current)
            else:
                current.old_path, current.new_path = old, new
        elif current is not None and line.startswith(("new file mode", "deleted file mode")):
            if line.startswith("new"):
                current.old_path = None
            else:
                current.new_path = None
            current.submodule = current.submodule or line.endswith(" 160000")
        elif current is not None and line.startswith("index ") and line.endswith(" 160000"):
            current.submodule = True
        elif current is not None and line.startswith(("rename from ", "rename to ")):
            if line.startswith("rename from "):
                current.old_path = _patch_path(line[12:], False)
            else:
                current.new_path = _patch_path(line[10:], False)
        elif current is not None and (
            line.startswith("Binary files ") or line == "GIT binary patch"
        ):
            current.binary = True
        elif line.startswith("@@"):
            m3 = _HUNK_HEADER.match(line)
            if m3 is None:
                raise _malformed(
                    n, f"a hunk header should look like '@@ -1,4 +1,5 @@', not {line!r}"
                )
            if current is None:
                raise _malformed(n, "a hunk comes before any '--- old' / '+++ new' file header")
            o, ol, s, sl = m3.groups()
            hunk = _PatchHunk(int(o), int(ol or 1), int(s), int(sl or 1), n)
            old_left, new_left = hunk.old_len, hunk.new_len
            while old_left > 0 or new_left > 0:
                if i >= len(lines):
                    raise _malformed(
                        n,
                        f"the hunk {line!r} ends early ({old_left} old and {new_left} new "
                        "lines missing at the end of the patch)",
                    )
                body = lines[i]
                tag, content = (body[:1] or " "), body[1:]
                if tag == "\\":
                    hunk.no_newline.add(len(hunk.lines) - 1)
                    i += 1
                    continue
                if (
                    tag not in " -+"
                    or (tag in " -" and old_left == 0)
                    or (tag in " +" and new_left == 0)
                ):
                    raise _malformed(
                        i + 1,
                        f"the hunk {line!r} of line {n} expected {old_left} more old and "
                        f"{new_left} more new lines, found {body!r}",
                    )
                hunk.lines.append((tag, content))
                old_left -= tag in " -"
                new_left -= tag in " +"
                i += 1
            if i < len(lines) and lines[i].startswith("\\"):
                hunk.no_newline.add(len(hunk.lines) - 1)
                i += 1
            current.hunks.append(hunk)
    commits = [c for c in commits if c.files]
    if not commits:
        raise InputError(
            "The patch holds no file diff (no '--- old' / '+++ new' header with hunks).",
            fix="Pass the output of `git diff`, `git format-patch` or `diff -u`.",
        )
    return commits


def _exact_hunks(hunk: _PatchHunk) -> list[Hunk]:
    """Zero-context hunks (as ``git diff -U0`` prints them) of one patch hunk."""
    out: list[Hunk] = []
    o = hunk.old_start if hunk.old_len else hunk.old_start + 1
    n = hunk.new_start if hunk.new_len else hunk.new_start + 1
    k = 0
    while k < len(hunk.lines):
        if hunk.lines[k][0] == " ":
            o, n, k = o + 1, n + 1, k + 1
            continue
        o0, n0, dels, adds = o, n, 0, 0
        while k < len(hunk.lines) and hunk.lines[k][0] != " ":
            if hunk.lines[k][0] == "-":
                dels, o = dels + 1, o + 1
            else:
                adds, n = adds + 1, n + 1
            k += 1
        out.append((o0 if dels else o0 - 1, dels, n0 if adds else n0 - 1, adds))
    return out


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _find_before(root: Path, path: str) -> Path | None:
    parts = Path(path).parts
    for k in range(len(parts)):
        candidate = root.joinpath(*parts[k:])
        if candidate.is_file():
            return candidate
    return None


def _apply(old_text: str, pf: _PatchFile) -> str:
    """Apply ``pf``'s hunks to ``old_text`` (exact match, searching for offsets like `patch`)."""
    had_newline = old_text.endswith("\n")
    old = old_text.split("\n")
    if had_newline:
        old.pop()
    out: list[str] = []
    pos = 0
    new_ends_newline = had_newline
    for h in pf.hunks:
        block = [t.rstrip("\r") for tag, t in h.lines if tag != "+"]
        start = h.old_start - 1 if h.old_len else h.old_start
        found = -1
        for delta in range(len(old) + 1):
            for at in (start + delta, start - delta):
                if pos <= at <= len(old) - len(block) and all(
                    old[at + k].rstrip("\r") == block[k] for k in range(len(block))
                ):
                    found = at
                    break
            if found >= 0:
                break
        if found < 0:
            raise ValueError(f"hunk at patch line {h.line_no} does not apply")
        out.extend(old[pos:found])
        out.extend(t for tag, t in h.lines if tag != "-")
        pos = found + len(block)
        if pos >= len(old):
            new_side = [k for k, (tag, _) in enumerate(h.lines) if tag != "-"]
            new_ends_newline = not (new_side and new_side[-1] in h.no_newline)
    out.extend(old[pos:])
    return "\n".join(out) + ("\n" if new_ends_newline and out else "")


def _sparse(pf: _PatchFile, side: str) -> tuple[str, list[tuple[int, int]] | None]:
    """One side rebuilt from the hunks alone: unknown lines are blank."""
    keep = " -" if side == "old" else " +"
    complete = (pf.new_path is None) if side == "old" else (pf.old_path is None)
    known: list[tuple[int, int]] = []
    lines: dict[int, str] = {}
    for h in pf.hunks:
        first = h.old_start if side == "old" else h.new_start
        count = 0
        for tag, t in h.lines:
            if tag in keep:
                lines[first + count] = t
                count += 1
        if count:
            known.append((first, first + count - 1))
    last = max(lines, default=0)
    text = "\n".join(lines.get(k, "") for k in range(1, last + 1)) + ("\n" if last else "")
    return text, None if complete else known


def mine_patch(
    patch_text_or_path: str | Path | bytes,
    *,
    before_root: str | Path | None = None,
    source: str = "patch",
    labeller: Labeller | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> MiningResult:
    """Edits from a unified diff (text, bytes or a file path); see the module docstring.

    Each patch of a ``format-patch`` mbox or ``git show`` output is one commit
    (sha, date and message from its header).  Raises
    :class:`~embedmotion.errors.InputError` naming the line of a malformed patch.
    """
    if isinstance(patch_text_or_path, bytes):
        text = patch_text_or_path.decode("utf-8", "surrogateescape")
    elif isinstance(patch_text_or_path, Path) or "\n" not in patch_text_or_path:
        p = Path(patch_text_or_path)
        if not p.is_file():
            raise InputError(
                f"The patch file {str(p)!r} does not exist.",
                fix="Pass the path of a .patch/.diff file, or the patch text itself.",
            )
        text = p.read_bytes().decode("utf-8", "surrogateescape")
    else:
        text = patch_text_or_path
    root = None if before_root is None else Path(before_root)
    if root is not None and not root.is_dir():
        raise InputError(
            f"The before_root folder {str(root)!r} does not exist.",
            fix="Pass the folder the patch applies to (the repository checkout before the change).",
        )
    label = labeller if labeller is not None else KeywordLabeller()
    result = MiningResult()
    for pc in _parse_patch(text):
        result.commits_seen += 1
        changes: list[_FileChange] = []
        for pf in pc.files:
            shown = pf.new_path or pf.old_path or ""
            if pf.submodule:
                result.skip_file(pc.sha, shown, "submodule")
                continue
            language = language_for_path(pf.new_path or "") or language_for_path(pf.old_path or "")
            if language is None:
                continue
            if pf.binary:
                result.skip_file(pc.sha, shown, "binary")
                continue
            if not all(_is_utf8(t) for h in pf.hunks for _, t in h.lines):
                result.skip_file(pc.sha, shown, "not UTF-8")
                continue
            hunks = [x for h in pf.hunks for x in _exact_hunks(h)]
            if root is None:
                old_text, old_known = _sparse(pf, "old") if pf.old_path else (None, None)
                new_text, new_known = _sparse(pf, "new") if pf.new_path else (None, None)
                changes.append(
                    _FileChange(
                        pf.old_path,
                        pf.new_path,
                        language,
                        old_text,
                        new_text,
                        hunks,
                        old_known,
                        new_known,
                    )
                )
                continue
            old_text = None
            if pf.old_path is not None:
                found = _find_before(root, pf.old_path)
                if found is None:
                    result.skip_file(pc.sha, shown, f"not found under before_root: {pf.old_path}")
                    continue
                old_text, reason = _decode(found.read_bytes(), max_bytes)
                if old_text is None:
                    result.skip_file(pc.sha, shown, reason)
                    continue
            try:
                new_text = None if pf.new_path is None else _apply(old_text or "", pf)
            except ValueError as exc:
                result.skip_file(pc.sha, shown, f"does not apply: {exc}")
                continue
            changes.append(
                _FileChange(pf.old_path, pf.new_path, language, old_text, new_text, hunks)
            )
        pairs = _pair_changes(changes, result, pc.sha)
        result.edits.extend(
            _make_edits(
                pairs,
                labeller=label,
                message=pc.message,
                source=source,
                commit=pc.sha,
                date=pc.date,
            )
        )
        result.commits_mined += 1
    return result


__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_SIMILARITY_PAIRS",
    "RENAME_SIMILARITY",
    "MiningResult",
    "iter_commit_edits",
    "mine_pair",
    "mine_patch",
    "mine_repository",
]
