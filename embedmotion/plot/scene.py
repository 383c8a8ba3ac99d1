"""A :class:`Scene`: what a plot shows, independent of how it is drawn.

Plot builders (:mod:`embedmotion.plot.builders`) reduce vectors to 2-D and
return a Scene — tables of points, arrows, links, means or histogram values,
each row with a label, a header and the code to show on hover.  Two renderers
draw it: :meth:`Scene.to_matplotlib` (a static ``matplotlib.figure.Figure``,
Agg, for PNG/SVG) and :meth:`Scene.to_plotly` (an interactive plotly figure,
saved as one self-contained offline HTML file)::

    scene = plot_fragments(corpus, by="language")
    scene.save("fragments.png")     # or .svg / .pdf / .html
    fig = scene.to_matplotlib()     # a Figure to tweak; Jupyter shows `scene` directly

Large inputs.  Above ``max_points`` (default :data:`DEFAULT_MAX_POINTS` =
20,000) the scatter shows a seeded sample, stratified so every label keeps
some points (:func:`sample_rows`); per-label counts in the legend and
per-label means are computed on *all* rows.  Labels beyond the ``max_labels``
most frequent are pooled as ``(other)``.
"""

from __future__ import annotations

import html
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import UsageError, check_param

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DEFAULT_MAX_POINTS = 20_000
DEFAULT_MAX_LABELS = 16
MIN_PER_LABEL = 10
HOVER_LINES = 25
HOVER_WIDTH = 110
OTHER = "(other)"
FAILURE = "failure"
FAILURE_COLOR = "#111111"
OTHER_COLOR = "#9e9e9e"
# matplotlib's tab10 then the light half of tab20 (same colours in both renderers)
PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
]
STATIC_SUFFIXES = (".png", ".svg", ".pdf")
SUFFIXES = (*STATIC_SUFFIXES, ".html")

POINT_COLUMNS = ["x", "y", "label", "role", "header", "text", "text_kind"]
ARROW_COLUMNS = ["x0", "y0", "x1", "y1", "label", "header", "text", "text_kind"]
MEAN_ARROW_COLUMNS = ["x0", "y0", "x1", "y1", "label", "n"]
MEAN_COLUMNS = ["x", "y", "label", "n"]
LINK_COLUMNS = ["x0", "y0", "x1", "y1"]
VALUE_COLUMNS = ["value", "label", "header", "text", "text_kind"]


