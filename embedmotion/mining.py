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

import logging
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pygit2

from embedmotion.edits import Edit, Hunk
from embedmotion.errors import InputError, RepositoryError, check_param
from embedmotion.labels import KeywordLabeller, Labeller
from embedmotion.languages import get_language, language_for_path
from embedmotion.matching import (  # noqa: F401 - re-exported
    _SKIP_DIRS,
    DEFAULT_MAX_BYTES,
    MAX_SIMILARITY_PAIRS,
    RENAME_SIMILARITY,
    MiningResult,
    _check_languages,
    _decode,
    _FileChange,
    _make_edits,
    _pair_changes,
    _ParseCache,
    _progress,
)

log = logging.getLogger(__name__)



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




from embedmotion.patches import mine_patch  # noqa: E402 - re-exported (patches imports matching only)

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


