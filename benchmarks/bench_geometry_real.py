"""How much "flaky-fix" signal do edit vectors carry on REAL git histories?

Mines test edits from real repositories, labels those whose commit message says
they fix a flaky test, and measures — split by repository, never by row — how
well each edit representation and direction method separates flaky fixes from
other test edits (AUC, 95% bootstrap CI), next to the baselines: the lexical
bag-of-tokens representation and a direction from text phrases.

    python benchmarks/bench_geometry_real.py REPO [REPO ...] [--per-repo-negatives 4] [--max-commits N]

Repositories: any local clones (e.g. fetched public Python projects).  The
script prints one table; the README quotes it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from embedmotion.edits import Edit
from embedmotion.embedding import load_embedder
from embedmotion.geometry import Direction, EditSpace
from embedmotion.labels import is_test_path
from embedmotion.metrics import auc, bootstrap_ci, heldout_scores
from embedmotion.mining import mine_repository


def test_edits(repo: Path, max_commits: int | None, cache: Path | None) -> list[Edit]:
    name = repo.parent.name if repo.name == "repo" else repo.name
    cached = cache / f"{name}-{max_commits}.parquet" if cache else None
    if cached is not None and cached.exists():
        import pandas as pd

        from embedmotion.edits import edits_from_frame

        return edits_from_frame(pd.read_parquet(cached))
    res = mine_repository(repo, max_commits=max_commits, first_parent=False,
                          show_progress_bar=False, source=repo.parent.name if repo.name == "repo"
                          else repo.name, languages=["python"])
    out = []
    for e in res.edits:
        if e.status != "modified" or e.trivial:
            continue
        if not (e.after is not None and (e.after.kind == "test" or is_test_path(e.path))):
            continue
        out.append(e)
    print(f"  {repo}: {len(res.edits)} edits, {len(out)} modified non-trivial test edits "
          f"({sum('flaky' in e.labels for e in out)} flaky)", file=sys.stderr)
    if cached is not None:
        from embedmotion.edits import edits_to_frame

        cached.parent.mkdir(parents=True, exist_ok=True)
        edits_to_frame(out).to_parquet(cached)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repos", nargs="+", type=Path)
    ap.add_argument("--per-repo-negatives", type=int, default=4,
                    help="non-flaky test edits sampled per flaky edit, per repository")
    ap.add_argument("--max-commits", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-flaky", type=int, default=100, help="flaky fixes sampled per repository")
    ap.add_argument("--cache", type=Path, default=None, help="directory caching mined test edits")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    sample: list[Edit] = []
    t0 = time.perf_counter()
    for repo in args.repos:
        edits = test_edits(repo, args.max_commits, args.cache)
        flaky = [e for e in edits if "flaky" in e.labels]
        if len(flaky) > args.max_flaky:
            flaky = [flaky[i] for i in sorted(rng.choice(len(flaky), args.max_flaky, replace=False))]
        other = [e for e in edits if "flaky" not in e.labels and "race" not in e.labels]
        if not flaky:
            continue
        k = min(len(other), args.per_repo_negatives * len(flaky))
        picked = [other[i] for i in rng.choice(len(other), size=k, replace=False)]
        sample += flaky + picked
    t_mine = time.perf_counter() - t0
    n_flaky = sum("flaky" in e.labels for e in sample)
    print(f"sample: {len(sample)} test edits, {n_flaky} flaky fixes, "
          f"{len({e.source for e in sample})} repositories (mined in {t_mine:.0f}s)", file=sys.stderr)
    emb = load_embedder()
    t0 = time.perf_counter()
    space = EditSpace.from_edits(sample, embedder=emb, show_progress_bar=None)
    print(f"embedded in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    y_all = space.has_label("flaky")
    rows = []
    for rep in ("fragment", "hunk", "diff", "lexical"):
        for method in ("mean", "contrast", "probe"):
            s, y = heldout_scores(space, "flaky", method=method, representation=rep)  # type: ignore[arg-type]
            a = auc(s, y)
            lo, hi = bootstrap_ci(auc, s, y, n_boot=300)
            rows.append((rep, method, a, lo, hi))
    # the text baseline: no training at all
    d_txt = Direction.from_text(["flaky test that sleeps and depends on timing", "nondeterministic test"],
                                ["deterministic test that waits for a condition", "stable test"],
                                embedder=emb)
    for rep in ("hunk", "fragment"):
        s = space.vectors(rep) @ d_txt.vector_  # type: ignore[arg-type]
        lo, hi = bootstrap_ci(auc, s, y_all, n_boot=300)
        rows.append((rep, "text phrases", auc(s, y_all), lo, hi))
    print(f"\nflaky-fix vs other test edits — {len(sample)} edits ({n_flaky} flaky), "
          f"split by repository, AUC with 95% bootstrap CI")
    print(f"{'representation':15s} {'method':14s} {'AUC':>6s}  95% CI")
    for rep, method, a, lo, hi in rows:
        print(f"{rep:15s} {method:14s} {a:6.3f}  [{lo:.3f}, {hi:.3f}]")


if __name__ == "__main__":
    main()
