"""Score histograms: how items spread along a direction.

:func:`plot_scores` takes any scores and labels; :func:`plot_edit_scores`
projects the edit vectors of a space on a direction (e.g. *less-flaky* edits
against all others), :func:`plot_fragment_scores` scores fragments by their
cosine with a direction (e.g. tests of a corpus along a flakiness axis)::

    d = get_direction("less-flaky")
    plot_edit_scores(curated_space(), d).save("less-flaky-scores.png")
    plot_fragment_scores(corpus, d, by="kind").save("tests.html")

Each label gets a density-normalised histogram (all scores) and a rug of the
individual items below it (hover: their code; sampled above ``max_points``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .builders import _diff, _fragment_table, _model_name, _space, _texts, edit_labels, sampled_rows
from .scene import (
    DEFAULT_MAX_LABELS,
    DEFAULT_MAX_POINTS,
    Scene,
    as_labels,
    palette,
    pool_labels,
    sample_rows,
)


def plot_scores(
    scores: Any,
    labels: Sequence[Any] | np.ndarray,
    *,
    headers: Sequence[str] | None = None,
    texts: Sequence[str] | None = None,
    text_kind: str = "code",
    direction: str = "direction",
    what: str = "items",
    by: str = "label",
    model: str = "",
    threshold: float | None = None,
    bins: int = 30,
    max_points: int = DEFAULT_MAX_POINTS,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """Histogram of scores along a direction, one (density-normalised) histogram per
    label, plus a rug of the individual items (hover: their code).  Histograms use
    every score; the rug is sampled above ``max_points``."""
    s = np.asarray(scores, dtype=np.float64).ravel()
    n = len(s)
    if n == 0 or not np.isfinite(s).all():
        raise UsageError("plot_scores needs a non-empty array of finite scores.")
    labs, order, counts = pool_labels(as_labels(labels, n, "plot_scores"), max_labels)
    lo, hi = float(s.min()), float(s.max())
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, max(int(bins), 1) + 1)
    rows = []
    for lab in order:
        c, _ = np.histogram(s[labs == lab], bins=edges)
        dens = c / max(c.sum(), 1) / np.diff(edges)
        for k in range(len(c)):
            rows.append((lab, edges[k], edges[k + 1], int(c[k]), float(dens[k])))
    idx = sample_rows(labs, max_points, random_state=random_state)
    head = _texts(headers, n, "headers", "plot_scores")
    body = _texts(texts, n, "texts", "plot_scores")
    values = pd.DataFrame(
        {
            "value": s[idx],
            "label": labs[idx],
            "header": [head[i] for i in idx],
            "text": [body[i] for i in idx],
            "text_kind": text_kind,
        }
    )
    means = pd.DataFrame(
        {
            "x": [float(s[labs == lab].mean()) for lab in order],
            "y": 0.0,
            "label": order,
            "n": [counts[k] for k in order],
        }
    )
    return Scene(
        kind="histogram",
        title=f"Scores of {what} along {direction!r}, by {by}",
        subtitle=f"model {_model_name(model)} · score = projection on the direction · "
        + (f"{n:,} {what}" if len(idx) == n else f"{n:,} {what}, rug shows {len(idx):,}"),
        x_label=f"score along {direction}",
        y_label="density",
        legend_title=by,
        labels=order,
        counts=counts,
        colors=palette(order),
        values=values,
        means=means,
        n_total=n,
        n_shown=len(idx),
        meta={
            "bins": pd.DataFrame(rows, columns=["label", "left", "right", "count", "density"]),
            "threshold": threshold,
            "direction": direction,
            "model": model,
            "by": by,
        },
    )


def _direction_name(direction: Any, name: str | None) -> str:
    if name:
        return name
    prov = getattr(direction, "provenance_", None) or {}
    return str(
        getattr(direction, "name", None) or prov.get("name") or prov.get("label") or "direction"
    )


def _direction_vector(direction: Any, d: int) -> np.ndarray:
    v = np.asarray(getattr(direction, "vector_", direction), dtype=np.float32).ravel()
    if v.shape != (d,):
        raise UsageError(
            f"The direction has dimension {v.shape[0]} but the vectors have {d}.",
            fix="Use a direction fitted with the same model as the vectors.",
        )
    n = float(np.linalg.norm(v))
    if n == 0:
        raise UsageError("The direction is a zero vector.")
    return v / n


def plot_edit_scores(
    source: Any,
    direction: Any,
    *,
    by: str = "label",
    representation: str | None = None,
    name: str | None = None,
    one_vs_rest: str | None = None,
    threshold: float | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """Projections of a space's edit vectors on ``direction`` (a
    :class:`~embedmotion.geometry.Direction` or a vector), by ``by``; hover shows
    each edit's diff.  ``one_vs_rest="less-flaky"`` draws two histograms: edits
    with that label and ``other edits``.  ``threshold`` draws a vertical line
    (e.g. ``d.threshold_``)."""
    space = _space(source)
    X = space.vectors(representation)
    scores = np.asarray(X, dtype=np.float32) @ _direction_vector(direction, X.shape[1])
    labels = edit_labels(space, by)
    if one_vs_rest is not None:
        mask = space.has_label(one_vs_rest) if by == "label" else labels == one_vs_rest
        if not mask.any():
            raise UsageError(
                f"No edit has {by} {one_vs_rest!r}.",
                fix=f"Pick one of: {', '.join(sorted(set(map(str, labels))))[:300]}.",
            )
        labels = np.where(mask, one_vs_rest, "other edits").astype(object)
    n = len(labels)
    idx = sampled_rows(
        labels, n, max_points=max_points, max_labels=max_labels, random_state=random_state
    )
    f = space.frame
    heads, texts = [""] * n, [""] * n
    for i in idx:
        heads[i] = f"{labels[i]} · {f['path'].iat[i]}::{f['name'].iat[i]}"
        texts[i] = _diff(str(f["before_text"].iat[i] or ""), str(f["after_text"].iat[i] or ""))
    return plot_scores(
        scores,
        labels,
        headers=heads,
        texts=texts,
        text_kind="diff",
        direction=_direction_name(direction, name),
        what=f"edits ({representation or space.representation} vectors)",
        by=by,
        model=space.model_id,
        threshold=threshold,
        max_points=max_points,
        max_labels=max_labels,
        random_state=random_state,
    )


def plot_fragment_scores(
    source: Any,
    direction: Any,
    *,
    by: str = "kind",
    labels: Sequence[Any] | None = None,
    vectors: Any = None,
    embedder: Any = None,
    name: str | None = None,
    threshold: float | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """Cosine of each fragment with ``direction`` (what ``embedmotion project`` prints),
    one histogram per ``by`` value (or per label in ``labels``); hover shows the code.
    ``source``: a Corpus, a fragment DataFrame or a list of Fragments (with
    ``vectors=`` or ``embedder=``)."""
    table, vecs, mid, _ = _fragment_table(source)
    if not len(table):
        raise UsageError("There are no fragments to score.")
    if vectors is not None:
        vecs = vectors
    if vecs is None:
        if embedder is None:
            from ..embedding import load_embedder

            embedder = load_embedder()
        vecs = embedder.encode(table["text"].fillna("").astype(str).tolist())
        mid = mid or embedder.model_id
    if labels is None:
        if by not in table.columns:
            raise UsageError(
                f"The fragment table has no column {by!r} to group by.",
                fix="Use kind, language or path, or pass labels=[...] (one per fragment).",
            )
        labels = table[by].tolist()
    n = len(table)
    X = np.asarray(vecs, dtype=np.float32)
    if X.shape[0] != n:
        raise UsageError(f"There are {n} fragments but {X.shape[0]} vectors; they must match.")
    v = _direction_vector(direction, X.shape[1])
    norms = np.linalg.norm(X, axis=1)
    scores = (X @ v) / np.where(norms > 0, norms, 1.0)
    idx = sampled_rows(
        labels, n, max_points=max_points, max_labels=max_labels, random_state=random_state
    )
    heads, texts = [""] * n, [""] * n
    sub = table.iloc[idx]
    for i, r in zip(idx, sub.to_dict("records")):
        heads[i] = f"{r.get('kind', '')} {r.get('path', '')}::{r.get('name', '')}"
        texts[i] = str(r.get("text") or "")
    return plot_scores(
        scores,
        labels,
        headers=heads,
        texts=texts,
        direction=_direction_name(direction, name),
        what="fragments (cosine)",
        by=by,
        model=mid,
        threshold=threshold,
        max_points=max_points,
        max_labels=max_labels,
        random_state=random_state,
    )


__all__ = ["plot_scores", "plot_edit_scores", "plot_fragment_scores"]
