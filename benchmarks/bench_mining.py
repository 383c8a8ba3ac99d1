"""How fast is history mining, next to the bare cost of reading and parsing the same blobs?

Usage::

    python benchmarks/bench_mining.py REPO_PATH [--max-commits 300] [--include-merges]
    python benchmarks/bench_mining.py --synthetic [--max-commits 300]

Three figures, side by side, for the same window of first-parent history:

* ``mine``           ``mine_repository`` (diff, read, parse, query, match, label, tag);
* ``bare per diff``  pygit2 reads both blobs of every changed supported-language
  file and tree-sitter parses both (no queries), as a naive miner would;
* ``bare distinct``  the same, but each distinct blob parsed once: the least
  work any miner that parses whole files must do.

The goal is ``mine`` within 2x of ``bare distinct``.  CPU seconds are reported
next to wall seconds because shared machines make wall time noisy.

``--synthetic`` builds a history in a temporary folder: Python standard library
modules committed once, then ``--max-commits`` commits each editing one to three
of them (insert a statement, rename a function, delete one, add one), seeded.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pygit2

from embedmotion.languages import get_language, language_for_path
from embedmotion.mining import DEFAULT_MAX_BYTES, mine_repository


def _window(repo: pygit2.Repository, n: int, include_merges: bool) -> list[pygit2.Commit]:
    walker = repo.walk(repo.head.target, pygit2.enums.SortMode.TOPOLOGICAL)
    walker.simplify_first_parent()
    out: list[pygit2.Commit] = []
    for commit in walker:
        out.append(commit)
        if len(out) >= n:
            break
    return [c for c in out if include_merges or len(c.parents) <= 1]


def bare(repo_path: str, n: int, include_merges: bool) -> dict[str, float]:
    """Read both blobs of each changed file with pygit2 and parse them with tree-sitter."""
    start, cpu = time.perf_counter(), time.process_time()
    repo = pygit2.Repository(repo_path)
    parsers: dict[str, object] = {}
    seen: set[str] = set()
    per_diff = {"files": 0.0, "bytes": 0.0, "parse_s": 0.0, "parse_cpu": 0.0}
    distinct = {"files": 0.0, "bytes": 0.0, "parse_s": 0.0, "parse_cpu": 0.0}
    commits = _window(repo, n, include_merges)
    for commit in commits:
        if commit.parents:
            diff = commit.parents[0].tree.diff_to_tree(commit.tree)
        else:
            diff = commit.tree.diff_to_tree(swap=True)
        diff.find_similar(flags=pygit2.enums.DiffFind.FIND_RENAMES)
        for delta in diff.deltas:
            lang = language_for_path(delta.new_file.path) or language_for_path(delta.old_file.path)
            if lang is None or pygit2.enums.FileMode.COMMIT in (
                delta.old_file.mode,
                delta.new_file.mode,
            ):
                continue
            status = delta.status_char()
            oids = [
                f.id for f, gone in ((delta.old_file, "A"), (delta.new_file, "D")) if status != gone
            ]
            parser = parsers.get(lang)
            if parser is None:
                parser = parsers[lang] = get_language(lang).parser()
            for oid in oids:
                blob = repo[oid]
                if (
                    not isinstance(blob, pygit2.Blob)
                    or blob.size > DEFAULT_MAX_BYTES
                    or blob.is_binary
                ):
                    continue
                data = blob.data
                t, c = time.perf_counter(), time.process_time()
                parser.parse(data)  # type: ignore[attr-defined]
                took, took_cpu = time.perf_counter() - t, time.process_time() - c
                per_diff["files"] += 1
                per_diff["bytes"] += len(data)
                per_diff["parse_s"] += took
                per_diff["parse_cpu"] += took_cpu
                if str(oid) not in seen:
                    seen.add(str(oid))
                    distinct["files"] += 1
                    distinct["bytes"] += len(data)
                    distinct["parse_s"] += took
                    distinct["parse_cpu"] += took_cpu
    wall, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    reading = wall - per_diff["parse_s"]  # walking, diffing and reading blobs
    reading_cpu = cpu_s - per_diff["parse_cpu"]
    return {
        "commits": len(commits),
        "per_diff_wall": wall,
        "per_diff_cpu": cpu_s,
        "per_diff_mb": per_diff["bytes"] / 1e6,
        "distinct_wall": reading + distinct["parse_s"],
        "distinct_cpu": reading_cpu + distinct["parse_cpu"],
        "distinct_mb": distinct["bytes"] / 1e6,
    }


def synthetic(root: Path, n: int, seed: int = 0) -> Path:
    """A repository of stdlib modules with ``n`` seeded editing commits on top."""
    rng = random.Random(seed)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    names = sorted(p.name for p in stdlib.glob("*.py") if 5_000 < p.stat().st_size < 120_000)
    chosen = rng.sample(names, min(40, len(names)))
    repo = pygit2.init_repository(str(root), initial_head="main")
    sig = pygit2.Signature("Bench", "bench@example.com", 1_700_000_000, 0)
    files: dict[str, str] = {}
    for name in chosen:
        files[f"lib/{name}"] = (stdlib / name).read_text(encoding="utf-8", errors="replace")
    messages = ["Fix crash in {}", "Refactor {}", "Speed up {}", "Add {}", "Remove {}", "Rename {}"]
    parents: list[pygit2.Oid] = []
    for i in range(n + 1):
        if i:
            for path in rng.sample(sorted(files), rng.randint(1, 3)):
                files[path] = _mutate(files[path], rng)
        for path, text in files.items():
            full = root / path
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_text(text, encoding="utf-8")
        repo.index.add_all()
        repo.index.write()
        tree = repo.index.write_tree()
        when = pygit2.Signature("Bench", "bench@example.com", 1_700_000_000 + 3600 * i, 0)
        message = "Import modules" if not i else rng.choice(messages).format(f"step {i}")
        oid = repo.create_commit(
            "HEAD", when if i else sig, when if i else sig, message, tree, parents
        )
        parents = [oid]
    return root


_DEF = re.compile(r"^(?P<indent>[ \t]*)def (?P<name>\w+)\(", re.MULTILINE)


_HEADER_END = re.compile(r":[ \t]*(#[^\n]*)?\n")


def _mutate(text: str, rng: random.Random) -> str:
    """One plausible edit of a random function; always leaves valid Python."""
    defs = [m for m in _DEF.finditer(text) if not _decorated(text, m.start())]
    if not defs:
        return text + "\n\ndef added_function():\n    return None\n"
    m = rng.choice(defs)
    indent = m.group("indent")
    action = rng.choice(["insert", "insert", "rename", "delete", "add"])
    if action == "rename":
        new = f"{m.group('name')}_v{rng.randint(0, 999)}"
        return text[: m.start("name")] + new + text[m.end("name") :]
    if action == "insert":
        header = _HEADER_END.search(text, m.end())
        if header is None:
            return text
        stmt = f"{indent}    _trace = {rng.randint(0, 10**6)}\n"
        return text[: header.end()] + stmt + text[header.end() :]
    if action == "delete":
        nxt = next((d.start() for d in _DEF.finditer(text) if d.start() > m.start()), len(text))
        segment = text[m.start() : nxt]
        body = [ln for ln in segment.splitlines()[1:] if ln.strip()]
        if segment.count("\n") > 60 or any(
            len(ln) - len(ln.lstrip()) <= len(indent)
            and not ln.lstrip().startswith((")", "]", "}"))
            for ln in body
        ):
            return text  # the segment holds more than this one function
        return text[: m.start()] + text[nxt:]
    added = f"{indent}def helper_{rng.randint(0, 10**6)}(x):\n{indent}    return x * 2\n\n"
    return text[: m.start()] + added + text[m.start() :]


def _decorated(text: str, start: int) -> bool:
    before = text[:start].rstrip().rsplit("\n", 1)[-1].strip()
    return before.startswith("@")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("repo", nargs="?", help="path of a git repository")
    ap.add_argument("--max-commits", type=int, default=300)
    ap.add_argument("--include-merges", action="store_true")
    ap.add_argument("--synthetic", action="store_true", help="build and mine a synthetic history")
    args = ap.parse_args(argv)
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if args.synthetic:
        tmp = tempfile.TemporaryDirectory(prefix="bench-mining-")
        t = time.perf_counter()
        repo_path = str(synthetic(Path(tmp.name) / "repo", args.max_commits))
        print(
            f"built a synthetic history of {args.max_commits + 1} commits in {time.perf_counter() - t:.1f} s"
        )
    elif args.repo:
        repo_path = args.repo
    else:
        ap.error("give a REPO_PATH or --synthetic")
    try:
        b = bare(repo_path, args.max_commits, args.include_merges)
        start, cpu = time.perf_counter(), time.process_time()
        result = mine_repository(
            repo_path,
            max_commits=args.max_commits,
            include_merges=args.include_merges,
            show_progress_bar=False,
        )
        wall, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    finally:
        if tmp is not None:
            tmp.cleanup()
    mined_commits = result.commits_mined
    mb = result.bytes_parsed / 1e6
    print(f"repository: {repo_path}")
    print(result.summary())
    print()
    print(f"{'':16}{'wall s':>9}{'cpu s':>9}{'commits/s':>11}{'MB parsed':>11}{'MB/s':>8}")
    rows = [
        ("mine", wall, cpu_s, mined_commits, mb),
        ("bare per diff", b["per_diff_wall"], b["per_diff_cpu"], b["commits"], b["per_diff_mb"]),
        ("bare distinct", b["distinct_wall"], b["distinct_cpu"], b["commits"], b["distinct_mb"]),
    ]
    for name, w, c, n, m in rows:
        print(f"{name:16}{w:9.2f}{c:9.2f}{n / w:11.1f}{m:11.1f}{m / w:8.2f}")
    print()
    for clock, mine_s, per, dis in (
        ("cpu ", cpu_s, b["per_diff_cpu"], b["distinct_cpu"]),
        ("wall", wall, b["per_diff_wall"], b["distinct_wall"]),
    ):
        print(
            f"{clock}: mine / bare per diff {mine_s / per:.2f}x, "
            f"mine / bare distinct {mine_s / dis:.2f}x (goal <= 2x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
