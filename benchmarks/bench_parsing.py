"""How much does the fragment layer cost on top of tree-sitter itself?

Parses a large real tree several ways and prints the figures side by side:

* **bare tree-sitter**: read each source file and parse it; no queries, nothing else;
* **parse + empty query**: the same, plus a query that matches nothing: the cost of
  tree-sitter walking every node once, which any query pays;
* **parse + query**: the same, plus the one query pass embedmotion makes per file
  (definitions and tests together);
* **parse_tree**: embedmotion's full fragment layer (directory walk, .gitignore,
  file checks, parse, queries, qualified names, Fragment objects with ids).

The goal is ``parse_tree`` <= 1.5x the bare parse.  Usage::

    python benchmarks/bench_parsing.py                 # the running Python's stdlib
    python benchmarks/bench_parsing.py path/to/tree --repeat 5

Each figure is the best of ``--repeat`` runs of CPU time (``time.process_time``:
other work on the machine does not count), the contenders taking turns round by
round, after one warm-up run so that the files are in the OS cache for all.
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
import time
from pathlib import Path

import tree_sitter

if __package__ in (None, ""):  # run as a script from a checkout: import the checkout's package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embedmotion.fragments import ParseReport
from embedmotion.languages import LANGUAGES, language_for_path
from embedmotion.parsing import DEFAULT_MAX_BYTES, _walk, parse_tree


def _files(root: Path, max_bytes: int) -> list[tuple[Path, str]]:
    """The files parse_tree parses: known language, within the size limit."""
    out = []
    for rel, path in _walk(root, True, True):
        lang = language_for_path(rel)
        if lang is not None and path.stat().st_size <= max_bytes:
            out.append((path, lang))
    return out


def bare(files: list[tuple[Path, str]]) -> tuple[int, int]:
    parsers = {name: spec.parser() for name, spec in LANGUAGES.items()}
    nbytes = 0
    for path, lang in files:
        data = path.read_bytes()
        parsers[lang].parse(data)
        nbytes += len(data)
    return len(files), nbytes


def with_queries(files: list[tuple[Path, str]], *, floor: bool = False) -> tuple[int, int]:
    """Parse and run embedmotion's query (``floor``: a query that matches nothing)."""
    parsers = {name: spec.parser() for name, spec in LANGUAGES.items()}
    queries = {
        name: tree_sitter.Query(spec.language, "(ERROR) @e") if floor else spec.query("all")
        for name, spec in LANGUAGES.items()
    }
    matches = 0
    for path, lang in files:
        root = parsers[lang].parse(path.read_bytes()).root_node
        matches += len(tree_sitter.QueryCursor(queries[lang]).matches(root))
    return len(files), matches


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "root",
        nargs="?",
        default=sysconfig.get_paths()["stdlib"],
        help="tree to parse (default: this Python's standard library)",
    )
    ap.add_argument("--repeat", type=int, default=5, help="runs per contender (best is kept)")
    ap.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    args = ap.parse_args(argv)
    root = Path(args.root)

    files = _files(root, args.max_bytes)
    parse_tree(root, max_bytes=args.max_bytes, show_progress_bar=False)  # warm-up
    for spec in LANGUAGES.values():
        spec.query("all")

    labels = ("bare tree-sitter", "parse + empty query", "parse + query", "parse_tree")
    best = dict.fromkeys(labels, float("inf"))
    nbytes = 0
    report = ParseReport()
    for _ in range(args.repeat):  # interleaved rounds: a busy machine slows all contenders alike
        t0 = time.process_time()
        _, nbytes = bare(files)
        t1 = time.process_time()
        with_queries(files, floor=True)
        t2 = time.process_time()
        with_queries(files)
        t3 = time.process_time()
        report = parse_tree(root, max_bytes=args.max_bytes, show_progress_bar=False)
        t4 = time.process_time()
        for label, t in zip(best, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            best[label] = min(best[label], t)
    t_bare, t_full = best["bare tree-sitter"], best["parse_tree"]
    nfrag = len(report.fragments)
    mb = nbytes / 1e6

    print(f"tree: {root}")
    print(
        f"files: {len(files):,} ({mb:.1f} MB); fragments: {nfrag:,}; "
        f"files with syntax errors: {len(report.files_with_errors):,}; "
        f"skipped: {len(report.skipped):,}"
    )
    print(f"CPU seconds, best of {args.repeat} interleaved runs\n")
    print(f"{'':22}{'CPU s':>10}{'MB/s':>10}{'fragments/s':>14}{'x bare':>9}")
    for label, t in best.items():
        fps = f"{nfrag / t:,.0f}" if label == "parse_tree" else "-"
        print(f"{label:22}{t:10.3f}{mb / t:10.1f}{fps:>14}{t / t_bare:9.2f}")
    verdict = "within" if t_full / t_bare <= 1.5 else "ABOVE"
    print(f"\nfragment layer / bare parse = {t_full / t_bare:.2f}x ({verdict} the 1.5x goal)")


if __name__ == "__main__":
    main()
