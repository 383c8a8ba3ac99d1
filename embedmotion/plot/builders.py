"""Plot builders: vectors + tables in, a :class:`~embedmotion.plot.scene.Scene` out.

=====================  ==============================================================
:func:`plot_points`     any vectors coloured by any labels (the generic builder)
:func:`plot_fragments`  fragments of a corpus / table / list, by language, kind or label
:func:`plot_edits`      the *edit space*: edit vectors (after − before) by label
:func:`plot_arrows`     edits as arrows before → after, a sample of them, and the mean
                        arrow of each label drawn bold
:func:`plot_failures`   failures (any extra points) beside the fragments they blame,
                        with a line to each blamed fragment
:func:`plot_edit_failures`  the same for edits carrying failure output (curated data)
:func:`plot_scores`     a direction's score histogram by label (e.g. flaky vs stable)
=====================  ==============================================================

Every builder takes ``reducer=`` (``"umap"``, ``"pca"``, ``"direction:NAME[,NAME]"``
or a reducer object, see :mod:`~embedmotion.plot.reducers`) or precomputed
``coords=``, ``max_points`` / ``max_labels`` (see the scene module on large
inputs) and ``random_state``.  Means are exact on all rows for linear reducers
(PCA, direction axes, precomputed coordinates); under UMAP, which is not
linear, a label's mean is the centroid of its plotted points.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .reducers import Precomputed, Reducer, reducer_from_spec
from .scene import (
    ARROW_COLUMNS,
    DEFAULT_MAX_LABELS,
    DEFAULT_MAX_POINTS,
    MEAN_COLUMNS,
    POINT_COLUMNS,
    Scene,
    as_labels,
    empty_table,
    label_means,
    palette,
    pool_labels,
    sample_rows,
)

DEFAULT_MAX_ARROWS = 400


# ------------------------------------------------------------------------------ helpers
def _model_name(model: Any) -> str:
    s = str(model or "").rstrip("/")
    return s.rsplit("/", 1)[-1] or "unknown model"


def _subtitle(model: str, reducer_desc: str, shown: int, total: int, unit: str, seed: Any) -> str:
    sample = (
        f"{shown:,} {unit}"
        if shown >= total
        else f"{shown:,} of {total:,} {unit} (seeded sample, random_state={seed})"
    )
    return f"model {_model_name(model)} · {reducer_desc} · {sample}"


def _matrix(X: Any, owner: str) -> Any:
    if not hasattr(X, "shape") or len(X.shape) != 2:
        X = np.asarray(X, dtype=np.float32)
    if len(X.shape) != 2 or X.shape[0] == 0:
        raise UsageError(
            f"{owner} needs a non-empty 2-D array of vectors. Got shape {getattr(X, 'shape', None)}.",
            fix="Pass one vector per row (e.g. corpus.vectors or space.vectors()).",
        )
    return X


def _texts(values: Sequence[str] | None, n: int, name: str, owner: str) -> list[str]:
    if values is None:
        return [""] * n
    out = ["" if v is None else str(v) for v in values]
    if len(out) != n:
        raise UsageError(
            f"The '{name}' parameter of {owner} has {len(out)} entries but there are {n} rows."
        )
    return out


def sampled_rows(
    labels: Any,
    n: int,
    *,
    max_points: int,
    max_labels: int,
    random_state: int | None,
    owner: str = "plot",
) -> np.ndarray:
    """The rows a builder will show for these labels and options (so callers can
    build hover texts for those rows only, not for a million)."""
    labs, _, _ = pool_labels(as_labels(labels, n, owner), max_labels)
    return sample_rows(labs, max_points, random_state=random_state)


def _reduce(
    X: Any,
    idx: np.ndarray,
    labels: np.ndarray,
    order: list[str],
    reducer: str | Reducer,
    coords: Any,
    random_state: int | None,
) -> tuple[np.ndarray, np.ndarray, Reducer]:
    """2-D coordinates of the sampled rows and of each label's mean."""
    if coords is not None:
        c = np.asarray(coords, dtype=np.float32)
        if c.shape != (len(labels), 2):
            raise UsageError(
                f"The 'coords' parameter must have shape ({len(labels)}, 2). Got {c.shape} instead."
            )
        red: Reducer = Precomputed(c).fit()
        return c[idx], label_means(c, labels, order).astype(np.float32), red
    red = reducer_from_spec(reducer, random_state=random_state)
    Xs = np.asarray(X[idx], dtype=np.float32)
    xy = red.fit_transform(Xs)
    if red.linear:
        means = red.transform(label_means(X, labels, order).astype(np.float32))
    else:
        means = label_means(xy, labels[idx], order).astype(np.float32)
    return np.asarray(xy, dtype=np.float32), np.asarray(means, dtype=np.float32), red


