"""Mining edits from a real git history, from patches and from before/after files.

The ``history`` fixture builds a small but real repository with the git CLI
(python, javascript and go files, a file move, a merge, a binary file, a syntax
error, a latin-1 file and a submodule entry) and every test checks the mined
edits exactly.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pandas as pd
import pytest

from embedmotion.edits import Edit, edits_from_frame, edits_to_frame
from embedmotion.errors import InputError, RepositoryError, UsageError
from embedmotion.fragments import Fragment
from embedmotion.labels import DEFAULT_RULES, KeywordLabeller, is_test_path, load_rules, triviality
from embedmotion.mining import (
    MiningResult,
    iter_commit_edits,
    mine_pair,
    mine_patch,
    mine_repository,
)

CALC = """def add(a, b):
    return a + b


def sub(a, b):
    return a - b + 1


class Stack:
    def __init__(self):
        self.items = []

    def push(self, item):
        self.items.append(item)

    def pop(self):
        return self.items.pop()
"""
UTIL = """function greet(name) {
  return "Hello, " + name;
}

function shout(text) {
  return text.toUpperCase() + "!";
}
"""
MAIN = """package main

func Add(a, b int) int {
\treturn a + b
}

func main() {
\tprintln(Add(1, 2))
}
"""


def _git(repo: Path, *args: str, day: int = 1) -> str:
    date = f"2024-01-{day:02d}T10:00:00+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    out = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return out.stdout.decode("utf-8", "surrogateescape")


def _write(repo: Path, rel: str, content: str | bytes) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)


def _commit(repo: Path, message: str, day: int) -> str:
    _git(repo, "add", "-A", day=day)
    _git(repo, "commit", "-q", "-m", message, day=day)
    return _git(repo, "rev-parse", "HEAD").strip()


def _build_history(repo: Path) -> dict[str, str]:
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    shas: dict[str, str] = {}
    _write(repo, "app/calc.py", CALC)
    _write(repo, "web/util.js", UTIL)
    _write(repo, "srv/main.go", MAIN)
    _write(repo, "logo.png", b"\x89PNG\r\n\x1a\n\0\0\0binary")
    _write(repo, "README.md", "# demo\n")
    shas["init"] = _commit(repo, "Initial import", 1)
    _write(repo, "app/calc.py", CALC.replace("a - b + 1", "a - b"))
    shas["fix"] = _commit(repo, "Fix off-by-one bug in sub", 2)
    _write(
        repo,
        "srv/main.go",
        MAIN.replace("func main", "func Mul(a, b int) int {\n\treturn a * b\n}\n\nfunc main"),
    )
    _write(repo, "web/util.js", UTIL.split("\n\nfunction shout")[0] + "\n")
    shas["addrm"] = _commit(repo, "Add Mul and drop shout", 3)
    _write(repo, "web/util.js", (repo / "web/util.js").read_text().replace("greet", "welcome"))
    shas["rename"] = _commit(repo, "Rename greet to welcome", 4)
    (repo / "core").mkdir()
    (repo / "app/calc.py").rename(repo / "core/calc.py")
    calc = (repo / "core/calc.py").read_text()
    _write(
        repo,
        "core/calc.py",
        calc.replace("return self.items.pop()", "return self.items.pop() if self.items else None"),
    )
    shas["move"] = _commit(repo, "Move calc into core package", 5)
    _git(repo, "checkout", "-q", "-b", "feature")
    peek = "\n    def peek(self):\n        return self.items[-1]\n"
    _write(repo, "core/calc.py", (repo / "core/calc.py").read_text() + peek)
    shas["feature"] = _commit(repo, "Add Stack.peek", 6)
    _git(repo, "checkout", "-q", "main")
    calc = (repo / "core/calc.py").read_text()
    _write(repo, "core/calc.py", calc.replace("return a + b", "return a + b  # plain addition"))
    _write(repo, "srv/main.go", (repo / "srv/main.go").read_text().replace("a + b", "a+b"))
    shas["tidy"] = _commit(repo, "Tidy comments and spacing", 7)
    _git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature", day=8)
    shas["merge"] = _git(repo, "rev-parse", "HEAD").strip()
    _write(
        repo,
        "tests/test_calc.py",
        "from core.calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    )
    _write(repo, "bad/broken.py", "def fine():\n    return 1\n\n\ndef broken(:\n    return 2\n")
    _write(repo, "bad/latin.py", "def caf\xe9():\n    return '\xe9'\n".encode("latin-1"))
    _write(repo, "assets/compiled.js", b"var a=1;\0\0\0")
    _git(repo, "add", "-A", day=9)
    _git(repo, "update-index", "--add", "--cacheinfo", f"160000,{shas['init']},vendor/lib", day=9)
    _git(repo, "commit", "-q", "-m", "Add tests and odd files", day=9)
    shas["odd"] = _git(repo, "rev-parse", "HEAD").strip()
    return shas


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    repo = tmp_path_factory.mktemp("history") / "demo-repo"
    return repo, _build_history(repo)


def _ref(f: Fragment | None) -> str | None:
    return None if f is None else f.ref


def _rows(edits: list[Edit], shas: dict[str, str]) -> list[tuple[object, ...]]:
    names = {sha: name for name, sha in shas.items()}
    return [
        (
            names.get(e.commit, e.commit),
            e.status,
            _ref(e.before),
            _ref(e.after),
            e.labels,
            e.hunks,
            e.trivial,
        )
        for e in edits
    ]


EXPECTED = [
    ("odd", "added", None, "bad/broken.py::fine", (), ((0, 0, 1, 6),), ""),
    ("odd", "added", None, "bad/broken.py::broken", (), ((0, 0, 1, 6),), ""),
    ("odd", "added", None, "tests/test_calc.py::test_add", ("test-only",), ((0, 0, 1, 5),), ""),
    (
        "tidy",
        "modified",
        "core/calc.py::add",
        "core/calc.py::add",
        ("docs",),
        ((2, 1, 2, 1),),
        "comment",
    ),
    (
        "tidy",
        "modified",
        "srv/main.go::Add",
        "srv/main.go::Add",
        ("docs",),
        ((4, 1, 4, 1),),
        "whitespace",
    ),
    (
        "move",
        "modified",
        "app/calc.py::Stack.pop",
        "core/calc.py::Stack.pop",
        (),
        ((17, 1, 17, 1),),
        "",
    ),
    (
        "rename",
        "renamed",
        "web/util.js::greet",
        "web/util.js::welcome",
        ("refactor",),
        ((1, 1, 1, 1),),
        "rename",
    ),
    ("addrm", "removed", "web/util.js::shout", None, (), ((4, 4, 3, 0),), ""),
    ("addrm", "added", None, "srv/main.go::Mul", (), ((6, 0, 7, 4),), ""),
    ("fix", "modified", "app/calc.py::sub", "app/calc.py::sub", ("bugfix",), ((6, 1, 6, 1),), ""),
    ("init", "added", None, "app/calc.py::add", (), ((0, 0, 1, 17),), ""),
    ("init", "added", None, "app/calc.py::sub", (), ((0, 0, 1, 17),), ""),
    ("init", "added", None, "app/calc.py::Stack", (), ((0, 0, 1, 17),), ""),
    ("init", "added", None, "app/calc.py::Stack.__init__", (), ((0, 0, 1, 17),), ""),
    ("init", "added", None, "app/calc.py::Stack.push", (), ((0, 0, 1, 17),), ""),
    ("init", "added", None, "app/calc.py::Stack.pop", (), ((0, 0, 1, 17),), ""),
    ("init", "added", None, "srv/main.go::Add", (), ((0, 0, 1, 9),), ""),
    ("init", "added", None, "srv/main.go::main", (), ((0, 0, 1, 9),), ""),
    ("init", "added", None, "web/util.js::greet", (), ((0, 0, 1, 7),), ""),
    ("init", "added", None, "web/util.js::shout", (), ((0, 0, 1, 7),), ""),
]


# ---------------------------------------------------------------------------------------------
# git history
# ---------------------------------------------------------------------------------------------


def test_mines_history_exactly(history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    result = mine_repository(repo)
    assert _rows(result.edits, shas) == EXPECTED
    odd = shas["odd"]
    assert result.files_skipped == [
        (odd, "assets/compiled.js", "binary"),
        (odd, "bad/latin.py", "not UTF-8 (byte 7)"),
        (odd, "vendor/lib", "submodule"),
    ]
    assert result.files_with_errors == [(odd, "bad/broken.py")]
    assert result.commits_seen == 8
    assert result.commits_mined == 7
    assert result.commits_skipped == {"merge": 1}
    assert "20 edits" in result.summary() and "1 merge" in result.summary()


def test_edit_fields(history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    edits = {(e.commit, e.name): e for e in mine_repository(repo).edits}
    fix = edits[shas["fix"], "sub"]
    assert fix.before is not None and fix.after is not None
    assert fix.before.text == "def sub(a, b):\n    return a - b + 1"
    assert fix.after.text == "def sub(a, b):\n    return a - b"
    assert (fix.language, fix.path, fix.source) == ("python", "app/calc.py", "demo-repo")
    assert fix.message == "Fix off-by-one bug in sub"
    assert fix.date == "2024-01-02T10:00:00+00:00"
    assert fix.hunk_texts(context=0) == ("    return a - b + 1\n", "    return a - b\n")
    assert "-    return a - b + 1\n+    return a - b\n" in fix.diff()
    pop = edits[shas["move"], "Stack.pop"]
    assert pop.before is not None and pop.after is not None
    assert (pop.before.kind, pop.before.path, pop.after.path) == (
        "method",
        "app/calc.py",
        "core/calc.py",
    )
    broken = edits[shas["odd"], "broken"]
    assert broken.after is not None and broken.after.has_error
    assert not edits[shas["odd"], "fine"].after.has_error  # type: ignore[union-attr]
    assert edits[shas["odd"], "test_add"].after.kind == "test"  # type: ignore[union-attr]
    assert len({e.id for e in edits.values()}) == len(edits)


def test_merges_and_branches(history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    merged = mine_repository(repo, include_merges=True)
    assert merged.commits_skipped == {}
    assert [(e.status, e.name) for e in merged.edits if e.commit == shas["merge"]] == [
        ("added", "Stack.peek")
    ]
    everything = mine_repository(repo, first_parent=False)
    assert everything.commits_seen == 9
    assert everything.commits_skipped == {"merge": 1}
    assert [
        (e.status, e.name, e.message) for e in everything.edits if e.commit == shas["feature"]
    ] == [("added", "Stack.peek", "Add Stack.peek")]


def test_windows_and_filters(history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    ranged = mine_repository(repo, rev=f"{shas['rename']}..{shas['tidy']}")
    assert ranged.commits_seen == 2
    assert {e.commit for e in ranged.edits} == {shas["move"], shas["tidy"]}
    newest = mine_repository(repo, max_commits=2)
    assert newest.commits_seen == 2 and newest.commits_skipped == {"merge": 1}
    dated = mine_repository(repo, since="2024-01-03", until="2024-01-04T12:00:00+00:00")
    assert sorted({e.commit for e in dated.edits}) == sorted({shas["addrm"], shas["rename"]})
    go_only = mine_repository(repo, languages=["golang"])
    assert {e.language for e in go_only.edits} == {"go"} and len(go_only.edits) == 4
    small = mine_repository(repo, max_files_per_commit=2)
    assert small.commits_skipped == {"merge": 1, "too many files": 2}
    assert {e.commit for e in small.edits} == {
        shas[k] for k in ("fix", "addrm", "rename", "move", "tidy")
    }
    tiny = mine_repository(repo, max_bytes=100, rev=shas["fix"])
    assert tiny.files_skipped == [
        (shas["fix"], "app/calc.py", "too large (244 bytes > max_bytes=100)"),
        (shas["init"], "app/calc.py", "too large (244 bytes > max_bytes=100)"),
        (shas["init"], "web/util.js", "too large (113 bytes > max_bytes=100)"),
    ]
    assert [e.name for e in tiny.edits] == ["Add", "main"]
    tagged = mine_repository(
        repo, labeller=lambda e: (e.language,), rev=shas["addrm"], max_commits=1
    )
    assert [e.labels for e in tagged.edits] == [("javascript",), ("go",)]


def test_resume_with_skip_commits(history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    done: set[str] = set()
    first: list[Edit] = []
    for sha, edits in iter_commit_edits(repo):
        done.add(sha)
        first.extend(edits)
        if len(done) == 3:
            break  # interrupted
    report = MiningResult()
    rest = [
        e for _, edits in iter_commit_edits(repo, skip_commits=done, report=report) for e in edits
    ]
    assert report.commits_skipped == {"already mined": 3}
    assert _rows(first + rest, shas) == EXPECTED
    again = mine_repository(repo, skip_commits=done | {e.commit for e in rest} | {shas["merge"]})
    assert again.edits == [] and again.commits_skipped == {"already mined": 8}


def test_repository_errors(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    with pytest.raises(RepositoryError, match="is not a git repository"):
        mine_repository(tmp_path)
    with pytest.raises(RepositoryError, match="does not exist"):
        mine_repository(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    _git(empty, "init", "-q")
    with pytest.raises(RepositoryError, match="has no commits yet"):
        mine_repository(empty)
    with pytest.raises(RepositoryError, match="The revision 'no-such-branch' does not exist"):
        mine_repository(repo, rev="no-such-branch")
    with pytest.raises(UsageError, match="'since' parameter of mine_repository"):
        mine_repository(repo, since="last tuesday")
    with pytest.raises(UsageError, match="'max_commits' parameter"):
        mine_repository(repo, max_commits=0)


# ---------------------------------------------------------------------------------------------
# patches
# ---------------------------------------------------------------------------------------------


def _checkout(repo: Path, rev: str, into: Path) -> Path:
    into.mkdir()
    tar = subprocess.run(["git", "archive", rev], cwd=repo, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(into, filter="data")
    return into


def test_format_patch_matches_history(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    mined = mine_repository(repo)
    for key in ("fix", "addrm", "rename", "move", "tidy", "odd"):
        sha = shas[key]
        patch = _git(repo, "format-patch", "-1", "--stdout", sha)
        root = _checkout(repo, f"{sha}^", tmp_path / key)
        result = mine_patch(patch, before_root=root, source="demo-repo")
        assert result.edits == [e for e in mined.edits if e.commit == sha], key
        assert [e.id for e in result.edits] == [e.id for e in mined.edits if e.commit == sha]
    odd = shas["odd"]
    assert result.files_skipped == [
        (odd, "assets/compiled.js", "binary"),
        (odd, "bad/latin.py", "not UTF-8"),
        (odd, "vendor/lib", "submodule"),
    ]


def test_patch_without_before_root(tmp_path: Path, history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    path = tmp_path / "fix.patch"
    path.write_text(_git(repo, "format-patch", "-1", "--stdout", shas["fix"]))
    result = mine_patch(path)
    [edit] = result.edits
    assert (edit.status, edit.name, edit.hunks, edit.labels) == (
        "modified",
        "sub",
        ((6, 1, 6, 1),),
        ("bugfix",),
    )
    assert edit.before is not None and edit.before.text == "def sub(a, b):\n    return a - b + 1"
    assert (edit.commit, edit.date, edit.source) == (
        shas["fix"],
        "2024-01-02T10:00:00+00:00",
        "patch",
    )
    # `Stack.pop` ends on the hunk's last line: it may go on, so nothing is claimed.
    move = mine_patch(_git(repo, "format-patch", "-1", "--stdout", shas["move"]))
    assert move.edits == []
    # A plain `git diff` (no header), the JS rename.
    diff = _git(repo, "diff", f"{shas['rename']}^", shas["rename"])
    [renamed] = mine_patch(diff).edits
    assert (renamed.status, renamed.before.name, renamed.name, renamed.message, renamed.commit) == (  # type: ignore[union-attr]
        "renamed",
        "greet",
        "welcome",
        "",
        "",
    )


def test_patch_series_and_show(history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    series = mine_patch(_git(repo, "format-patch", "--stdout", f"{shas['init']}..{shas['rename']}"))
    assert series.commits_seen == 3
    assert [(e.commit, e.message, e.status) for e in series.edits] == [
        (shas["fix"], "Fix off-by-one bug in sub", "modified"),
        (shas["addrm"], "Add Mul and drop shout", "removed"),
        (shas["addrm"], "Add Mul and drop shout", "added"),
        (shas["rename"], "Rename greet to welcome", "renamed"),
    ]
    shown = mine_patch(_git(repo, "show", shas["fix"]))
    assert [(e.commit, e.message, e.date, e.name) for e in shown.edits] == [
        (shas["fix"], "Fix off-by-one bug in sub", "2024-01-02T10:00:00+00:00", "sub")
    ]


def test_plain_unified_diff(tmp_path: Path) -> None:
    old = "def area(r):\n    return 3.14 * r * r\n\n\ndef unused():\n    pass\n"
    new = "import math\n\n\ndef area(r):\n    return math.pi * r * r\n"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "geo.py").write_text(old)
    diff = "".join(
        difflib.unified_diff(
            old.splitlines(True), new.splitlines(True), "old/pkg/geo.py", "new/pkg/geo.py"
        )
    )
    result = mine_patch(diff, before_root=tmp_path)
    assert [(e.status, _ref(e.before), _ref(e.after), e.hunks) for e in result.edits] == [
        # difflib pairs `def area` with the import and `def unused` with the new `def area`:
        ("modified", "old/pkg/geo.py::area", "new/pkg/geo.py::area", ((1, 2, 1, 1), (5, 2, 4, 2))),
        ("removed", "old/pkg/geo.py::unused", None, ((5, 2, 4, 2),)),
    ]
    assert result.edits[0].after.text == "def area(r):\n    return math.pi * r * r"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("patch", "line", "what"),
    [
        ("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @\n-a\n+b\n", 3, "hunk header"),
        ("--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a\n+b\n", 3, "ends early"),
        ("--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,1 @@\n-a\n?b\n", 5, "expected 1 more old"),
        ("hello\n@@ -1 +1 @@\n-a\n+b\n", 2, "before any"),
    ],
)
def test_malformed_patches(patch: str, line: int, what: str) -> None:
    with pytest.raises(InputError, match=rf"Malformed patch at line {line}: .*{what}"):
        mine_patch(patch)


def test_patch_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="holds no file diff"):
        mine_patch("just some\ntext\n")
    with pytest.raises(InputError, match="patch file .* does not exist"):
        mine_patch(tmp_path / "nope.patch")
    with pytest.raises(InputError, match="before_root folder"):
        mine_patch("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n", before_root=tmp_path / "no")
    result = mine_patch("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n", before_root=tmp_path)
    assert result.files_skipped == [("", "x.py", "not found under before_root: x.py")]
    (tmp_path / "x.py").write_text("zzz\n")
    result = mine_patch("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n", before_root=tmp_path)
    assert result.files_skipped == [
        ("", "x.py", "does not apply: hunk at patch line 3 does not apply")
    ]


# ---------------------------------------------------------------------------------------------
# before/after files and folders
# ---------------------------------------------------------------------------------------------


def test_mine_pair_files_and_folders(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    (before / "pkg").mkdir(parents=True)
    (after / "pkg").mkdir(parents=True)
    (before / "pkg" / "calc.py").write_text(CALC)
    grown = (
        CALC.replace("a - b + 1", "a - b")
        + "\n    def peek(self):\n        return self.items[-1]\n"
    )
    (after / "pkg" / "calc.py").write_text(grown)
    (before / "util.js").write_text(UTIL)
    (after / "main.go").write_text(MAIN)
    (before / "notes.txt").write_text("not code\n")
    (after / "blob.py").write_bytes(b"\0\0")
    result = mine_pair(before, after)
    assert [(e.status, _ref(e.before), _ref(e.after), e.hunks) for e in result.edits] == [
        ("modified", "pkg/calc.py::sub", "pkg/calc.py::sub", ((6, 1, 6, 1),)),
        ("removed", "util.js::greet", None, ((1, 7, 0, 0),)),
        ("removed", "util.js::shout", None, ((1, 7, 0, 0),)),
        ("added", None, "main.go::Add", ((0, 0, 1, 9),)),
        ("added", None, "main.go::main", ((0, 0, 1, 9),)),
        ("added", None, "pkg/calc.py::Stack.peek", ((17, 0, 18, 3),)),
    ]
    assert result.files_skipped == [("", "blob.py", "binary")]
    one = mine_pair(
        before / "pkg" / "calc.py", after / "pkg" / "calc.py", message="Fix sub", source="s"
    )
    assert [(e.status, e.name, e.labels, e.source) for e in one.edits] == [
        ("modified", "sub", ("bugfix",), "s"),
        ("added", "Stack.peek", ("bugfix",), "s"),
    ]
    only_js = mine_pair(before, after, language="javascript")
    assert [e.name for e in only_js.edits] == ["greet", "shout"]
    (tmp_path / "a.txt").write_text("def f():\n    return 1\n")
    (tmp_path / "b.txt").write_text("def f():\n    return 2\n")
    forced = mine_pair(tmp_path / "a.txt", tmp_path / "b.txt", language="python")
    assert [(e.status, e.name, e.before.path, e.path) for e in forced.edits] == [  # type: ignore[union-attr]
        ("modified", "f", "a.txt", "b.txt")
    ]
    with pytest.raises(InputError, match="two files or two folders"):
        mine_pair(before, after / "main.go")
    with pytest.raises(InputError, match="does not exist"):
        mine_pair(before, tmp_path / "nowhere")


def test_moves_across_files(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    files = {
        "before/pkg/calc.py": "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n",
        "before/pkg/ops.py": "def neg(a):\n    return -a\n",
        "after/pkg/calc.py": "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n",
        "after/pkg/ops.py": "def neg(a):\n    return -a\n\n\ndef sub(x, y):\n    return x - y\n",
        "before/pkg/shapes.py": "def area(w, h):\n    w = abs(w)\n    return w * h\n",
        "after/pkg/geometry.py": "def surface(w, h):\n    w = abs(w)\n    return w * h\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    result = mine_pair(before, after)
    assert [(e.status, _ref(e.before), _ref(e.after), e.trivial) for e in result.edits] == [
        # same name in another file first: `sub` moved (and its parameters renamed) ...
        ("renamed", "pkg/calc.py::sub", "pkg/ops.py::sub", "rename"),
        # ... so the similar `mul` is an addition, not a rename of `sub`
        ("renamed", "pkg/shapes.py::area", "pkg/geometry.py::surface", "rename"),
        ("added", None, "pkg/calc.py::mul", ""),
    ]


# ---------------------------------------------------------------------------------------------
# labels and triviality
# ---------------------------------------------------------------------------------------------


def _edit(message: str, path: str = "app.py", kind: str = "function") -> Edit:
    f = Fragment("python", kind, "f", path, 0, 9, 1, 2, "def f():\n    pass\n")
    return Edit(f, f, "modified", message=message)


@pytest.mark.parametrize(
    ("message", "labels"),
    [
        ("Fix flaky test_retry (fails randomly on CI)", ("flaky", "bugfix")),
        ("Avoid a data race and a deadlock in the pool", ("race",)),
        ("Fix typo in error message", ("typo", "bugfix")),
        ("Speed up parsing: optimise the tokenizer", ("perf",)),
        ("Sanitize user input (CVE-2024-1234)", ("security",)),
        ("Add type hints; make mypy happy", ("typing",)),
        ('Revert "Speed up parsing"', ("perf", "revert")),
        ("Refactor the loader", ("refactor",)),
        ("Update docs for the CLI", ("docs",)),
        ("Bump requests from 2.31 to 2.32", ("deps",)),
        ("Debug output for the prefix tree", ()),
        ("Add a fixture", ()),
    ],
)
def test_default_labels(message: str, labels: tuple[str, ...]) -> None:
    assert KeywordLabeller()(_edit(message)) == labels


def test_structural_and_custom_labels(tmp_path: Path) -> None:
    assert KeywordLabeller()(_edit("Add a case", path="tests/test_app.py")) == ("test-only",)
    assert KeywordLabeller()(_edit("Add a case", kind="test")) == ("test-only",)
    assert KeywordLabeller(structural=False)(_edit("x", path="tests/test_app.py")) == ()
    assert [
        is_test_path(p)
        for p in ("src/x_test.go", "web/a.spec.ts", "src/FooTest.java", "src/app.py")
    ] == [
        True,
        True,
        True,
        False,
    ]
    custom = KeywordLabeller({"logging": ["logger", r"log(s|ging)?\b"]})
    assert custom(_edit("Quieter logging in the logger")) == ("logging",)
    assert custom(_edit("Fix a crash")) == ()
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"logging": ["logging"], "flaky": "wobbly"}))
    assert load_rules(rules) == {"logging": ["logging"], "flaky": ["wobbly"]}
    toml = tmp_path / "rules.toml"
    toml.write_text('[labels]\nlogging = ["logging"]\n')
    merged = KeywordLabeller({**DEFAULT_RULES, **load_rules(toml)})
    assert merged(_edit("Fix logging")) == ("bugfix", "logging")
    bad = tmp_path / "bad.json"
    bad.write_text('{"x": ["(unclosed"]}')
    with pytest.raises(InputError, match="pattern '\\(unclosed' of label 'x' is not a valid"):
        load_rules(bad)
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        load_rules(bad)
    bad.write_text('{"x": 3}')
    with pytest.raises(InputError, match="must map to a list"):
        load_rules(bad)
    with pytest.raises(InputError, match="does not exist"):
        load_rules(tmp_path / "missing.json")
    with pytest.raises(UsageError):
        KeywordLabeller({"x": "not-a-list"})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("before", "after", "language", "tag"),
    [
        ("x = 1\n", "x  =  1\n", "python", "whitespace"),
        (
            "def f(a):\n  if a:\n    x()\n  y()\n",
            "def f(a):\n    if a:\n        x()\n    y()\n",
            "python",
            "whitespace",
        ),
        (
            "def f(a):\n    if a:\n        x()\n    y()\n",
            "def f(a):\n    if a:\n        x()\n        y()\n",
            "python",
            "",
        ),
        ('s = "a b"\n', 's = "a  b"\n', "python", ""),
        ("x = 1  # one\n", "x = 1  # uno\n", "python", "comment"),
        (
            'def f():\n    """Doc."""\n    return 1\n',
            'def f():\n    """Other."""\n    return 1\n',
            "python",
            "comment",
        ),
        ("def f(a):\n    return a\n", "def g(b):\n    return b\n", "python", "rename"),
        ("def f(a):\n    return len(a)\n", "def f(a):\n    return max(a)\n", "python", ""),
        ("def f(a):\n    return True\n", "def f(a):\n    return False\n", "python", ""),
        (
            "function f(a) {\n  return a + 1; // x\n}",
            "function f(a) {\n  // y\n  return a+1;\n}",
            "javascript",
            "comment",
        ),
        (
            "function f(a) {\n  return x.sort(a);\n}",
            "function f(a) {\n  return x.reverse(a);\n}",
            "javascript",
            "",
        ),
        (
            "func Add(a int, b int) int {\n\treturn a + b\n}",
            "func Add(x int, y int) int {\n\treturn x + y\n}",
            "go",
            "rename",
        ),
        (
            "int f(int a) {\n  int t = a;\n  return t;\n}",
            "int f(int a) {\n  int u = a;\n  return u;\n}",
            "java",
            "rename",
        ),
        ("int f() { return 1; }", "int f() { return 2; }", "c", ""),
    ],
)
def test_triviality(before: str, after: str, language: str, tag: str) -> None:
    assert triviality(before, after, language) == tag


# ---------------------------------------------------------------------------------------------
# the Edit table
# ---------------------------------------------------------------------------------------------


def test_edits_round_trip_through_parquet(
    tmp_path: Path, history: tuple[Path, dict[str, str]]
) -> None:
    repo, _ = history
    edits = mine_repository(repo).edits
    frame = edits_to_frame(edits)
    assert len(frame) == len(edits) and frame["before_start_line"].dtype == "Int64"
    frame.to_parquet(tmp_path / "edits.parquet")
    back = edits_from_frame(pd.read_parquet(tmp_path / "edits.parquet"))
    assert back == edits
    assert [e.id for e in back] == [e.id for e in edits]
    assert edits_from_frame(edits_to_frame([])) == []
    with pytest.raises(UsageError, match="'status' parameter of Edit"):
        Edit(None, edits[0].after, "changed")
    with pytest.raises(UsageError, match="'before' parameter of Edit"):
        Edit(None, None, "added")
