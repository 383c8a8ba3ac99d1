"""Failures beside the fragments they blame.

:func:`plot_failures` is generic: fragments (vectors + labels) and any extra
points (failure messages, tracebacks, diagnostics — embedded with the same
model) with, for each, the row of the fragment it blames.  Both go through one
reducer; failures are drawn as black ✕ with a dashed line to their fragment::

    scene = plot_failures(fragment_vectors, failure_vectors, blame=[3, 3, None, 7],
                          fragment_labels=kinds, failure_texts=messages)

:func:`plot_edit_failures` does it for edits that record the failure output
they fixed (the curated corpus): each failure is linked to the *before* side
of its edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .builders import _matrix, _means_frame, _space, _subtitle, _texts, edit_labels
from .reducers import Reducer, reducer_from_spec
from .scene import (
    DEFAULT_MAX_LABELS,
    DEFAULT_MAX_POINTS,
    FAILURE,
    POINT_COLUMNS,
    Scene,
    as_labels,
    label_means,
    palette,
    pool_labels,
    sample_rows,
)


def plot_failures(
    fragment_vectors: Any,
    failure_vectors: Any,
    *,
    blame: Sequence[int | None],
    fragment_labels: Sequence[Any] | np.ndarray | None = None,
    fragment_headers: Sequence[str] | None = None,
    fragment_texts: Sequence[str] | None = None,
    failure_headers: Sequence[str] | None = None,
    failure_texts: Sequence[str] | None = None,
    reducer: str | Reducer = "pca",
    title: str = "Failures beside the fragments they blame",
    by: str = "label",
    model: str = "",
    max_points: int = DEFAULT_MAX_POINTS,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """Fragments (coloured by ``fragment_labels``) and failures (black ✕, label
    ``failure``) in one 2-D map, with a dashed line from each failure to the
    fragment it blames (``blame[i]``: a fragment row, or ``None`` / -1 for none).

    Generic on purpose: any extra points with a link to a fragment work (failure
    messages, tracebacks, diagnostics).  Above ``max_points`` a seeded sample of
    failures is kept, and their blamed fragments are always shown.
    """
    F = _matrix(fragment_vectors, "plot_failures")
    G = _matrix(failure_vectors, "plot_failures")
    nf, ng = int(F.shape[0]), int(G.shape[0])
    if F.shape[1] != G.shape[1]:
        raise UsageError(
            f"Fragments have dimension {F.shape[1]} but failures {G.shape[1]}.",
            fix="Embed both with the same model.",
        )
    if len(blame) != ng:
        raise UsageError(f"'blame' has {len(blame)} entries but there are {ng} failures.")
    target = np.array([-1 if b is None or int(b) < 0 else int(b) for b in blame])
    if (target >= nf).any():
        raise UsageError(f"'blame' points past the last fragment (there are {nf}).")
    flabs, forder, fcounts = pool_labels(
        as_labels(
            fragment_labels if fragment_labels is not None else ["fragment"] * nf,
            nf,
            "plot_failures",
        ),
        max_labels,
    )
    gsel = sample_rows(
        np.array([FAILURE] * ng, dtype=object), max(1, max_points // 4), random_state=random_state
    )
    blamed = np.unique(target[gsel][target[gsel] >= 0])
    budget = max(max_points - len(gsel) - len(blamed), 0)
    rest = np.setdiff1d(np.arange(nf), blamed)
    extra = (
        rest[sample_rows(flabs[rest], budget, random_state=random_state)]
        if budget and len(rest)
        else rest[:0]
    )
    fsel = np.union1d(blamed, extra).astype(int)
    red = reducer_from_spec(reducer, random_state=random_state)
    xy = red.fit_transform(np.vstack([np.asarray(F[fsel]), np.asarray(G[gsel])]).astype(np.float32))
    fxy, gxy = xy[: len(fsel)], xy[len(fsel) :]
    if red.linear:
        means = red.transform(label_means(F, flabs, forder).astype(np.float32))
    else:
        means = label_means(fxy, flabs[fsel], forder)
    fh = _texts(fragment_headers, nf, "fragment_headers", "plot_failures")
    ft = _texts(fragment_texts, nf, "fragment_texts", "plot_failures")
    gh = _texts(failure_headers, ng, "failure_headers", "plot_failures")
    gt = _texts(failure_texts, ng, "failure_texts", "plot_failures")
    pts = pd.concat(
        [
            pd.DataFrame(
                {
                    "x": fxy[:, 0],
                    "y": fxy[:, 1],
                    "label": flabs[fsel],
                    "role": "point",
                    "header": [fh[i] for i in fsel],
                    "text": [ft[i] for i in fsel],
                    "text_kind": "code",
                }
            ),
            pd.DataFrame(
                {
                    "x": gxy[:, 0],
                    "y": gxy[:, 1],
                    "label": FAILURE,
                    "role": "failure",
                    "header": [gh[i] or "failure" for i in gsel],
                    "text": [gt[i] for i in gsel],
                    "text_kind": "text",
                }
            ),
        ],
        ignore_index=True,
    )[POINT_COLUMNS]
    row_of = {int(r): k for k, r in enumerate(fsel)}
    link_rows = [(k, row_of[int(target[g])]) for k, g in enumerate(gsel) if target[g] >= 0]
    links = pd.DataFrame(
        {
            "x0": [gxy[k, 0] for k, _ in link_rows],
            "y0": [gxy[k, 1] for k, _ in link_rows],
            "x1": [fxy[j, 0] for _, j in link_rows],
            "y1": [fxy[j, 1] for _, j in link_rows],
        }
    )
    order = [*forder, FAILURE]
    counts = {**fcounts, FAILURE: ng}
    xn, yn = red.axis_names()
    return Scene(
        kind="scatter",
        title=title,
        subtitle=_subtitle(
            model, red.describe(), len(fsel) + len(gsel), nf + ng, "points", random_state
        )
        + f" · {len(links)} blame lines",
        x_label=xn,
        y_label=yn,
        legend_title=by,
        labels=order,
        counts=counts,
        colors=palette(order),
        points=pts,
        means=_means_frame(np.asarray(means), forder, fcounts),
        links=links,
        n_total=nf + ng,
        n_shown=len(fsel) + len(gsel),
        meta={"reducer": red.describe(), "model": model, "by": by},
    )


def plot_edit_failures(
    source: Any,
    *,
    by: str = "label",
    embedder: Any = None,
    reducer: str | Reducer = "pca",
    title: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    max_labels: int = DEFAULT_MAX_LABELS,
    random_state: int | None = 0,
) -> Scene:
    """Failure outputs stored on edits (the curated corpus has many) beside the
    before-fragments they were reported for.  Failure texts are embedded with
    ``embedder`` (default: the space's)."""
    space = _space(source)
    f = space.frame
    has = f["failure"].fillna("").astype(str).str.strip() != ""
    before = np.asarray(space.arrays["edit_before"], dtype=np.float32)
    ok = np.linalg.norm(before, axis=1) > 0
    if not (has.to_numpy() & ok).any():
        raise UsageError(
            "None of these edits carries failure output to plot.",
            fix="Use the curated corpus (--curated), whose edits record the failures they fixed.",
        )
    emb = embedder or space.embedder
    if emb is None:
        raise UsageError("plot_edit_failures needs an embedder for the failure texts.")
    frows = np.flatnonzero(ok)
    pos = {int(r): k for k, r in enumerate(frows)}
    grows = [int(r) for r in np.flatnonzero(has.to_numpy() & ok)]
    gtexts = [str(f["failure"].iat[r]) for r in grows]
    G = emb.encode(gtexts)
    labels = edit_labels(space, by)
    heads = [f"{labels[r]} · {f['path'].iat[r]}::{f['name'].iat[r]} (before)" for r in frows]
    tool = f["failure_tool"].fillna("").astype(str) if "failure_tool" in f else None
    return plot_failures(
        before[frows],
        G,
        blame=[pos[r] for r in grows],
        fragment_labels=labels[frows],
        fragment_headers=heads,
        fragment_texts=[str(t or "") for t in f["before_text"].iloc[frows]],
        failure_headers=[
            f"failure ({tool.iat[r] if tool is not None else ''}) → {f['name'].iat[r]}"
            for r in grows
        ],
        failure_texts=gtexts,
        reducer=reducer,
        title=title or f"Failures beside the fragments they blame — {len(grows)} failures",
        by=by,
        model=space.model_id,
        max_points=max_points,
        max_labels=max_labels,
        random_state=random_state,
    )


__all__ = ["plot_failures", "plot_edit_failures"]
