"""Honest metrics for edit geometry: every figure with a baseline and an interval.

All splits are by *group* (the project / repository an edit comes from, or its
language), never by row: a direction is fitted on some projects and scored on
the others.  Uncertainty comes from bootstrap confidence intervals over edits
(95%, percentile) and, for AUCs, a permutation p-value.

Metrics
-------
``separation``       AUC of a label vs all other edits when held-out edits are
                     scored by a direction fitted on the other groups (per method).
``consistency``      mean cosine of held-out edits with their own label's
                     direction, against the mean cosine with the other labels'
                     directions (the baseline: edit vectors share a common
                     component, so raw cosines alone flatter every label).
``classification``   macro-F1 of k-NN and of a logistic probe on edit vectors,
                     against a label-permutation chance level.
``clustering``       NMI and purity of k-means (k = number of labels).
``analogy``          one-shot transfer: embed(b_before) + (a_after − a_before) with
                     *a* another edit of the same label from another group; rank
                     b's true after among alternative edits of the same fragment
                     (rewrite candidates): hit@1, hit@5, MRR — against the no-offset
                     control (closeness to b_before alone) and the lexical baseline.

:func:`evaluate` runs them over labels and representations and returns a
:class:`Report` (a table that renders as text, Markdown or JSON).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import UsageError
from .geometry import REPRESENTATIONS, Direction, EditSpace


# ------------------------------------------------------------------------------ statistics
def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (ties count half); NaN when a class is empty."""
    y = np.asarray(y, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    from scipy.stats import rankdata

    r = rankdata(s)
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def bootstrap_ci(
    fn: Any,
    *arrays: np.ndarray,
    n_boot: int = 200,
    random_state: int = 0,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``fn(*arrays)`` resampling rows."""
    rng = np.random.default_rng(random_state)
    n = len(arrays[0])
    vals = []
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        v = fn(*(a[idx] for a in arrays))
        if np.isfinite(v):
            vals.append(v)
    if not vals:
        return (float("nan"), float("nan"))
    return (float(np.quantile(vals, alpha / 2)), float(np.quantile(vals, 1 - alpha / 2)))


def permutation_p(
    scores: np.ndarray, y: np.ndarray, *, n_perm: int = 200, random_state: int = 0
) -> float:
    """One-sided p-value of AUC > chance under label permutation."""
    rng = np.random.default_rng(random_state)
    obs = auc(scores, y)
    hits = sum(auc(scores, rng.permutation(y)) >= obs for _ in range(n_perm))
    return float((hits + 1) / (n_perm + 1))


def group_folds(groups: np.ndarray, *, max_folds: int = 8) -> list[np.ndarray]:
    """Boolean test masks: one per group, or groups merged into ``max_folds`` folds."""
    uniq = sorted(set(groups.tolist()))
    if len(uniq) < 2:
        raise UsageError(
            f"A split by group needs at least 2 groups; got {len(uniq)}.",
            fix="Use edits from several projects/sources, or group_by='language'.",
        )
    if len(uniq) <= max_folds:
        return [groups == g for g in uniq]
    fold_of = {g: i % max_folds for i, g in enumerate(uniq)}
    f = np.array([fold_of[g] for g in groups])
    return [f == i for i in range(max_folds)]


# ----------------------------------------------------------------------------------- report
@dataclass
class Report:
    """Rows of metric results; render with ``str()``, :meth:`to_markdown`, :meth:`to_json`."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    title: str = "embedmotion evaluation"
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def _fmt_rows(self) -> tuple[list[str], list[list[str]]]:
        df = self.to_frame()
        cols = [c for c in df.columns if not c.startswith("_")]

        def fmt(v: Any) -> str:
            if isinstance(v, float):
                return "—" if not np.isfinite(v) else f"{v:.3f}"
            if isinstance(v, tuple):
                return "[" + ", ".join(fmt(x) for x in v) + "]"
            return str(v)

        return cols, [[fmt(r[c]) for c in cols] for r in df.to_dict("records")]

    def to_markdown(self) -> str:
        cols, rows = self._fmt_rows()
        lines = [
            f"**{self.title}**",
            "",
            "| " + " | ".join(cols) + " |",
            "|" + "|".join("---" for _ in cols) + "|",
        ]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {"title": self.title, "rows": self.rows, "notes": self.notes},
            indent=2,
            default=lambda x: list(x) if isinstance(x, tuple) else str(x),
        )

    def __str__(self) -> str:
        cols, rows = self._fmt_rows()
        widths = [
            max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(cols)
        ]
        line = "  ".join(c.ljust(w) for c, w in zip(cols, widths))
        body = ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in rows]
        return "\n".join([self.title, line, "-" * len(line), *body, *self.notes])