def _means_frame(means: np.ndarray, order: list[str], counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": means[:, 0],
            "y": means[:, 1],
            "label": order,
            "n": [counts[k] for k in order],
        }
    )


def _diff(before: str, after: str, context: int = 2) -> str:
    lines = difflib.unified_diff(
        (before or "").splitlines(), (after or "").splitlines(), lineterm="", n=context
    )
    return "\n".join(ln for ln in lines if not ln.startswith(("---", "+++")))


# ------------------------------------------------------------------------------- points
def plot_points(
    vectors: Any,
    labels: Sequence[Any] | np.ndarray,
    *,
    headers: Sequence[str] | None = None,
    texts: Sequence[str] | None = None,
    text_kind: str = "code",
    reducer: str | Reducer = "umap",
    coords: Any = None,
    title: str = "Points",
    by: str = "label",
    unit: str = "points",
    model: str = "",
    show_means: bool = True,
    max_points: int = DEFAULT_MAX_POINTS,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """Any vectors (n, d) as a 2-D scatter coloured by ``labels``.

    ``headers`` / ``texts`` (one per row, optional) are shown on hover in the
    HTML; only the sampled rows' texts are kept.
    """
    X = _matrix(vectors, "plot_points")
    n = int(X.shape[0])
    labs, order, counts = pool_labels(as_labels(labels, n, "plot_points"), max_labels)
    idx = sample_rows(labs, max_points, random_state=random_state)
    xy, means, red = _reduce(X, idx, labs, order, reducer, coords, random_state)
    head = _texts(headers, n, "headers", "plot_points")
    body = _texts(texts, n, "texts", "plot_points")
    pts = pd.DataFrame(
        {
            "x": xy[:, 0],
            "y": xy[:, 1],
            "label": labs[idx],
            "role": "point",
            "header": [head[i] for i in idx],
            "text": [body[i] for i in idx],
            "text_kind": text_kind,
        },
        columns=POINT_COLUMNS,
    )
    xn, yn = red.axis_names()
    return Scene(
        kind="scatter",
        title=title,
        subtitle=_subtitle(model, red.describe(), len(idx), n, unit, random_state),
        x_label=xn,
        y_label=yn,
        legend_title=by,
        labels=order,
        counts=counts,
        colors=palette(order),
        points=pts,
        means=_means_frame(means, order, counts) if show_means else empty_table(MEAN_COLUMNS),
        n_total=n,
        n_shown=len(idx),
        meta={"reducer": red.describe(), "model": model, "by": by, "sample": idx},
    )


def _fragment_table(source: Any) -> tuple[pd.DataFrame, Any, str, str]:
    """(table, vectors or None, model id, name) of a Corpus / DataFrame / fragments."""
    if hasattr(source, "fragments") and hasattr(source, "manifest"):  # a Corpus
        return (
            source.fragments,
            source.vectors,
            source.manifest["model"]["id"],
            Path(str(source.path)).name,
        )
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True), None, "", ""
    frags = list(source)
    if frags and not all(hasattr(f, "to_dict") and hasattr(f, "text") for f in frags):
        raise UsageError(
            "plot_fragments takes a Corpus, a fragment table (DataFrame) or a list of Fragments.",
        )
    return pd.DataFrame([f.to_dict() for f in frags]), None, "", ""