def empty_table(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


@dataclass
class Scene:
    """Everything one plot shows; see the module docstring.

    ``kind`` is ``"scatter"`` (points, arrows, links, means) or
    ``"histogram"`` (``values``).  ``labels`` is the legend order, ``counts``
    the number of rows per label *before* sampling, ``colors`` a hex colour
    per label.  ``text_kind`` of a row says how to show its hover text:
    ``code``, ``diff`` (coloured +/- lines) or ``text``.
    """

    kind: str
    title: str
    subtitle: str = ""
    x_label: str = ""
    y_label: str = ""
    legend_title: str = ""
    labels: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    points: pd.DataFrame = field(default_factory=lambda: empty_table(POINT_COLUMNS))
    arrows: pd.DataFrame = field(default_factory=lambda: empty_table(ARROW_COLUMNS))
    mean_arrows: pd.DataFrame = field(default_factory=lambda: empty_table(MEAN_ARROW_COLUMNS))
    means: pd.DataFrame = field(default_factory=lambda: empty_table(MEAN_COLUMNS))
    links: pd.DataFrame = field(default_factory=lambda: empty_table(LINK_COLUMNS))
    values: pd.DataFrame = field(default_factory=lambda: empty_table(VALUE_COLUMNS))
    n_total: int = 0
    n_shown: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"Scene({self.kind!r}, {self.title!r}, labels={len(self.labels)}, "
            f"shown={self.n_shown} of {self.n_total})"
        )

    # -- rendering --------------------------------------------------------------------
    def to_matplotlib(self, *, figsize: tuple[float, float] | None = None) -> Figure:
        """A static matplotlib Figure (no pyplot state; Agg for files)."""
        from .static import to_matplotlib

        return to_matplotlib(self, figsize=figsize)

    def to_plotly(self) -> Any:
        """An interactive ``plotly.graph_objects.Figure`` (hover shows the code)."""
        from .interactive import to_plotly

        return to_plotly(self)

    def save(self, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
        """Write ``.png`` / ``.svg`` / ``.pdf`` (matplotlib) or ``.html`` (offline plotly)."""
        p = Path(path)
        suffix = p.suffix.lower()
        check_param(
            suffix in SUFFIXES,
            "path",
            "Scene.save",
            f"a file name ending in one of {', '.join(SUFFIXES)}",
            str(path),
        )
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".html":
            from .interactive import write_html

            return write_html(self, p)
        fig = self.to_matplotlib()
        fig.savefig(p, dpi=dpi, bbox_inches="tight", metadata=_metadata(suffix))
        return p

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.to_matplotlib().savefig(buf, format="png", dpi=100, bbox_inches="tight")
        return buf.getvalue()


def _metadata(suffix: str) -> dict[str, Any] | None:
    # reproducible files: no creation dates in SVG / PDF
    if suffix == ".svg":
        return {"Date": None}
    if suffix == ".pdf":
        return {"CreationDate": None}
    return None


# -------------------------------------------------------------------------------- labels
def as_labels(values: Any, n: int, owner: str) -> np.ndarray:
    """A string label per row ('' and missing values become ``(none)``)."""
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise UsageError(
            f"The labels given to {owner} must be one label per row (1-D). "
            f"Got an array of shape {values.shape} instead."
        )
    ser = values.reset_index(drop=True) if isinstance(values, pd.Series) else None
    if ser is None:
        ser = pd.Series(values if isinstance(values, np.ndarray) else list(values), dtype=object)
    if ser.ndim != 1 or len(ser) != n:
        raise UsageError(
            f"The labels given to {owner} have {len(ser)} entries, but there are {n} rows.",
            fix="Pass one label per row (the same order as the vectors).",
        )
    ser = ser.astype(object).where(ser.notna(), "").astype(str)
    return np.asarray(ser.where(ser != "", "(none)").to_numpy(), dtype=object)


def pool_labels(
    labels: np.ndarray, max_labels: int
) -> tuple[np.ndarray, list[str], dict[str, int]]:
    """Keep the ``max_labels`` most frequent labels, pool the rest as ``(other)``.

    Returns the pooled labels, the legend order (by count, then name) and the
    count of each (all rows).
    """
    check_param(
        isinstance(max_labels, int) and max_labels >= 1,
        "max_labels",
        "plot",
        "a positive integer",
        max_labels,
    )
    vc = pd.Series(labels).value_counts()
    order = sorted(vc.index, key=lambda k: (-int(vc[k]), str(k)))
    if len(order) > max_labels:
        keep = set(order[: max_labels - 1])
        labels = np.where(np.isin(labels, list(keep)), labels, OTHER).astype(object)
        vc = pd.Series(labels).value_counts()
        order = [k for k in order if k in keep] + [OTHER]
    return labels, [str(k) for k in order], {str(k): int(vc[k]) for k in order}


def palette(labels: list[str]) -> dict[str, str]:
    """A colour per label (stable for a given legend order)."""
    out: dict[str, str] = {}
    i = 0
    for lab in labels:
        if lab == OTHER:
            out[lab] = OTHER_COLOR
        elif lab == FAILURE:
            out[lab] = FAILURE_COLOR
        else:
            out[lab] = PALETTE[i % len(PALETTE)]
            i += 1
    return out


# ------------------------------------------------------------------------------ sampling
def sample_rows(
    labels: np.ndarray,
    max_points: int,
    *,
    random_state: int | None = 0,
    min_per_label: int = MIN_PER_LABEL,
) -> np.ndarray:
    """Sorted row indices: all rows up to ``max_points``, else a seeded stratified sample.

    Every label keeps ``min(count, min_per_label)`` rows; the rest of the budget
    is shared in proportion to the label counts.  Never more than ``max_points``.
    """
    check_param(
        isinstance(max_points, int) and max_points >= 1,
        "max_points",
        "plot",
        "a positive integer",
        max_points,
    )
    n = len(labels)
    if n <= max_points:
        return np.arange(n)
    rng = np.random.default_rng(random_state)
    codes, uniq = pd.factorize(pd.Series(labels), sort=True)
    counts = np.bincount(codes, minlength=len(uniq))
    base = np.minimum(counts, min_per_label)
    if base.sum() > max_points:  # too many labels for the floor: plain random sample
        return np.sort(rng.choice(n, size=max_points, replace=False))
    spare = max_points - int(base.sum())
    extra = np.floor(spare * (counts - base) / max(int((counts - base).sum()), 1)).astype(int)
    quota = np.minimum(base + extra, counts)
    picked = []
    for j in range(len(uniq)):
        rows = np.flatnonzero(codes == j)
        picked.append(rng.choice(rows, size=int(quota[j]), replace=False))
    return np.sort(np.concatenate(picked))


def label_means(X: Any, labels: np.ndarray, order: list[str], *, chunk: int = 65_536) -> np.ndarray:
    """Exact mean vector of each label (rows of ``X``; chunked, so memmaps stream)."""
    pos = {lab: i for i, lab in enumerate(order)}
    codes = np.fromiter((pos.get(lab, -1) for lab in labels), dtype=np.int64, count=len(labels))
    k, d = len(order), int(np.shape(X)[1])
    sums = np.zeros((k, d), dtype=np.float64)
    counts = np.bincount(codes[codes >= 0], minlength=k).astype(np.float64)
    for start in range(0, len(codes), chunk):
        block = np.asarray(X[start : start + chunk], dtype=np.float32)
        c = codes[start : start + chunk]
        onehot = np.zeros((len(c), k), dtype=np.float32)
        ok = c >= 0
        onehot[np.flatnonzero(ok), c[ok]] = 1.0
        # (d × rows) @ (rows × k): one BLAS call per chunk (this orientation is the fast one)
        sums += (block.T @ onehot).T
    return sums / np.maximum(counts, 1)[:, None]


# --------------------------------------------------------------------------------- hover
def truncate_lines(text: str, *, max_lines: int = HOVER_LINES, width: int = HOVER_WIDTH) -> str:
    lines = (text or "").rstrip("\n").splitlines()
    out = [ln if len(ln) <= width else ln[: width - 1] + "…" for ln in lines[:max_lines]]
    if len(lines) > max_lines:
        out.append(f"… ({len(lines) - max_lines} more lines)")
    return "\n".join(out)


def _html_line(line: str) -> str:
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)].replace("\t", "    ")
    return "\u00a0" * len(indent) + html.escape(stripped, quote=False)


