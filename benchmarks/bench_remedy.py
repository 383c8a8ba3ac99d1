"""From a failure to a direction: which method ranks the true fix first?

For a seeded sample of curated (failure, fix) pairs (edits that carry the
output of the tool that motivated them), the candidates are the rewrite
operators' after-versions of ``before`` plus the true ``after`` (as in
``bench_suggest.py``).  A :class:`~embedmotion.remedy.RemedyModel` is fitted
with ``mask`` excluding the held-out group, turns the pair's failure text into a
direction, and the candidates are ranked with suggest's score
``m·d + w·closeness`` (:meth:`embedmotion.suggest.Ranker.parts`).  Two hold-out schemes:

``project``            the edit's whole project is held out (the others stay)
``category-language``  every edit of the same category *and* language is held
                       out: the method must carry over from other languages

Compared: the three remedy methods (``nearest``, ``ridge``, ``kind``) against
the no-failure baselines -- closeness only, and a *generic* fix direction
(the mean of all training fix edits) -- a random order, and, as a ceiling,
the true category's direction (what ``kind`` would give if its rules were
always right).  hit@1, hit@3 and MRR come with 95% bootstrap intervals
(resampling edits, :func:`embedmotion.metrics.bootstrap_ci`), then MRR by
category and by language, and how often the ``kind`` rules name the right
category.  ``--grid`` adds ``nearest``'s ``k`` and ``ridge``'s ``alpha``.

Usage::

    python benchmarks/bench_remedy.py [--per-category 8] [--holdout project category-language] [--grid]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_suggest import (  # noqa: E402  (a sibling script)
    Case,
    prepare_case,
    random_metrics,
    rank_metrics,
    sample_rows,
)

from embedmotion.algebra import unit  # noqa: E402
from embedmotion.directions import BUILTIN_METHOD, curated_space  # noqa: E402
from embedmotion.embedding import Embedder, load_embedder  # noqa: E402
from embedmotion.geometry import Direction, EditSpace, Representation  # noqa: E402
from embedmotion.metrics import bootstrap_ci  # noqa: E402
from embedmotion.remedy import (  # noqa: E402
    METHODS,
    RemedyModel,
    kind_category,
    pair_failure_text,
)
from embedmotion.suggest import DEFAULT_CLOSENESS, Ranker  # noqa: E402

HOLDOUTS = ("project", "category-language")


def group_of(space: EditSpace, scheme: str) -> np.ndarray:
    if scheme == "project":
        return space.groups()
    lang = space.frame["before_language"].fillna("").astype(str).to_numpy()
    return np.array([f"{c}/{la}" for c, la in zip(space.labels(), lang)], dtype=object)


class Fitted:
    """Remedy models and baseline directions, fitted once per held-out group."""

    def __init__(self, space: EditSpace, embedder: Embedder, scheme: str) -> None:
        self.space = space
        self.embedder = embedder
        self.groups = group_of(space, scheme)
        self.fails = space.frame["failure"].fillna("").astype(str).to_numpy() != ""
        self._models: dict[tuple[str, str, str, float], RemedyModel] = {}
        self._dirs: dict[tuple[str, str, str], np.ndarray] = {}

    def model(self, method: str, rep: str, group: str, param: float | None = None) -> RemedyModel:
        key = (method, rep, group, float(param or 0))
        if key not in self._models:
            kw: dict[str, float] = {}
            if method == "nearest" and param is not None:
                kw["k"] = int(param)
            if method == "ridge" and param is not None:
                kw["alpha"] = float(param)
            m = RemedyModel(method, representation=rep, **kw)  # type: ignore[arg-type]
            self._models[key] = m.fit(self.space, embedder=self.embedder, mask=self.groups != group)
        return self._models[key]

    def generic(self, rep: Representation, group: str) -> np.ndarray:
        key = ("generic", rep, group)
        if key not in self._dirs:
            train = (self.groups != group) & self.fails
            self._dirs[key] = unit(self.space.vectors(rep)[train].mean(axis=0))
        return self._dirs[key]

    def oracle(self, rep: Representation, category: str, group: str) -> np.ndarray:
        key = (category, rep, group)
        if key not in self._dirs:
            train = self.groups != group
            X = self.space.vectors(rep)[train]
            y = self.space.has_label(category)[train]
            self._dirs[key] = Direction(BUILTIN_METHOD).fit(X, y).vector_  # type: ignore[arg-type]
        return self._dirs[key]


Scorer = Callable[[Case, str], np.ndarray]


def failure_of(space: EditSpace, case: Case) -> str:
    tool = str(space.frame["failure_tool"].fillna("").iat[case.row])
    return pair_failure_text(tool, case.failure)


def scorers(space: EditSpace, fitted: Fitted, rep: Representation, grid: bool) -> dict[str, Scorer]:
    """Each ranking: suggest's score (Ranker.parts) along a direction, or a baseline."""

    def along(vec: Callable[[Case, str], np.ndarray], r: Representation = rep) -> Scorer:
        def score(c: Case, g: str) -> np.ndarray:
            d = Direction.from_vector(vec(c, g), provenance={"representation": r})
            return Ranker(fitted.embedder, d).parts(c.motions[r])["score"]

        return score

    def remedy(method: str, param: float | None = None, r: Representation = rep) -> Scorer:
        return along(
            lambda c, g: fitted.model(method, r, g, param).direction(failure_of(space, c)).vector_,
            r,
        )

    out: dict[str, Scorer] = {
        "remedy nearest": remedy("nearest"),
        "remedy ridge": remedy("ridge"),
        "remedy kind": remedy("kind"),
        "no failure: closeness": lambda c, g: c.motions[rep].closeness,
        "no failure: generic fix": along(lambda c, g: fitted.generic(rep, g)),
        "ceiling: true category": along(lambda c, g: fitted.oracle(rep, c.category, g)),
    }
    if grid:
        other: Representation = "hunk" if rep != "hunk" else "fragment"
        for m in METHODS:
            out[f"{m} ({other})"] = remedy(m, None, other)
        for k in (1, 3, 16, 32):
            out[f"nearest k={k}"] = remedy("nearest", k)
        for a in (0.1, 10.0, 100.0):
            out[f"ridge alpha={a:g}"] = remedy("ridge", a)
    return out