def plot_fragments(
    source: Any,
    *,
    by: str = "language",
    labels: Sequence[Any] | None = None,
    vectors: Any = None,
    embedder: Any = None,
    reducer: str | Reducer = "umap",
    coords: Any = None,
    title: str | None = None,
    model: str | None = None,
    show_means: bool = True,
    max_points: int = DEFAULT_MAX_POINTS,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """Fragments coloured by a column of the fragment table (``language``, ``kind``, ``path``)
    or by ``labels`` you give (one per fragment; ``by`` then names them in the legend).

    ``source``: a :class:`~embedmotion.corpus.Corpus` (its vectors are used), a
    fragment DataFrame or a list of Fragments with ``vectors=`` (or ``embedder=``
    to embed their texts; default: the packaged model).
    """
    table, vecs, mid, name = _fragment_table(source)
    if not len(table):
        raise UsageError(
            "There are no fragments to plot.",
            fix="Index a source tree first (`embedmotion index PATH`).",
        )
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
                f"The fragment table has no column {by!r} to colour by.",
                fix="Use one of: "
                + ", ".join(c for c in ("language", "kind", "path") if c in table)
                + ", or pass labels=[...] (one per fragment).",
            )
        labels = table[by].tolist()
    n = len(table)
    X = _matrix(vecs, "plot_fragments")
    if X.shape[0] != n:
        raise UsageError(f"There are {n} fragments but {X.shape[0]} vectors; they must match.")
    # hover texts only for what will be shown: sample first (same seed as plot_points)
    idx = sampled_rows(
        labels, n, max_points=max_points, max_labels=max_labels, random_state=random_state
    )
    headers = [""] * n
    texts = [""] * n
    sub = table.iloc[idx]
    for i, r in zip(idx, sub.to_dict("records")):
        headers[i] = f"{r.get('kind', '')} {r.get('path', '')}::{r.get('name', '')}" + (
            f":{r['start_line']}" if r.get("start_line") else ""
        )
        texts[i] = str(r.get("text") or "")
    return plot_points(
        X,
        labels,
        headers=headers,
        texts=texts,
        reducer=reducer,
        coords=coords,
        title=title or f"Fragments by {by}" + (f" — {name}" if name else ""),
        by=by,
        unit="fragments",
        model=model or mid,
        show_means=show_means,
        max_points=max_points,
        max_labels=max_labels,
        random_state=random_state,
    )


# -------------------------------------------------------------------------------- edits
def _space(source: Any) -> Any:
    if hasattr(source, "vectors") and hasattr(source, "frame") and hasattr(source, "arrays"):
        return source
    if hasattr(source, "edits") and hasattr(source, "manifest"):
        from ..geometry import EditSpace

        return EditSpace.from_corpus(source)
    raise UsageError(
        "Edit plots take an EditSpace or a Corpus holding edits.",
        fix="Build one with EditSpace.from_edits(edits) or curated_space().",
    )


def edit_labels(space: Any, by: str) -> np.ndarray:
    """One label per edit: ``label`` (category, else first label), ``language``,
    ``kind`` (fragment kind), or any column of the edit table."""
    f = space.frame
    if by == "label":
        return np.asarray(space.labels(), dtype=object)
    if by == "kind":
        return np.asarray(f["after_kind"].fillna(f["before_kind"]).fillna("").astype(str))
    if by == "language" and "language" in f:
        return np.asarray(f["language"].fillna("").astype(str))
    if by in f.columns:
        return np.asarray(f[by].map(lambda v: ",".join(v) if isinstance(v, (list, tuple)) else v))
    raise UsageError(
        f"Edits have no {by!r} to colour by.",
        fix="Use label, language, kind or a column of the edit table (status, source, subkind...).",
    )


