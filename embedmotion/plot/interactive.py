"""Interactive rendering: one self-contained, offline HTML file per plot.

:func:`write_html` embeds plotly.js in the file (``include_plotlyjs=True``),
loads no MathJax, no fonts, no map data, no CDN script — the file opens from a
USB stick on a machine with no network.  In the page:

* hover a point or an arrow head to read its code (edits: the diff, ``+``
  lines green, ``-`` lines red), escaped, at most 25 lines;
* click legend entries to hide/show a label, double-click to isolate it;
* type in the *filter* box above the plot to highlight the points (arrow
  heads, failures, rug ticks) whose label, name or code contains the text: the
  others fade, and labels with no match fade whole; a link ending in
  ``#filter=TEXT`` opens with that filter applied;
* drag to zoom, double-click to reset, scroll to zoom.

:func:`to_plotly` returns the ``plotly.graph_objects.Figure`` itself, for
notebooks or further styling.  Traces holding points carry
``meta={"searchable": True}`` and a lower-case search key per point in
``customdata`` (arrows: on the head only, so each arrow counts once).
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .scene import FAILURE, Scene, hover_html, search_key

WEBGL_THRESHOLD = 5_000
PLOT_HEIGHT = 760
CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "scrollZoom": True,
    "responsive": True,
    "showSendToCloud": False,
    "toImageButtonOptions": {"format": "png", "filename": "embedmotion-plot", "scale": 2},
    "modeBarButtonsToRemove": ["sendDataToCloud"],
}

# Runs after Plotly.newPlot: adds the filter box above the plot.  "{plot_id}" is
# replaced by plotly with the div id.  Only DOM and Plotly.restyle: nothing is fetched.
SEARCH_JS = r"""
var gd = document.getElementById('{plot_id}');
var bar = document.createElement('div');
bar.style.cssText = 'font:14px sans-serif;margin:6px 0 2px 8px;';
var box = document.createElement('input');
box.type = 'search'; box.id = 'embedmotion-filter'; box.size = 48;
box.placeholder = 'filter: label, name or code (e.g. sleep)';
box.setAttribute('aria-label', 'filter points');
var info = document.createElement('span');
info.id = 'embedmotion-filter-count'; info.style.cssText = 'margin-left:10px;color:#555;';
bar.appendChild(document.createTextNode('Filter '));
bar.appendChild(box); bar.appendChild(info);
gd.parentNode.insertBefore(bar, gd);
function embedmotionFilter() {
  var q = box.value.trim().toLowerCase();
  var idx = [], sel = [], ops = [], hits = 0, all = 0;
  for (var i = 0; i < gd.data.length; i++) {
    var t = gd.data[i];
    if (!t.meta || t.meta.searchable !== true || !t.customdata) { continue; }
    idx.push(i);
    var s = [];
    for (var j = 0; j < t.customdata.length; j++) {
      var key = t.customdata[j];
      if (!key) { continue; }
      all += 1;
      if (q && String(key).indexOf(q) >= 0) { s.push(j); hits += 1; }
    }
    sel.push(q ? s : null);
    var base = (t.meta.opacity === undefined) ? 1 : t.meta.opacity;
    ops.push(q && !s.length ? 0.15 : base);
  }
  if (idx.length) { Plotly.restyle(gd, {selectedpoints: sel, opacity: ops}, idx); }
  info.textContent = q ? (hits + ' of ' + all + ' items match') : '';
}
box.addEventListener('input', embedmotionFilter);
var m = /[#&]filter=([^&]*)/.exec(window.location.hash);
if (m) { box.value = decodeURIComponent(m[1]); embedmotionFilter(); }
document.body.setAttribute('data-embedmotion-ready', '1');
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _title(scene: Scene) -> dict[str, Any]:
    sub = (
        f"<br><span style='font-size:12px;color:#555'>{_esc(scene.subtitle)}</span>"
        if scene.subtitle
        else ""
    )
    return {"text": f"<b>{_esc(scene.title)}</b>{sub}", "x": 0.01, "xanchor": "left"}


def _hover(df: pd.DataFrame) -> list[str]:
    return [
        hover_html(str(h), str(t), str(k))
        for h, t, k in zip(df["header"], df["text"], df["text_kind"])
    ]


def _keys(df: pd.DataFrame) -> list[str]:
    return [
        search_key(str(lab), str(h), str(t))
        for lab, h, t in zip(df["label"], df["header"], df["text"])
    ]


def _interleave(a: Any, b: Any, gap: Any = None) -> list[Any]:
    out: list[Any] = []
    for x, y in zip(a, b):
        out += [x, y, gap]
    return out


def _scatter_traces(scene: Scene) -> list[Any]:
    import plotly.graph_objects as go

    traces: list[Any] = []
    pts = scene.points
    regular = pts[pts["role"] != "failure"]
    big = len(regular) > WEBGL_THRESHOLD
    Scatter = go.Scattergl if big else go.Scatter
    size = float(np.clip(60.0 / np.sqrt(max(len(regular), 1)) * 3, 4, 10))
    links = scene.links
    if len(links):
        traces.append(
            go.Scatter(
                x=_interleave(links["x0"], links["x1"]),
                y=_interleave(links["y0"], links["y1"]),
                mode="lines",
                line={"color": "rgba(80,80,80,0.6)", "width": 1, "dash": "dash"},
                name="blamed fragment",
                legendgroup=FAILURE,
                hoverinfo="skip",
            )
        )
    for lab in scene.labels:
        if lab == FAILURE:
            continue
        color = scene.colors.get(lab, "#333333")
        name = f"{lab} ({scene.counts.get(lab, 0):,})"
        sub = regular[regular["label"] == lab]
        if len(sub):
            traces.append(
                Scatter(
                    x=sub["x"].tolist(),
                    y=sub["y"].tolist(),
                    mode="markers",
                    name=name,
                    legendgroup=lab,
                    marker={"color": color, "size": size, "opacity": 0.85},
                    hovertext=_hover(sub),
                    hovertemplate="%{hovertext}<extra></extra>",
                    customdata=_keys(sub),
                    meta={"searchable": True, "label": lab, "role": "points"},
                    unselected={"marker": {"opacity": 0.08}},
                )
            )
        arr = scene.arrows[scene.arrows["label"] == lab]
        if len(arr):
            hov = _hover(arr)
            keys = _keys(arr)
            traces.append(
                go.Scatter(
                    x=_interleave(arr["x0"], arr["x1"]),
                    y=_interleave(arr["y0"], arr["y1"]),
                    mode="lines+markers",
                    name=name,
                    legendgroup=lab,
                    showlegend=not len(sub),
                    line={"color": color, "width": 1.2},
                    opacity=0.7,
                    marker={
                        "symbol": "arrow",
                        "angleref": "previous",
                        "size": _interleave([0] * len(arr), [11] * len(arr), 0),
                        "color": color,
                    },
                    hovertext=_interleave(hov, hov),
                    hovertemplate="%{hovertext}<extra></extra>",
                    customdata=_interleave([""] * len(keys), keys, ""),
                    meta={"searchable": True, "label": lab, "role": "arrows", "opacity": 0.7},
                    unselected={"marker": {"opacity": 0.1}},
                )
            )
    for _, r in scene.mean_arrows.iterrows():
        lab = str(r["label"])
        traces.append(
            go.Scatter(
                x=[r["x0"], r["x1"]],
                y=[r["y0"], r["y1"]],
                mode="lines+markers",
                name=f"mean arrow: {lab}",
                legendgroup=lab,
                showlegend=False,
                line={"color": scene.colors.get(lab, "#333333"), "width": 5},
                marker={"symbol": "arrow", "angleref": "previous", "size": [0, 20]},
                hovertext=[f"<b>mean arrow of {_esc(lab)}</b><br>{int(r['n']):,} edits"] * 2,
                hovertemplate="%{hovertext}<extra></extra>",
                meta={"searchable": False, "label": lab, "role": "mean-arrow"},
            )
        )
    fails = pts[pts["role"] == "failure"]
    if len(fails):
        traces.append(
            go.Scatter(
                x=fails["x"].tolist(),
                y=fails["y"].tolist(),
                mode="markers",
                name=f"{FAILURE} ({scene.counts.get(FAILURE, len(fails)):,})",
                legendgroup=FAILURE,
                marker={
                    "symbol": "x",
                    "size": size + 3,
                    "color": scene.colors.get(FAILURE, "#111111"),
                },
                hovertext=_hover(fails),
                hovertemplate="%{hovertext}<extra></extra>",
                customdata=_keys(fails),
                meta={"searchable": True, "label": FAILURE, "role": "failures"},
                unselected={"marker": {"opacity": 0.08}},
            )
        )
    for _, r in scene.means.iterrows():
        lab = str(r["label"])
        traces.append(
            go.Scatter(
                x=[r["x"]],
                y=[r["y"]],
                mode="markers",
                name=f"mean: {lab}",
                legendgroup=lab,
                showlegend=False,
                marker={
                    "symbol": "star",
                    "size": 18,
                    "color": scene.colors.get(lab, "#333333"),
                    "line": {"color": "black", "width": 1},
                },
                hovertext=[f"<b>mean of {_esc(lab)}</b><br>{int(r['n']):,} rows"],
                hovertemplate="%{hovertext}<extra></extra>",
                meta={"searchable": False, "label": lab, "role": "mean"},
            )
        )
    return traces


def _histogram_figure(scene: Scene) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.78, 0.22], vertical_spacing=0.04
    )
    bins = scene.meta["bins"]
    mean_of = {str(k): float(v) for k, v in zip(scene.means["label"], scene.means["x"])}
    for lab in scene.labels:
        color = scene.colors.get(lab, "#333333")
        b = bins[bins["label"] == lab]
        name = f"{lab} ({scene.counts.get(lab, 0):,})"
        if lab in mean_of:
            name += f", mean {mean_of[lab]:+.3f}"
        fig.add_trace(
            go.Bar(
                x=((b["left"] + b["right"]) / 2).tolist(),
                y=b["density"].tolist(),
                width=(b["right"] - b["left"]).tolist(),
                name=name,
                legendgroup=lab,
                marker={"color": color},
                opacity=0.45,
                customdata=np.c_[b["left"], b["right"], b["count"]].tolist(),
                hovertemplate=f"<b>{_esc(lab)}</b><br>[%{{customdata[0]:.3f}}, "
                "%{customdata[1]:.3f}): %{customdata[2]} items<extra></extra>",
                meta={"searchable": False, "label": lab, "role": "histogram"},
            ),
            row=1,
            col=1,
        )
        sub = scene.values[scene.values["label"] == lab]
        fig.add_trace(
            go.Scatter(
                x=sub["value"].tolist(),
                y=[lab] * len(sub),
                mode="markers",
                name=f"items: {lab}",
                legendgroup=lab,
                showlegend=False,
                marker={"symbol": "line-ns-open", "size": 14, "color": color},
                hovertext=[f"score {v:+.3f}<br>{h}" for v, h in zip(sub["value"], _hover(sub))],
                hovertemplate="%{hovertext}<extra></extra>",
                customdata=_keys(sub),
                meta={"searchable": True, "label": lab, "role": "rug"},
                unselected={"marker": {"opacity": 0.1}},
            ),
            row=2,
            col=1,
        )
        if lab in mean_of:
            fig.add_vline(x=mean_of[lab], line={"color": color, "dash": "dash", "width": 1})
    thr = scene.meta.get("threshold")
    if thr is not None:
        fig.add_vline(x=float(thr), line={"color": "black", "dash": "dot", "width": 1.5})
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_yaxes(title_text=scene.y_label, row=1, col=1)
    fig.update_xaxes(title_text=scene.x_label, row=2, col=1)
    fig.update_yaxes(autorange="reversed", row=2, col=1)
    return fig


