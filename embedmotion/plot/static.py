"""Static rendering of a :class:`~embedmotion.plot.scene.Scene` with matplotlib.

Figures are built with ``matplotlib.figure.Figure`` directly — no pyplot, no
global state, no display needed — and written through the Agg (PNG), SVG or
PDF canvases.  Every artist carries a ``gid`` so tests and callers can find
it: ``points:<label>``, ``failures``, ``links``, ``arrows:<label>``,
``mean-arrow:<label>`` (annotations, in ``ax.texts``), ``means``, ``hist:<label>``, ``rug:<label>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UsageError
from .scene import FAILURE, Scene

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DEFAULT_FIGSIZE = (10.0, 7.0)


def _marker_size(n: int) -> float:
    return float(np.clip(2400.0 / np.sqrt(max(n, 1)), 3.0, 40.0))


def _legend(ax: Axes, handles: list[Any], title: str) -> None:
    if not handles:
        return
    ax.legend(
        handles=handles,
        title=title or None,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=9,
        title_fontsize=10,
        borderaxespad=0.0,
    )


def _titles(fig: Figure, ax: Axes, scene: Scene) -> None:
    fig.suptitle(scene.title, fontsize=13, fontweight="bold")
    if scene.subtitle:
        ax.set_title(scene.subtitle, fontsize=9, color="0.3")
    ax.set_xlabel(scene.x_label)
    ax.set_ylabel(scene.y_label)


def _scatter(fig: Figure, scene: Scene) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    ax = fig.add_subplot()
    _titles(fig, ax, scene)
    handles: list[Any] = []
    pts = scene.points
    regular = pts[pts["role"] != "failure"]
    size = _marker_size(len(regular))
    alpha = 0.85 if len(regular) < 2000 else 0.5
    arrows = scene.arrows
    for lab in scene.labels:
        color = scene.colors.get(lab, "#333333")
        text = f"{lab} ({scene.counts.get(lab, 0):,})"
        if lab == FAILURE:
            continue
        sub = regular[regular["label"] == lab]
        if len(sub):
            ax.scatter(
                sub["x"],
                sub["y"],
                s=size,
                c=color,
                alpha=alpha,
                linewidths=0,
                gid=f"points:{lab}",
                zorder=2,
            )
        sub_a = arrows[arrows["label"] == lab]
        if len(sub_a):
            ax.quiver(
                sub_a["x0"],
                sub_a["y0"],
                sub_a["x1"] - sub_a["x0"],
                sub_a["y1"] - sub_a["y0"],
                angles="xy",
                scale_units="xy",
                scale=1,
                color=color,
                alpha=0.55,
                width=0.0022,
                headwidth=4,
                headlength=5,
                gid=f"arrows:{lab}",
                zorder=2,
            )
            ax.update_datalim(np.c_[sub_a["x1"], sub_a["y1"]])
        if len(sub) or len(sub_a):
            handles.append(
                Line2D(
                    [],
                    [],
                    color=color,
                    marker="o" if len(sub) else None,
                    linestyle="none" if len(sub) else "-",
                    linewidth=2,
                    markersize=7,
                    label=text,
                )
            )
    links = scene.links
    if len(links):
        segs = np.stack([np.c_[links["x0"], links["y0"]], np.c_[links["x1"], links["y1"]]], axis=1)
        ax.add_collection(
            LineCollection(
                list(segs),
                colors="0.35",
                linestyles="dashed",
                linewidths=0.8,
                gid="links",
                zorder=1,
            )
        )
        handles.append(Line2D([], [], color="0.35", linestyle="--", label="blamed fragment"))
    fails = pts[pts["role"] == "failure"]
    if len(fails):
        ax.scatter(
            fails["x"],
            fails["y"],
            s=max(size * 1.6, 30),
            c=scene.colors.get(FAILURE, "#111111"),
            marker="X",
            linewidths=0,
            gid="failures",
            zorder=3,
        )
        handles.append(
            Line2D(
                [],
                [],
                color=scene.colors.get(FAILURE, "#111111"),
                marker="X",
                linestyle="none",
                markersize=8,
                label=f"{FAILURE} ({scene.counts.get(FAILURE, len(fails)):,})",
            )
        )
    ma = scene.mean_arrows
    if len(ma):
        from matplotlib import patheffects

        for _, r in ma.iterrows():
            ann = ax.annotate(
                "",
                xy=(float(r["x1"]), float(r["y1"])),
                xytext=(float(r["x0"]), float(r["y0"])),
                arrowprops={
                    "arrowstyle": "-|>,head_length=0.8,head_width=0.4",
                    "color": scene.colors.get(str(r["label"]), "#333333"),
                    "linewidth": 3.2,
                    "shrinkA": 0,
                    "shrinkB": 0,
                    "mutation_scale": 10,
                },
                zorder=4,
            )
            ann.set_gid(f"mean-arrow:{r['label']}")
            if ann.arrow_patch is not None:
                ann.arrow_patch.set_path_effects(
                    [patheffects.withStroke(linewidth=5.0, foreground="black")]
                )
        ax.update_datalim(np.c_[ma["x1"], ma["y1"]])
        ax.update_datalim(np.c_[ma["x0"], ma["y0"]])
        handles.append(
            Line2D([], [], color="0.2", linewidth=4, label="mean arrow of a label (bold)")
        )
    means = scene.means
    if len(means):
        ax.scatter(
            means["x"],
            means["y"],
            s=220,
            c=[scene.colors.get(lab, "#333333") for lab in means["label"]],
            marker="*",
            edgecolors="black",
            linewidths=0.9,
            gid="means",
            zorder=5,
        )
        handles.append(
            Line2D(
                [],
                [],
                color="0.6",
                marker="*",
                markeredgecolor="black",
                markersize=13,
                linestyle="none",
                label="mean of a label",
            )
        )
    ax.autoscale_view()
    ax.grid(True, color="0.92", zorder=0)
    _legend(ax, handles, scene.legend_title)


def _histogram(fig: Figure, scene: Scene) -> None:
    from matplotlib.lines import Line2D

    ax, rug = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    _titles(fig, ax, scene)
    ax.set_xlabel("")
    rug.set_xlabel(scene.x_label)
    bins = scene.meta["bins"]
    handles: list[Any] = []
    vals = scene.values
    mean_of = {str(k): float(v) for k, v in zip(scene.means["label"], scene.means["x"])}
    for k, lab in enumerate(scene.labels):
        color = scene.colors.get(lab, "#333333")
        b = bins[bins["label"] == lab]
        edges = np.r_[b["left"].to_numpy(), b["right"].to_numpy()[-1:]]
        ax.stairs(b["density"], edges, color=color, linewidth=1.8, gid=f"hist:{lab}")
        ax.stairs(b["density"], edges, color=color, alpha=0.15, fill=True)
        text = f"{lab} ({scene.counts.get(lab, 0):,})"
        if lab in mean_of:
            m = mean_of[lab]
            ax.axvline(m, color=color, linestyle="--", linewidth=1.0)
            text += f", mean {m:+.3f}"
        handles.append(Line2D([], [], color=color, linewidth=2, label=text))
        sub = vals[vals["label"] == lab]
        rug.scatter(
            sub["value"],
            np.full(len(sub), k),
            marker="|",
            s=60,
            c=color,
            alpha=0.6,
            gid=f"rug:{lab}",
        )
    thr = scene.meta.get("threshold")
    if thr is not None:
        for a in (ax, rug):
            a.axvline(float(thr), color="black", linestyle=":", linewidth=1.2)
        handles.append(Line2D([], [], color="black", linestyle=":", label=f"threshold {thr:+.3f}"))
    rug.set_yticks(range(len(scene.labels)), scene.labels, fontsize=8)
    rug.set_ylim(-0.7, len(scene.labels) - 0.3)
    rug.invert_yaxis()
    ax.set_ylabel(scene.y_label)
    ax.grid(True, color="0.92")
    _legend(ax, handles, scene.legend_title)


def to_matplotlib(scene: Scene, *, figsize: tuple[float, float] | None = None) -> Figure:
    """Draw ``scene`` on a new matplotlib Figure (title, subtitle, axes names, legend)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise UsageError(
            f"Static plots need matplotlib, which cannot be imported ({exc}).",
            fix="Install the plot extra: pip install 'embedmotion[plot]' (or pip install matplotlib).",
        ) from exc

    fig = Figure(figsize=figsize or DEFAULT_FIGSIZE, layout="constrained")
    if scene.kind == "histogram":
        _histogram(fig, scene)
    else:
        _scatter(fig, scene)
    return fig


__all__ = ["to_matplotlib", "DEFAULT_FIGSIZE"]
