"""Edits from unified diffs (``git diff``, ``git format-patch``, ``diff -u``).

See :func:`mine_patch`; the behaviour is documented in :mod:`embedmotion.mining`.
"""

from __future__ import annotations

import email.utils
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from embedmotion.edits import Hunk
from embedmotion.errors import InputError
from embedmotion.labels import KeywordLabeller, Labeller
from embedmotion.languages import language_for_path

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass

from embedmotion.matching import (
    DEFAULT_MAX_BYTES,
    MiningResult,
    _decode,
    _FileChange,
    _make_edits,
    _pair_changes,
)

log = logging.getLogger(__name__)



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


