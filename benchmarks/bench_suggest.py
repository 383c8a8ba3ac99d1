"""How well does ``suggest`` rank the true fix, and how fast is it on a big corpus?

Two parts, each a sub-command:

``accuracy``
    A seeded sample of curated edits per category.  For each edit the
    candidates are the rewrite operators' after-versions of ``before``
    (:func:`embedmotion.rewrites.generate`) plus the true ``after`` when no
    candidate already equals it (up to layout).  The category direction is
    fitted on the curated space *without the edit's project* (held out by
    project, never by row).  Rankings compared:

    - ``direction``  the :class:`~embedmotion.suggest.Ranker` score
      ``m·d + w·closeness`` with the defaults of ``suggest`` (:meth:`Ranker.parts`)
    - ``nearest``    no direction: closeness only (the decoding view with
      ``alpha = 0``: the candidate nearest to the target wins)
    - ``lexical``    no neural model: ``cos(m, d) + w·closeness`` on hashed token
      bags (the lexical representation), with a lexical direction fitted the
      same way (the cosine is the best formula for it, see ``--grid``)
    - ``random``     the expectation of a random order

    Reported per category and overall: hit@1, hit@3 and MRR (ties broken at
    random, in expectation), the *coverage* (is the true after among the
    generated candidates at all?) and the end-to-end hit@3 (generated *and*
    ranked in the top 3).  ``--grid`` adds the tuning table: every
    representation × direction method × closeness weight, and the decoding
    view for several ``alpha``, on a *dev* half of the projects and a *test*
    half (choose on dev, read test).

``latency``
    A synthetic corpus of ``--n`` edits (random unit vectors for the edit
    arrays, texts drawn from the curated edits) used as the ``history``
    source; times ``suggest(..., sources=("history", "rewrites"))`` per call
    after a warm-up, with the embedding cache warm (the same targets again)
    and cold (an uncached model), and the parts: history scan, rewrites,
    ranking.

Usage::

    python benchmarks/bench_suggest.py accuracy [--per-category 8] [--grid] [--seed 0]
    python benchmarks/bench_suggest.py accuracy --sources rewrites,history
    python benchmarks/bench_suggest.py latency [--n 100000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from embedmotion.directions import BUILTIN_METHOD, curated_space
from embedmotion.embedding import Embedder, LexicalEmbedder, load_embedder
from embedmotion.errors import EmbedmotionError
from embedmotion.geometry import Direction, EditSpace, Representation, _lexical_edit_vectors
from embedmotion.metrics import bootstrap_ci
from embedmotion.rewrites import generate, same_code
from embedmotion.suggest import (
    DEFAULT_ALPHA,
    DEFAULT_CLOSENESS,
    MAX_CANDIDATES,
    SUGGEST_REPRESENTATION,
    Motions,
    Ranker,
    candidate_motions,
    operator_families,
    suggest,
)

REPS = ("hunk", "fragment", "diff")
METHODS = ("mean", "contrast", "probe", "pca")
WEIGHTS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0)
ALPHAS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
DEFAULT_REP: Representation = SUGGEST_REPRESENTATION  # type: ignore[assignment]


# ------------------------------------------------------------------------------ sampling
def sample_rows(
    space: EditSpace,
    per_category: int,
    seed: int,
    *,
    require_failure: bool = False,
    categories: Sequence[str] | None = None,
) -> list[int]:
    """Up to ``per_category`` rows per category: one seeded permutation, first rows kept."""
    rng = np.random.default_rng(seed)
    cats = space.labels()
    fails = space.frame["failure"].fillna("").astype(str).to_numpy()
    taken: dict[str, int] = {}
    out: list[int] = []
    for i in rng.permutation(len(space)):
        c = str(cats[i])
        if categories and c not in categories:
            continue
        if require_failure and not fails[i]:
            continue
        if taken.get(c, 0) < per_category:
            taken[c] = taken.get(c, 0) + 1
            out.append(int(i))
    return sorted(out, key=lambda i: (str(cats[i]), i))


def project_split(space: EditSpace, seed: int) -> dict[str, str]:
    """Each project to ``dev`` or ``test`` (a seeded half each)."""
    projects = sorted(set(space.groups().tolist()))
    rng = np.random.default_rng(seed + 1)
    perm = rng.permutation(len(projects))
    return {projects[j]: ("dev" if n % 2 == 0 else "test") for n, j in enumerate(perm)}


# ------------------------------------------------------------------------------ cases
def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def same_fix(a: str, b: str, language: str) -> bool:
    """The same code up to layout (tree-sitter tokens), or up to whitespace."""
    if _ws(a) == _ws(b):
        return True
    try:
        return bool(same_code(a, b, language))
    except EmbedmotionError:
        return False


@dataclass
class Case:
    """One held-out curated edit and its candidates, embedded under every representation."""

    row: int
    id: str
    category: str
    subkind: str
    language: str
    project: str
    failure: str
    candidates: list[str]
    sources: list[str]
    truth: list[int]
    covered: bool
    motions: dict[str, Motions] = field(default_factory=dict)
    lex_motion: np.ndarray | None = None
    lex_closeness: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.candidates)


def prepare_case(
    space: EditSpace,
    row: int,
    embedder: Embedder,
    *,
    reps: Sequence[str] = REPS,
    limit: int = MAX_CANDIDATES,
    extra: Sequence[tuple[str, str]] = (),
    families: Sequence[str] | None = None,
) -> Case:
    """Candidates for one curated edit (rewrites + ``extra`` + the true after) and their vectors."""
    r = space.frame.iloc[row]
    before, after = str(r["before_text"]), str(r["after_text"])
    lang = str(r["before_language"])
    try:
        gen = [(c.text, "rewrites") for c in generate(before, lang, limit=limit, families=families)]
    except EmbedmotionError:
        gen = []
    seen = {_ws(before)}
    cands: list[str] = []
    srcs: list[str] = []
    for text, src in [*gen, *extra]:
        key = _ws(text)
        if key and key not in seen:
            seen.add(key)
            cands.append(text)
            srcs.append(src)
    truth = [i for i, c in enumerate(cands) if same_fix(c, after, lang)]
    covered = bool(truth)
    if not covered:
        cands.append(after)
        srcs.append("truth")
        truth = [len(cands) - 1]
    case = Case(
        row,
        str(r["id"]),
        str(r.get("category") or ""),
        str(r.get("subkind") or ""),
        lang,
        str(r.get("source") or ""),
        str(r.get("failure") or ""),
        cands,
        srcs,
        truth,
        covered,
    )
    for rep in reps:
        case.motions[rep] = candidate_motions(embedder, before, cands, rep)
    frame = pd.DataFrame({"before_text": [before] * len(cands), "after_text": cands})
    case.lex_motion = _lexical_edit_vectors(frame)
    lex = LexicalEmbedder().encode([before, *cands], normalize=True)
    case.lex_closeness = np.asarray(lex[1:] @ lex[0], dtype=np.float64)
    return case


# ------------------------------------------------------------------------------ metrics
def rank_metrics(scores: np.ndarray, truth: Sequence[int]) -> tuple[float, float, float]:
    """hit@1, hit@3 and reciprocal rank of the best true candidate (ties: random, in expectation)."""
    s = np.asarray(scores, dtype=np.float64)
    t_idx = list(truth)
    s_true = float(np.max(s[t_idx]))
    others = np.delete(s, t_idx)
    close = np.isclose(others, s_true, rtol=0.0, atol=1e-9)
    g = int(((others > s_true) & ~close).sum())
    t = int(close.sum())

    def hit(k: int) -> float:
        return float(np.clip((k - g) / (t + 1), 0.0, 1.0))

    rr = float(np.mean([1.0 / (g + 1 + j) for j in range(t + 1)]))
    return hit(1), hit(3), rr


def random_metrics(case: Case) -> tuple[float, float, float]:
    n = case.n - len(case.truth) + 1
    return min(1, n) / n, min(3, n) / n, float(sum(1.0 / r for r in range(1, n + 1)) / n)


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def lex_alignment(case: Case, d: np.ndarray) -> np.ndarray:
    assert case.lex_motion is not None
    n = np.linalg.norm(case.lex_motion, axis=1)
    return np.asarray((case.lex_motion @ d) / np.where(n > 0, n, 1.0), dtype=np.float64)


class DirectionBank:
    """Category directions fitted without one project, cached (``space.subset(mask)`` semantics)."""

    def __init__(self, space: EditSpace) -> None:
        self.space = space
        self.groups = space.groups()
        self.labels = space.labels()
        self._X: dict[str, np.ndarray] = {}
        self._cache: dict[tuple[str, str, str, str], np.ndarray] = {}

    def X(self, rep: str) -> np.ndarray:
        if rep not in self._X:
            self._X[rep] = self.space.vectors(rep, normalize=True)  # type: ignore[arg-type]
        return self._X[rep]

    def get(self, rep: str, method: str, category: str, project: str) -> np.ndarray:
        key = (rep, method, category, project)
        if key not in self._cache:
            mask = self.groups != project
            X = self.X(rep)[mask]
            y = self.space.has_label(category)[mask]
            d = Direction(method, representation=rep).fit(X, y)  # type: ignore[arg-type]
            self._cache[key] = d.vector_
        return self._cache[key]


Scorer = Callable[[Case], np.ndarray]


def evaluate(cases: Sequence[Case], scorer: Scorer) -> np.ndarray:
    """(n_cases, 3) array of hit@1, hit@3, reciprocal rank."""
    return np.array([rank_metrics(scorer(c), c.truth) for c in cases], dtype=np.float64)


def ranker_scorer(bank: DirectionBank, embedder: Embedder, rep: str, method: str) -> Scorer:
    """suggest's own score (:meth:`embedmotion.suggest.Ranker.parts`, default weights)."""

    def score(c: Case) -> np.ndarray:
        d = Direction.from_vector(
            bank.get(rep, method, c.category, c.project), provenance={"representation": rep}
        )
        return Ranker(embedder, d).parts(c.motions[rep])["score"]

    return score


