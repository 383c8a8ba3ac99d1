"""Plots of fragments, edits, failures and directions — static PNG/SVG and offline HTML.

Every plot is built in two steps: a *builder* reduces vectors to 2-D and
returns a :class:`Scene` (what to show); a *renderer* draws it.  Saving picks
the renderer from the file name::

    from embedmotion.directions import curated_space, get_direction
    from embedmotion.plot import plot_edits, plot_arrows, plot_scores

    space = curated_space()                                  # the curated edits
    plot_edits(space, by="label").save("edit-space.png")     # UMAP of edit vectors
    plot_arrows(space, max_arrows=200).save("arrows.html")   # before → after, mean arrow bold
    d = get_direction("less-flaky")
    plot_edit_scores(space, d).save("scores.svg")             # histogram along a direction

Other builders: :func:`plot_fragments` (a corpus by language / kind / your
labels), :func:`plot_points` (any vectors and labels), :func:`plot_failures`
(failures beside the fragments they blame, with a line to each),
:func:`plot_edit_failures` (the same for edits that record failure output),
:func:`plot_fragment_scores` (fragments' cosine with a direction) and
:func:`plot_scores` (any scores and labels).

Reducers (:mod:`~embedmotion.plot.reducers`) are scikit-learn-style
estimators: :class:`UMAPReducer`, :class:`PCAReducer` and
:class:`DirectionAxes` (x = projection on a direction, y = on a second one or
on the top PCA axis of what is left).  Builders take ``reducer="umap"``,
``"pca"``, ``"direction:NAME[,NAME]"``, a reducer object, or ``coords=`` you
computed yourself.

Static figures (``scene.to_matplotlib()``, ``.png``/``.svg``/``.pdf``) carry a
title saying what was embedded, the model and the reducer, and a legend with
counts.  HTML files (``scene.to_plotly()``, ``.html``) are self-contained and
offline: hover shows the code (the diff for edits), the legend toggles
labels, a filter box highlights matching points, drag zooms.  Above 20,000
points the scatter shows a seeded stratified sample; counts and means stay
exact (see :mod:`~embedmotion.plot.scene`).

Requires the ``plot`` extra (matplotlib, plotly): ``pip install 'embedmotion[plot]'``.
"""

from __future__ import annotations

from .builders import (
    DEFAULT_MAX_ARROWS,
    edit_labels,
    plot_arrows,
    plot_edits,
    plot_fragments,
    plot_points,
)
from .failures import plot_edit_failures, plot_failures
from .reducers import (
    REDUCER_NAMES,
    DirectionAxes,
    PCAReducer,
    Precomputed,
    Reducer,
    UMAPReducer,
    reducer_from_spec,
)
from .scene import DEFAULT_MAX_LABELS, DEFAULT_MAX_POINTS, Scene, sample_rows
from .scores import plot_edit_scores, plot_fragment_scores, plot_scores

__all__ = [
    "DEFAULT_MAX_ARROWS",
    "DEFAULT_MAX_LABELS",
    "DEFAULT_MAX_POINTS",
    "REDUCER_NAMES",
    "DirectionAxes",
    "PCAReducer",
    "Precomputed",
    "Reducer",
    "Scene",
    "UMAPReducer",
    "edit_labels",
    "plot_arrows",
    "plot_edit_failures",
    "plot_edit_scores",
    "plot_edits",
    "plot_failures",
    "plot_fragment_scores",
    "plot_fragments",
    "plot_points",
    "plot_scores",
    "reducer_from_spec",
    "sample_rows",
]