def hover_html(header: str, text: str, text_kind: str = "code") -> str:
    """Header in bold, then the text escaped for HTML: ``<br>`` line breaks,
    indentation kept, at most :data:`HOVER_LINES` lines; diffs coloured."""
    parts = [f"<b>{html.escape(header, quote=False)}</b>"] if header else []
    body = truncate_lines(text)
    for line in body.splitlines():
        esc = _html_line(line)
        if text_kind == "diff" and line.startswith("+") and not line.startswith("+++"):
            esc = f'<span style="color:#1a7f37">{esc}</span>'
        elif text_kind == "diff" and line.startswith("-") and not line.startswith("---"):
            esc = f'<span style="color:#cf222e">{esc}</span>'
        elif text_kind == "diff" and line.startswith("@@"):
            esc = f'<span style="color:#6f42c1">{esc}</span>'
        parts.append(esc)
    return "<br>".join(parts)


def search_key(label: str, header: str, text: str, *, limit: int = 600) -> str:
    """The lower-case text the HTML search box matches against."""
    return f"{label} {header} {(text or '')[:limit]}".lower()


__all__ = [
    "DEFAULT_MAX_POINTS",
    "DEFAULT_MAX_LABELS",
    "HOVER_LINES",
    "OTHER",
    "FAILURE",
    "Scene",
    "as_labels",
    "pool_labels",
    "palette",
    "sample_rows",
    "label_means",
    "hover_html",
    "truncate_lines",
    "search_key",
]