def direction_scorer(bank: DirectionBank, rep: str, method: str, w: float) -> Scorer:
    def score(c: Case) -> np.ndarray:
        d = bank.get(rep, method, c.category, c.project)
        m = c.motions[rep]
        return m.alignment(d) + w * m.closeness

    return score


def decode_scorer(bank: DirectionBank, rep: str, method: str, alpha: float) -> Scorer:
    def score(c: Case) -> np.ndarray:
        d = bank.get(rep, method, c.category, c.project)
        return c.motions[rep].decode(d, alpha)

    return score


def ensemble_scorer(bank: DirectionBank, method: str, w: float) -> Scorer:
    """The mean alignment over the three representations (each with its own direction)."""

    def score(c: Case) -> np.ndarray:
        al = [c.motions[r].alignment(bank.get(r, method, c.category, c.project)) for r in REPS]
        return np.mean(al, axis=0) + w * c.motions[DEFAULT_REP].closeness

    return score


def projection_scorer(bank: DirectionBank, rep: str, w: float, method: str = "contrast") -> Scorer:
    """``m·d`` (the motion's length along d, not its cosine) + w·closeness."""

    def score(c: Case) -> np.ndarray:
        d = bank.get(rep, method, c.category, c.project)
        m = c.motions[rep]
        return np.asarray(m.motion @ d, dtype=np.float64) + w * m.closeness

    return score