def _ci(x: np.ndarray) -> str:
    lo, hi = bootstrap_ci(np.mean, x, n_boot=1000)
    return f"{x.mean():.2f} [{lo:.2f},{hi:.2f}]"


def report(
    cases: Sequence[Case], results: dict[str, np.ndarray], groups: dict[str, Sequence[str]]
) -> list[str]:
    head = (
        f"{'method':<24} | {'hit@1 [95% CI]':>17} | {'hit@3 [95% CI]':>17} | {'MRR [95% CI]':>17}"
    )
    lines = [head, "-" * len(head)]
    for name, m in results.items():
        lines.append(f"{name:<24} | {_ci(m[:, 0]):>17} | {_ci(m[:, 1]):>17} | {_ci(m[:, 2]):>17}")
    short = [n.replace("remedy ", "").replace("no failure: ", "")[:9] for n in results]
    for key, values in groups.items():
        lines.append("")
        lines.append(f"MRR by {key}")
        lines.append(f"{key:<18} {'n':>3} " + " ".join(f"{s:>9}" for s in short))
        for v in sorted(set(values)):
            idx = [i for i, x in enumerate(values) if x == v]
            row = " ".join(f"{results[n][idx, 2].mean():9.2f}" for n in results)
            lines.append(f"{v:<18} {len(idx):>3} {row}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--per-category", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--holdout", nargs="+", choices=HOLDOUTS, default=list(HOLDOUTS))
    ap.add_argument("--grid", action="store_true", help="also nearest k and ridge alpha")
    ap.add_argument(
        "--representation",
        choices=("hunk", "fragment"),
        default=RemedyModel().representation,
        help="of the remedy directions (default: RemedyModel's)",
    )
    args = ap.parse_args(argv)

    rep: Representation = args.representation
    emb = load_embedder()
    space = curated_space(embedder=emb)
    rows = sample_rows(space, args.per_category, args.seed, require_failure=True)
    cases: list[Case] = []
    t0 = time.perf_counter()
    for n, row in enumerate(rows, 1):
        cases.append(prepare_case(space, row, emb, reps=("hunk", "fragment")))
        if n % 10 == 0:
            print(
                f"  {n}/{len(rows)} pairs prepared ({time.perf_counter() - t0:.0f} s)",
                file=sys.stderr,
            )
    rand = np.array([random_metrics(c) for c in cases])
    kind_ok = [kind_category(failure_of(space, c)) == c.category for c in cases]
    print(
        f"# failure -> direction: {len(cases)} curated failure/fix pairs ({args.per_category}/category, "
        f"seed {args.seed}); candidates: rewrites + the true after (mean "
        f"{np.mean([c.n for c in cases]):.1f}); suggest's score m·d + {DEFAULT_CLOSENESS}·closeness, "
        f"remedy directions in the {rep} representation"
    )
    for scheme in args.holdout:
        fitted = Fitted(space, emb, scheme)
        grp = group_of(space, scheme)
        results: dict[str, np.ndarray] = {}
        for name, fn in scorers(space, fitted, rep, args.grid).items():
            results[name] = np.array(
                [rank_metrics(fn(c, str(grp[c.row])), c.truth) for c in cases], dtype=np.float64
            )
        results["random"] = rand
        print(f"\n## held out by {scheme}")
        print(
            "\n".join(
                report(
                    cases,
                    results,
                    {
                        "category": [c.category for c in cases],
                        "language": [c.language for c in cases],
                    },
                )
            )
        )
    print(f"\nkind rules name the true category for {np.mean(kind_ok):.2f} of the failures")
    by_cat: dict[str, list[bool]] = {}
    for c, ok in zip(cases, kind_ok):
        by_cat.setdefault(c.category, []).append(ok)
    print("  " + ", ".join(f"{k} {np.mean(v):.2f}" for k, v in sorted(by_cat.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
