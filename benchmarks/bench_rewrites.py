"""How often do the rewrite operators propose the fix a developer actually wrote?

For every curated edit (``data/curated/*.jsonl``) this runs
``embedmotion.rewrites.generate(before, language, limit=...)`` and checks whether
the true ``after`` is among the candidates, compared up to layout
(:func:`embedmotion.rewrites.same_code`: same tokens and tree, any spacing and
line breaks); the ``~literals`` column also counts candidates that differ from
it only in numbers and strings (another seed, timeout or date).  It prints one row per category x language (and per category):
edits, exact-match coverage, mean number of candidates and milliseconds per
fragment; ``--by subkind`` breaks categories down by sub-kind instead.

Usage::

    python benchmarks/bench_rewrites.py
    python benchmarks/bench_rewrites.py --by subkind --limit 500
    python benchmarks/bench_rewrites.py --misses less-flaky   # list the edits not covered

Exact match is a strict measure: a candidate with a different seed, timeout or
message than the developer chose counts as a miss.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
from pathlib import Path

from embedmotion.rewrites import canonical_form, generate, same_code

ROOT = Path(__file__).resolve().parent.parent


def load(data_dir: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in sorted(data_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "curated")
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--by", choices=("language", "subkind"), default="language")
    ap.add_argument("--misses", metavar="CATEGORY", help="list uncovered edits of a category")
    ap.add_argument("--hits", metavar="CATEGORY", help="list covered edits of a category")
    args = ap.parse_args(argv)

    rows = load(args.data)
    stats: dict[tuple[str, str], list[tuple[bool, bool, int, float]]] = collections.defaultdict(
        list
    )
    for rec in rows:
        cat, lang = str(rec["category"]), str(rec["language"])
        key2 = str(rec["subkind"]) if args.by == "subkind" else lang
        after = str(rec["after"])
        t0 = time.perf_counter()
        cands = generate(str(rec["before"]), lang, limit=args.limit)
        ms = (time.perf_counter() - t0) * 1000
        hit = next((c for c in cands if same_code(c.text, after, lang)), None)
        loose = hit is not None
        if not loose:
            target = canonical_form(after, lang, abstract_literals=True)
            loose = any(
                canonical_form(c.text, lang, abstract_literals=True) == target for c in cands
            )
        for key in ((cat, key2), (cat, "ALL"), ("ALL", "ALL")):
            stats[key].append((hit is not None, loose, len(cands), ms))
        if args.misses == cat and hit is None:
            print(f"MISS {rec['id']} {rec['subkind']} ({len(cands)} candidates)")
        if args.hits == cat and hit is not None:
            print(f"HIT  {rec['id']} {rec['subkind']} by {hit.operator}: {hit.description}")

    header = (
        f"{'category':<20} {args.by:<22} {'edits':>5} {'coverage':>9} {'~literals':>9}"
        f" {'cands':>7} {'ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for (cat, key2), vals in sorted(stats.items(), key=lambda kv: (kv[0][0] == "ALL", kv[0])):
        n = len(vals)
        cov = 100.0 * sum(v[0] for v in vals) / n
        loose_cov = 100.0 * sum(v[1] for v in vals) / n
        mean_c = statistics.fmean(v[2] for v in vals)
        mean_ms = statistics.fmean(v[3] for v in vals)
        label = "ALL" if key2 == "ALL" else key2
        print(
            f"{cat:<20} {label:<22} {n:>5} {cov:>8.1f}% {loose_cov:>8.1f}%"
            f" {mean_c:>7.1f} {mean_ms:>7.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