def nearest_scorer(rep: str = DEFAULT_REP) -> Scorer:
    return lambda c: c.motions[rep].closeness


def lexical_scorer(bank: DirectionBank, method: str, w: float) -> Scorer:
    def score(c: Case) -> np.ndarray:
        d = bank.get("lexical", method, c.category, c.project)
        assert c.lex_closeness is not None
        return lex_alignment(c, d) + w * c.lex_closeness

    return score


# ------------------------------------------------------------------------------ reports
def _fmt(m: np.ndarray) -> str:
    if not len(m):
        return f"{'-':>5} {'-':>5} {'-':>5}"
    a = m.mean(axis=0)
    return f"{a[0]:5.2f} {a[1]:5.2f} {a[2]:5.2f}"


def accuracy_table(
    cases: Sequence[Case], results: dict[str, np.ndarray], *, key: str = "category"
) -> list[str]:
    names = list(results)
    head = f"{key:<18} {'n':>3} {'cover':>5} {'e2e@3':>5} " + " ".join(
        f"| {n[:17]:<17}" for n in names
    )
    sub = f"{'':<18} {'':>3} {'':>5} {'':>5} " + " ".join(
        f"| {'h@1':>5} {'h@3':>5} {'MRR':>5}" for _ in names
    )
    lines = [head, sub, "-" * len(sub)]
    groups = sorted({getattr(c, key) for c in cases})
    first = names[0]
    for g in [*groups, "ALL"]:
        idx = [i for i, c in enumerate(cases) if g == "ALL" or getattr(c, key) == g]
        cov = np.mean([cases[i].covered for i in idx])
        e2e = np.mean([cases[i].covered and results[first][i, 1] for i in idx])
        row = f"{g:<18} {len(idx):>3} {cov:5.2f} {e2e:5.2f} "
        row += " ".join(f"| {_fmt(results[n][idx])}" for n in names)
        lines.append(row)
    lines.append("")
    lines.append("overall MRR, 95% bootstrap CI (resampling edits):")
    for n in names:
        rr = results[n][:, 2]
        lo, hi = bootstrap_ci(np.mean, rr, n_boot=1000)
        lines.append(f"  {n:<28} {rr.mean():.3f} [{lo:.3f}, {hi:.3f}]")
    return lines