def _edit_hover(space: Any, rows: np.ndarray) -> tuple[list[str], list[str]]:
    f = space.frame.iloc[rows]
    labs = np.asarray(space.labels())[rows]
    heads, texts = [], []
    for lab, r in zip(labs, f.to_dict("records")):
        msg = (str(r.get("message") or "").splitlines() or [""])[0][:90]
        heads.append(
            f"{lab} · {r.get('path', '')}::{r.get('name', '')}" + (f" — {msg}" if msg else "")
        )
        texts.append(_diff(str(r.get("before_text") or ""), str(r.get("after_text") or "")))
    return heads, texts


def _space_title(space: Any) -> str:
    return f"{len(space):,} edits"


def plot_edits(
    source: Any,
    *,
    by: str = "label",
    representation: str | None = None,
    reducer: str | Reducer = "umap",
    coords: Any = None,
    title: str | None = None,
    show_means: bool = True,
    max_points: int = DEFAULT_MAX_POINTS,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """The edit space: each edit's vector (after − before, see
    :meth:`~embedmotion.geometry.EditSpace.vectors`) as a point coloured by ``by``;
    hover shows the diff."""
    space = _space(source)
    rep = representation or space.representation
    X = space.vectors(rep)
    labels = edit_labels(space, by)
    n = len(labels)
    idx = sampled_rows(
        labels, n, max_points=max_points, max_labels=max_labels, random_state=random_state
    )
    heads, texts = [""] * n, [""] * n
    for i, h, t in zip(idx, *_edit_hover(space, idx)):
        heads[i], texts[i] = h, t
    return plot_points(
        X,
        labels,
        headers=heads,
        texts=texts,
        text_kind="diff",
        reducer=reducer,
        coords=coords,
        title=title or f"Edit space ({rep} vectors) by {by} — {_space_title(space)}",
        by=by,
        unit="edits",
        model=space.model_id,
        show_means=show_means,
        max_points=max_points,
        max_labels=max_labels,
        random_state=random_state,
    )


_SIDES = {
    "hunk": ("edit_hunk_before", "edit_hunk_after"),
    "fragment": ("edit_before", "edit_after"),
}


def plot_arrows(
    source: Any,
    *,
    by: str = "label",
    representation: str | None = None,
    reducer: str | Reducer = "pca",
    coords: tuple[Any, Any] | None = None,
    fit_on: str = "positions",
    title: str | None = None,
    max_arrows: int = DEFAULT_MAX_ARROWS,
    mean_arrows: bool = True,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """Edits as arrows from the before-vector to the after-vector (``hunk`` or
    ``fragment`` sides), a seeded stratified sample of at most ``max_arrows``, and
    each label's mean arrow drawn bold (exact over all its edits for linear
    reducers — the default is PCA, because only a linear map keeps differences).
    Added / removed edits (one side missing) are left out.  ``coords`` may give
    precomputed ``(before_xy, after_xy)``, each (n, 2).

    ``fit_on="positions"`` fits the reducer on the before and after vectors (the
    plane where the *code* varies most: arrows tend to look short, because edits
    are small next to the differences between fragments); ``fit_on="edits"``
    fits a linear reducer on the edit vectors (after − before) and applies it to
    both ends (the plane where the *edits* vary most)."""
    if fit_on not in ("positions", "edits"):
        raise UsageError(
            f"The 'fit_on' parameter of plot_arrows must be 'positions' or 'edits'. "
            f"Got {fit_on!r} instead."
        )
    space = _space(source)
    rep = representation or (space.representation if space.representation in _SIDES else "hunk")
    if rep not in _SIDES:
        raise UsageError(
            f"Arrows need a before and an after vector; the {rep!r} representation has none.",
            fix="Use representation='hunk' or 'fragment'.",
        )
    B = np.asarray(space.arrays[_SIDES[rep][0]], dtype=np.float32)
    A = np.asarray(space.arrays[_SIDES[rep][1]], dtype=np.float32)
    ok = (np.linalg.norm(B, axis=1) > 0) & (np.linalg.norm(A, axis=1) > 0)
    ok &= np.isfinite(B).all(axis=1) & np.isfinite(A).all(axis=1)
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        raise UsageError(
            "None of these edits has both a before and an after side to draw an arrow between.",
        )
    labels_all = edit_labels(space, by)
    labs, order, counts = pool_labels(
        as_labels(labels_all[rows], len(rows), "plot_arrows"), max_labels
    )
    pick = sample_rows(labs, max_arrows, random_state=random_state)
    sel = rows[pick]
    if coords is not None:
        cb, ca = (np.asarray(c, dtype=np.float32) for c in coords)
        if cb.shape != (len(B), 2) or ca.shape != (len(A), 2):
            raise UsageError(
                f"The 'coords' parameter of plot_arrows must be two ({len(B)}, 2) arrays."
            )
        red: Reducer = Precomputed(np.vstack([cb, ca])).fit()
        b2, a2 = cb[sel], ca[sel]
        mb, ma = label_means(cb[rows], labs, order), label_means(ca[rows], labs, order)
    else:
        red = reducer_from_spec(reducer, random_state=random_state)
        if fit_on == "edits":
            if not red.linear:
                raise UsageError(
                    "fit_on='edits' needs a linear reducer (its map is applied to both ends).",
                    fix="Use reducer='pca' or a direction reducer, or fit_on='positions'.",
                )
            red.fit(A[sel] - B[sel])
            b2, a2 = red.transform(B[sel]), red.transform(A[sel])
        else:
            xy = red.fit_transform(np.vstack([B[sel], A[sel]]))
            b2, a2 = xy[: len(sel)], xy[len(sel) :]
        if red.linear:
            mb = red.transform(label_means(B[rows], labs, order).astype(np.float32))
            ma = red.transform(label_means(A[rows], labs, order).astype(np.float32))
        else:
            mb = label_means(b2, labs[pick], order)
            ma = label_means(a2, labs[pick], order)
    heads, texts = _edit_hover(space, sel)
    arrows = pd.DataFrame(
        {
            "x0": b2[:, 0],
            "y0": b2[:, 1],
            "x1": a2[:, 0],
            "y1": a2[:, 1],
            "label": labs[pick],
            "header": heads,
            "text": texts,
            "text_kind": "diff",
        },
        columns=ARROW_COLUMNS,
    )
    mean_df = pd.DataFrame(
        {
            "x0": np.asarray(mb)[:, 0],
            "y0": np.asarray(mb)[:, 1],
            "x1": np.asarray(ma)[:, 0],
            "y1": np.asarray(ma)[:, 1],
            "label": order,
            "n": [counts[k] for k in order],
        }
    )
    xn, yn = red.axis_names()
    scene = Scene(
        kind="scatter",
        title=title or f"Edits as arrows before → after ({rep} vectors) by {by}",
        subtitle=_subtitle(
            space.model_id,
            red.describe() + (" of the edit vectors" if fit_on == "edits" else ""),
            len(sel),
            len(rows),
            "edits",
            random_state,
        )
        + (" · bold: mean arrow per label" if mean_arrows else ""),
        x_label=xn,
        y_label=yn,
        legend_title=by,
        labels=order,
        counts=counts,
        colors=palette(order),
        arrows=arrows,
        n_total=len(rows),
        n_shown=len(sel),
        meta={"reducer": red.describe(), "model": space.model_id, "by": by, "sample": sel},
    )
    if mean_arrows:
        scene.mean_arrows = mean_df
    return scene


__all__ = [
    "DEFAULT_MAX_ARROWS",
    "plot_points",
    "plot_fragments",
    "plot_edits",
    "plot_arrows",
    "edit_labels",
    "sampled_rows",
]