# ---------------------------------------------------------------------------------- metrics
def _groups(space: EditSpace, group_by: str) -> np.ndarray:
    if group_by == "source":
        return space.groups()
    if group_by == "language":
        return (
            space.frame["language"].fillna("").astype(str).to_numpy()
            if "language" in space.frame
            else space.frame["after_language"]
            .fillna(space.frame["before_language"])
            .astype(str)
            .to_numpy()
        )
    raise UsageError(
        f"The 'group_by' parameter must be 'source' or 'language'. Got {group_by!r} instead."
    )


def heldout_scores(
    space: EditSpace,
    label: str,
    *,
    method: str = "mean",
    representation: str | None = None,
    group_by: str = "source",
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-group projections of every edit on the ``label`` direction, and the label mask."""
    X = space.vectors(representation)  # type: ignore[arg-type]
    y = space.has_label(label)
    groups = _groups(space, group_by)
    scores = np.full(len(X), np.nan, dtype=np.float64)
    for test in group_folds(groups):
        train = ~test
        if y[train].sum() < 2 or (~y[train]).sum() < 2:
            continue
        d = Direction(method=method).fit(X[train], y[train])  # type: ignore[arg-type]
        scores[test] = d.score(X[test])
    ok = np.isfinite(scores)
    return scores[ok], y[ok]


def separation(
    space: EditSpace,
    label: str,
    *,
    method: str = "mean",
    representation: str | None = None,
    group_by: str = "source",
    n_boot: int = 200,
    random_state: int = 0,
) -> dict[str, Any]:
    """Held-out AUC of ``label`` vs other edits along a fitted direction, with CI and p."""
    s, y = heldout_scores(
        space, label, method=method, representation=representation, group_by=group_by
    )
    a = auc(s, y)
    return {
        "auc": a,
        "auc_ci": bootstrap_ci(auc, s, y, n_boot=n_boot, random_state=random_state),
        "p": permutation_p(s, y, n_perm=n_boot, random_state=random_state)
        if np.isfinite(a)
        else float("nan"),
        "n": int(len(y)),
        "n_label": int(y.sum()),
    }


def consistency(
    space: EditSpace,
    label: str,
    *,
    representation: str | None = None,
    group_by: str = "source",
    n_boot: int = 200,
    random_state: int = 0,
) -> dict[str, Any]:
    """Held-out cosine with the label's own direction vs with other labels' directions."""
    X = space.vectors(representation)  # type: ignore[arg-type]
    Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    labels = space.labels()
    y = labels == label
    others = [lab for lab in sorted(set(labels.tolist())) if lab and lab != label]
    groups = _groups(space, group_by)
    own, base = [], []
    for test in group_folds(groups):
        train = ~test
        if (y & train).sum() < 2 or not (y & test).any():
            continue
        d = Direction("mean").fit(X[train & y])
        other_ds = [
            Direction("mean").fit(X[train & (labels == o)])
            for o in others
            if (train & (labels == o)).sum() >= 2
        ]
        for v in Xn[test & y]:
            own.append(float(v @ d.vector_))
            if other_ds:
                base.append(float(np.mean([v @ od.vector_ for od in other_ds])))
    o, b = np.array(own), np.array(base)
    diff = o - b if len(b) == len(o) and len(o) else np.array([])
    return {
        "cos_own": float(o.mean()) if len(o) else float("nan"),
        "cos_other_labels": float(b.mean()) if len(b) else float("nan"),
        "gain_ci": bootstrap_ci(np.mean, diff, n_boot=n_boot, random_state=random_state)
        if len(diff)
        else (float("nan"), float("nan")),
        "n": len(o),
    }


def classification(
    space: EditSpace,
    *,
    representation: str | None = None,
    group_by: str = "source",
    k: int = 5,
    random_state: int = 0,
    n_boot: int = 200,
) -> dict[str, Any]:
    """Out-of-group macro-F1 of k-NN (cosine) and a logistic probe, with a permutation chance level."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    X = space.vectors(representation)  # type: ignore[arg-type]
    Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    y = space.labels()
    keep = y != ""
    Xn, y, groups = Xn[keep], y[keep], _groups(space, group_by)[keep]
    knn_pred = np.empty(len(y), dtype=object)
    probe_pred = np.empty(len(y), dtype=object)
    for test in group_folds(groups):
        train = ~test
        if len(set(y[train].tolist())) < 2:
            knn_pred[test] = y[train][0] if train.any() else ""
            probe_pred[test] = knn_pred[test]
            continue
        sims = Xn[test] @ Xn[train].T
        top = np.argsort(-sims, axis=1)[:, :k]
        ytr = y[train]
        for i, row in zip(np.flatnonzero(test), top):
            vals, counts = np.unique(ytr[row], return_counts=True)
            knn_pred[i] = vals[np.argmax(counts)]
        clf = LogisticRegression(max_iter=2000, C=1.0, random_state=random_state)
        clf.fit(Xn[train], ytr)
        probe_pred[test] = clf.predict(Xn[test])

    def f1(a: np.ndarray, b: np.ndarray) -> float:
        return float(f1_score(a, b, average="macro", zero_division=0))

    rng = np.random.default_rng(random_state)
    chance = float(np.mean([f1(rng.permutation(y), knn_pred.astype(str)) for _ in range(50)]))
    return {
        "knn_f1": f1(y, knn_pred.astype(str)),
        "knn_ci": bootstrap_ci(
            f1, y, knn_pred.astype(str), n_boot=n_boot, random_state=random_state
        ),
        "probe_f1": f1(y, probe_pred.astype(str)),
        "probe_ci": bootstrap_ci(
            f1, y, probe_pred.astype(str), n_boot=n_boot, random_state=random_state
        ),
        "chance_f1": chance,
        "n": int(len(y)),
        "labels": int(len(set(y.tolist()))),
    }


def clustering(
    space: EditSpace, *, representation: str | None = None, random_state: int = 0
) -> dict[str, Any]:
    """NMI and purity of k-means on edit vectors (k = number of labels)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    X = space.vectors(representation)  # type: ignore[arg-type]
    y = space.labels()
    keep = y != ""
    X, y = X[keep], y[keep]
    k = len(set(y.tolist()))
    if k < 2:
        return {"nmi": float("nan"), "purity": float("nan"), "chance_nmi": float("nan")}
    Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    pred = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit_predict(Xn)
    purity = sum(pd.Series(y[pred == c]).value_counts().iloc[0] for c in set(pred.tolist())) / len(
        y
    )
    rng = np.random.default_rng(random_state)
    chance = float(
        np.mean([normalized_mutual_info_score(rng.permutation(y), pred) for _ in range(20)])
    )
    return {
        "nmi": float(normalized_mutual_info_score(y, pred)),
        "purity": float(purity),
        "chance_nmi": chance,
    }


def _rank_stats(ranks: np.ndarray) -> dict[str, float]:
    if not len(ranks):
        return {"hit1": float("nan"), "hit5": float("nan"), "mrr": float("nan")}
    return {
        "hit1": float(np.mean(ranks == 1)),
        "hit5": float(np.mean(ranks <= 5)),
        "mrr": float(np.mean(1.0 / ranks)),
    }


def analogy_transfer(
    space: EditSpace, *, labels: Sequence[str] | None = None, max_queries: int = 80,
    n_distractors: int = 15, random_state: int = 0, group_by: str = "source",
) -> dict[str, Any]:
    """One-shot transfer: does ``b_before + (a_after − a_before)`` pick b's true after?

    For each query edit *b* (sampled, seeded) a donor *a* of the same label from
    another group gives the offset.  The candidates are b's true after plus up to
    ``n_distractors`` *alternative edits of the same fragment* (rewrite-operator
    candidates of b's before) — so the control is meaningful: with only other
    edits' afters as distractors, plain closeness to b_before finds the answer
    every time.  Reported: hit@1, hit@5, MRR for the offset, the no-offset control
    (closeness to b_before) and the lexical offset.
    """
    from .embedding import LexicalEmbedder
    from .errors import EmbedmotionError
    from .rewrites import generate

    if space.embedder is None:
        raise UsageError("analogy_transfer needs an EditSpace with an embedder.")
    B = np.asarray(space.arrays["edit_before"], dtype=np.float32)
    A = np.asarray(space.arrays["edit_after"], dtype=np.float32)
    ok = (np.linalg.norm(B, axis=1) > 0) & (np.linalg.norm(A, axis=1) > 0)
    lab = space.labels()
    groups = _groups(space, group_by)
    langs = (space.frame["after_language"].fillna(space.frame["before_language"]).astype(str).to_numpy()
             if "after_language" in space.frame else np.array(["python"] * len(space)))
    before_t = space.frame["before_text"].fillna("").astype(str).to_numpy()
    after_t = space.frame["after_text"].fillna("").astype(str).to_numpy()
    lex = LexicalEmbedder()
    rng = np.random.default_rng(random_state)
    idx = [int(i) for i in np.flatnonzero(ok) if lab[i] and (labels is None or lab[i] in labels)]
    rng.shuffle(idx)
    out: dict[str, list[int]] = {"offset": [], "no_offset": [], "lexical_offset": []}
    for b in idx:
        if len(out["offset"]) >= max_queries:
            break
        donors = np.flatnonzero(ok & (lab == lab[b]) & (groups != groups[b]))
        if not len(donors):
            continue
        try:
            alts = [c.text for c in generate(before_t[b], langs[b], limit=n_distractors * 3)]
        except EmbedmotionError:
            continue
        alts = [t for t in dict.fromkeys(alts) if t.strip() != after_t[b].strip()][:n_distractors]
        if len(alts) < 3:
            continue
        a = int(rng.choice(donors))
        cands = [after_t[b], *alts]
        C = space.embedder.encode(cands, normalize=True)
        LC = lex.encode(cands)
        lb, la, lab_b = lex.encode([before_t[a], after_t[a], before_t[b]])
        out["offset"].append(_rank_first(C, B[b] + (A[a] - B[a])))
        out["no_offset"].append(_rank_first(C, B[b]))
        out["lexical_offset"].append(_rank_first(LC, lab_b + (la - lb)))
    res: dict[str, Any] = {"n": len(out["offset"])}
    for name, r in out.items():
        for k, v in _rank_stats(np.array(r)).items():
            res[f"{name}_{k}"] = v
    return res


def _rank_first(C: np.ndarray, q: np.ndarray) -> int:
    """Rank (1 = best) of row 0 of ``C`` by cosine with ``q`` (ties count against it)."""
    qn = q / max(float(np.linalg.norm(q)), 1e-12)
    Cn = C / np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12)
    s = Cn @ qn
    return int((s[1:] >= s[0]).sum()) + 1


def evaluate(
    space: EditSpace,
    *,
    labels: Sequence[str] | None = None,
    representations: Sequence[str] = REPRESENTATIONS,
    methods: Sequence[str] = ("mean", "contrast", "probe"),
    group_by: str = "source",
    n_boot: int = 200,
    random_state: int = 0,
    min_count: int = 5,
) -> Report:
    """The metrics table: one row per (representation, label) with separation per method and
    consistency, plus one ``(all labels)`` row per representation with classification,
    clustering and analogy figures."""
    all_labels = pd.Series(space.labels())
    counts = all_labels[all_labels != ""].value_counts()
    labs = [lab for lab in (labels or sorted(counts.index)) if counts.get(lab, 0) >= min_count]
    if not labs:
        raise UsageError(
            "No label has enough edits to evaluate.",
            fix=f"Each label needs at least {min_count} edits.",
        )
    rows: list[dict[str, Any]] = []
    for rep in representations:
        for lab in labs:
            row: dict[str, Any] = {"representation": rep, "label": lab, "n": int(counts[lab])}
            for m in methods:
                s = separation(
                    space,
                    lab,
                    method=m,
                    representation=rep,
                    group_by=group_by,
                    n_boot=n_boot,
                    random_state=random_state,
                )
                row[f"auc_{m}"] = s["auc"]
                row[f"auc_{m}_ci"] = s["auc_ci"]
                if m == methods[0]:
                    row["p"] = s["p"]
            c = consistency(
                space,
                lab,
                representation=rep,
                group_by=group_by,
                n_boot=n_boot,
                random_state=random_state,
            )
            row["cos_own"] = c["cos_own"]
            row["cos_other"] = c["cos_other_labels"]
            rows.append(row)
        cl = classification(
            space, representation=rep, group_by=group_by, n_boot=n_boot, random_state=random_state
        )
        cu = clustering(space, representation=rep, random_state=random_state)
        rows.append(
            {
                "representation": rep,
                "label": "(all labels)",
                "n": cl["n"],
                "knn_f1": cl["knn_f1"],
                "knn_ci": cl["knn_ci"],
                "probe_f1": cl["probe_f1"],
                "chance_f1": cl["chance_f1"],
                "nmi": cu["nmi"],
                "chance_nmi": cu["chance_nmi"],
            }
        )
    report = Report(
        rows=rows,
        title=f"edit geometry ({len(space)} edits, model {space.model_id or '?'}, "
        f"split by {group_by})",
    )
    if space.embedder is None:
        report.notes.append("analogy: skipped (the space has no embedder to embed candidates)")
    else:
        an = analogy_transfer(space, labels=labs, random_state=random_state, group_by=group_by)
        report.notes.append(
            f"analogy (n={an['n']}): offset hit@1 {an['offset_hit1']:.3f} / MRR {an['offset_mrr']:.3f}; "
            f"no-offset control hit@1 {an['no_offset_hit1']:.3f} / MRR {an['no_offset_mrr']:.3f}; "
            f"lexical offset hit@1 {an['lexical_offset_hit1']:.3f} / MRR {an['lexical_offset_mrr']:.3f}"
        )
    report.notes.append(
        "AUCs are out-of-group (fit on other groups), CIs are 95% bootstrap, p is a "
        "one-sided permutation p-value of the first method's AUC."
    )
    return report