def _z(x: np.ndarray) -> np.ndarray:
    sd = float(np.std(x))
    return (x - np.mean(x)) / sd if sd > 0 else x * 0.0


def hybrid_scorer(bank: DirectionBank, rep: str, method: str, lex_method: str) -> Scorer:
    """z-scored neural projection + z-scored lexical alignment (within one candidate set)."""
    neural = projection_scorer(bank, rep, 0.0, method)
    lexical = lexical_scorer(bank, lex_method, 0.0)
    return lambda c: _z(neural(c)) + _z(lexical(c))


def grid_table(cases: Sequence[Case], bank: DirectionBank, split: dict[str, str]) -> list[str]:
    dev = [c for c in cases if split[c.project] == "dev"]
    test = [c for c in cases if split[c.project] == "test"]
    covered = [c for c in cases if c.covered]
    rows: list[tuple[str, Scorer]] = []
    for rep in REPS:
        for method in METHODS:
            for w in WEIGHTS:
                rows.append(
                    (f"{rep:<8} {method:<8} cos  w={w:<4}", direction_scorer(bank, rep, method, w))
                )
            for w in WEIGHTS:
                rows.append(
                    (f"{rep:<8} {method:<8} proj w={w:<4}", projection_scorer(bank, rep, w, method))
                )
            for a in ALPHAS:
                rows.append(
                    (f"{rep:<8} {method:<8} decode a={a:<4}", decode_scorer(bank, rep, method, a))
                )
    for method in METHODS:
        for w in (0.0, 0.1, 0.25):
            rows.append((f"ensemble {method:<8} cos  w={w:<4}", ensemble_scorer(bank, method, w)))
    for method in METHODS:
        for w in dict.fromkeys((0.0, 0.1, DEFAULT_CLOSENESS, 1.0)):
            rows.append((f"lexical  {method:<8} cos  w={w:<4}", lexical_scorer(bank, method, w)))
    for rep in REPS:
        for method in ("mean", "contrast"):
            rows.append(
                (f"hybrid {rep:<8} {method:<8}+lex", hybrid_scorer(bank, rep, method, "contrast"))
            )
    rows.append(("nearest (closeness only)", nearest_scorer()))
    head = (
        f"{'config':<32} | {'dev h@1':>7} {'h@3':>5} {'MRR':>5} | {'test h@1':>8} {'h@3':>5} {'MRR':>5}"
        f" | {'cov h@1':>7} {'h@3':>5} {'MRR':>5}"
    )
    lines = [
        f"dev: {len(dev)} edits, test: {len(test)} edits (split by project); "
        f"cov: the {len(covered)} edits whose fix the operators generate",
        head,
        "-" * len(head),
    ]
    scored = []
    for name, fn in rows:
        md, mt, mc = (evaluate(x, fn).mean(axis=0) for x in (dev, test, covered))
        scored.append((name, md, mt, mc))
    for name, md, mt, mc in scored:
        lines.append(
            f"{name:<32} | {md[0]:7.3f} {md[1]:5.3f} {md[2]:5.3f} | {mt[0]:8.3f} {mt[1]:5.3f} {mt[2]:5.3f}"
            f" | {mc[0]:7.3f} {mc[1]:5.3f} {mc[2]:5.3f}"
        )
    best = max(scored, key=lambda x: (x[1][2], x[1][0]))
    lines.append(f"best on dev (MRR): {best[0].strip()}  -> test MRR {best[2][2]:.3f}")
    return lines