def to_plotly(scene: Scene) -> Any:
    """The scene as a ``plotly.graph_objects.Figure``."""
    try:
        import plotly.graph_objects as go
    except ImportError as exc:
        raise UsageError(
            f"Interactive plots need plotly, which cannot be imported ({exc}).",
            fix="Install the plot extra: pip install 'embedmotion[plot]' (or pip install plotly).",
        ) from exc

    if scene.kind == "histogram":
        fig = _histogram_figure(scene)
    else:
        fig = go.Figure(_scatter_traces(scene))
        fig.update_xaxes(title_text=scene.x_label)
        fig.update_yaxes(title_text=scene.y_label)
    fig.update_layout(
        title=_title(scene),
        template="plotly_white",
        height=PLOT_HEIGHT,
        hovermode="closest",
        dragmode="zoom",
        legend={"title": {"text": scene.legend_title}, "itemsizing": "constant"},
        hoverlabel={"align": "left", "font": {"family": "monospace", "size": 11}},
        margin={"t": 90, "l": 60, "r": 20, "b": 60},
    )
    return fig


def write_html(scene: Scene, path: str | os.PathLike[str]) -> Path:
    """Write ``scene`` as one self-contained offline HTML file (plotly.js inline)."""
    p = Path(path)
    fig = to_plotly(scene)
    text = fig.to_html(
        full_html=True,
        include_plotlyjs=True,
        include_mathjax=False,
        config=CONFIG,
        post_script=SEARCH_JS,
        default_height=f"{PLOT_HEIGHT + 40}px",
    )
    text = text.replace("<head>", f"<head><title>{_esc(scene.title)}</title>", 1)
    tmp = p.with_name(f".tmp-{p.name}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, p)
    return p


__all__ = ["to_plotly", "write_html", "CONFIG", "SEARCH_JS", "WEBGL_THRESHOLD"]