def decoys(space: EditSpace, row: int, n: int) -> list[tuple[str, str]]:
    """The after-versions of ``n`` curated edits of the same category from other projects:
    unrelated code that lies far along the direction (what a closeness weight guards against)."""
    if n <= 0:
        return []
    cats, groups = space.labels(), space.groups()
    pool = np.flatnonzero((cats == cats[row]) & (groups != groups[row]))
    rng = np.random.default_rng(row)
    pick = rng.choice(pool, size=min(n, len(pool)), replace=False)
    return [(str(space.frame["after_text"].iat[int(i)]), "decoy") for i in pick]


def history_extra(
    space: EditSpace, row: int, embedder: Embedder, bank: DirectionBank
) -> list[tuple[str, str]]:
    """History-transfer candidates for one edit, from the space without its project."""
    from embedmotion.suggest import _history

    r = space.frame.iloc[row]
    project = str(r["source"])
    key = f"_sub_{project}"
    sub = getattr(bank, key, None)
    if sub is None:
        sub = space.subset(bank.groups != project)
        setattr(bank, key, sub)
    cat = str(space.labels()[row])
    d = Direction.from_vector(
        bank.get(DEFAULT_REP, BUILTIN_METHOD, cat, project),
        provenance={"representation": DEFAULT_REP, "method": BUILTIN_METHOD},
    )
    _, transferred = _history(
        str(r["before_text"]), str(r["before_language"]), d, sub, embedder, n_exemplars=3
    )
    return [(s.text, "history") for s in transferred]


def run_accuracy(args: argparse.Namespace) -> int:
    emb = load_embedder()
    space = curated_space(embedder=emb)
    rows = sample_rows(space, args.per_category, args.seed)
    bank = DirectionBank(space)
    use_history = "history" in args.sources
    reps = REPS if args.grid else (DEFAULT_REP,)
    cases: list[Case] = []
    t0 = time.perf_counter()
    for n, row in enumerate(rows, 1):
        extra = history_extra(space, row, emb, bank) if use_history else []
        extra += decoys(space, row, args.decoys)
        fam = operator_families(str(space.labels()[row])) if args.families == "auto" else None
        cases.append(prepare_case(space, row, emb, reps=reps, extra=extra, families=fam))
        if n % 10 == 0:
            print(
                f"  {n}/{len(rows)} edits prepared ({time.perf_counter() - t0:.0f} s)",
                file=sys.stderr,
            )
    results = {
        f"direction {DEFAULT_REP}/{BUILTIN_METHOD}": evaluate(
            cases, ranker_scorer(bank, emb, DEFAULT_REP, BUILTIN_METHOD)
        ),
        "nearest (no direction)": evaluate(cases, nearest_scorer()),
        f"lexical/{BUILTIN_METHOD}": evaluate(
            cases, lexical_scorer(bank, BUILTIN_METHOD, DEFAULT_CLOSENESS)
        ),
        "random": np.array([random_metrics(c) for c in cases]),
    }
    n_cands = statistics.fmean(c.n for c in cases)
    print(
        f"# suggest accuracy: {len(cases)} curated edits ({args.per_category}/category, seed "
        f"{args.seed}), held out by project; candidates: {args.sources} ({args.families} "
        "operator families) + the true after "
        f"(mean {n_cands:.1f} per edit), {args.decoys} decoys; suggest's score: m·d + "
        f"{DEFAULT_CLOSENESS}·closeness ({DEFAULT_REP}, {BUILTIN_METHOD}), alpha={DEFAULT_ALPHA}"
    )
    print("\n".join(accuracy_table(cases, results)))
    if use_history:
        hist = [c for c in cases if any(s == "history" for s in c.sources)]
        by_hist = np.mean([any(c.sources[i] == "history" for i in c.truth) for c in cases])
        print(
            f"\nhistory: {len(hist)} edits got transferred candidates; true fix from history: {by_hist:.2f}"
        )
    if args.grid:
        print("\n# tuning grid (choose on dev, read on test)")
        print("\n".join(grid_table(cases, bank, project_split(space, args.seed))))
    if args.by_subkind:
        print("\n# less-flaky by sub-kind")
        lf = [c for c in cases if c.category == "less-flaky"]
        idx = [i for i, c in enumerate(cases) if c.category == "less-flaky"]
        print("\n".join(accuracy_table(lf, {k: v[idx] for k, v in results.items()}, key="subkind")))
    return 0


# ------------------------------------------------------------------------------ latency
def synthetic_space(n: int, embedder: Embedder, seed: int = 0) -> EditSpace:
    """``n`` edits: texts drawn from the curated corpus, random unit vectors for the arrays."""
    from embedmotion.datasets import load_edits
    from embedmotion.edit_vectors import EDIT_ARRAYS

    rng = np.random.default_rng(seed)
    cur = load_edits("curated")
    pick = rng.integers(0, len(cur), n)
    frame = pd.DataFrame(
        {
            "id": [f"synthetic-{i:07d}" for i in range(n)],
            "before_text": cur["before"].to_numpy()[pick],
            "after_text": cur["after"].to_numpy()[pick],
            "before_language": cur["language"].to_numpy()[pick],
            "after_language": cur["language"].to_numpy()[pick],
            "message": cur["message"].to_numpy()[pick],
            "after_path": [f"src/file{i % 997}.x" for i in range(n)],
            "category": cur["category"].to_numpy()[pick],
            "source": cur["project"].to_numpy()[pick],
        }
    )
    dim = int(embedder.dimension)
    arrays = {}
    for name in EDIT_ARRAYS:
        a = rng.standard_normal((n, dim), dtype=np.float32)
        a /= np.linalg.norm(a, axis=1, keepdims=True)
        arrays[name] = a
    return EditSpace(frame, arrays, embedder=embedder)


def _time(fn: Callable[[], Any], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run_latency(args: argparse.Namespace) -> int:
    from embedmotion.directions import get_direction
    from embedmotion.embedding import SentenceTransformerEmbedder
    from embedmotion.suggest import Ranker, _history

    emb = load_embedder()
    t0 = time.perf_counter()
    big = synthetic_space(args.n, emb, seed=args.seed)
    t_build = time.perf_counter() - t0
    d = get_direction("less-flaky", embedder=emb)
    cur = curated_space(embedder=emb)
    lf = np.flatnonzero(cur.has_label("less-flaky"))[: args.targets]
    targets = [
        (str(cur.frame["before_text"].iat[i]), str(cur.frame["before_language"].iat[i])) for i in lf
    ]

    def call(t: str, lang: str, embedder: Embedder = emb) -> Any:
        return suggest(
            t, d, language=lang, sources=("history", "rewrites"), space=big, embedder=embedder, k=5
        )

    t0 = time.perf_counter()
    call(*targets[0])  # warm-up: history index over the big space, model in memory
    t_warm = time.perf_counter() - t0
    for t, lang in targets:  # fill the embedding cache for these targets
        call(t, lang)
    raw = SentenceTransformerEmbedder()
    cands = [[c.text for c in generate(t, lang, limit=MAX_CANDIDATES)] for t, lang in targets]
    warm: list[float] = []
    hist: list[float] = []
    scan: list[float] = []
    rew: list[float] = []
    cold: list[float] = []
    rank_cold: list[float] = []
    for (t, lang), cs in zip(targets, cands):
        warm += _time(partial(call, t, lang), args.repeats)
        hist += _time(partial(_history, t, lang, d, big, emb, n_exemplars=3), args.repeats)
        scan += _time(
            partial(_history, t, lang, d, big, emb, n_exemplars=3, n_transfer=0), args.repeats
        )
        rew += _time(partial(generate, t, lang, limit=MAX_CANDIDATES), args.repeats)
        cold += _time(partial(call, t, lang, raw), 1)
        rank_cold += _time(partial(Ranker(raw, d).score, t, cs), 1)
    n_c = statistics.fmean(len(c) for c in cands)
    n_sug = statistics.fmean(call(t, lang).considered for t, lang in targets)

    def ms(xs: list[float]) -> str:
        return f"median {1000 * statistics.median(xs):8.1f} ms   max {1000 * max(xs):8.1f} ms"

    print(
        f"# suggest latency: history corpus of {args.n:,} synthetic edits, {len(targets)} less-flaky targets"
    )
    print(f"building the synthetic space          {t_build:8.1f} s")
    print(f"first call (index build + warm-up)     {t_warm:8.1f} s")
    print(f"suggest, embeddings cached            {ms(warm)}")
    print(f"  history scan + transfer              {ms(hist)}")
    print(f"  history scan alone                   {ms(scan)}")
    print(f"  rewrites (generate)                  {ms(rew)}")
    print(f"suggest, embeddings not cached        {ms(cold)}   ({n_sug:.0f} candidates)")
    print(f"ranking every operator's candidates ({n_c:.0f}), not cached {ms(rank_cold)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("accuracy", help="top-k accuracy of the true fix on held-out curated edits")
    a.add_argument("--per-category", type=int, default=8)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument(
        "--grid", action="store_true", help="the tuning grid (embeds every representation)"
    )
    a.add_argument(
        "--by-subkind", action="store_true", help="also break less-flaky down by sub-kind"
    )
    a.add_argument("--sources", default="rewrites", help="rewrites or rewrites,history")
    a.add_argument(
        "--families",
        choices=("all", "auto"),
        default="all",
        help="all operators, or (auto) the category's family as suggest runs it",
    )
    a.add_argument(
        "--decoys", type=int, default=0, help="add N unrelated same-category after-versions"
    )
    lt = sub.add_parser("latency", help="suggest latency with a large history corpus")
    lt.add_argument("--n", type=int, default=100_000)
    lt.add_argument("--repeats", type=int, default=3)
    lt.add_argument("--targets", type=int, default=5)
    lt.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    return run_accuracy(args) if args.cmd == "accuracy" else run_latency(args)


if __name__ == "__main__":
    sys.exit(main())
