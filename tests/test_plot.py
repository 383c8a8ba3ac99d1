"""Plots: reducers, scenes, static and interactive rendering, CLI, and a real headless browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from embedmotion.errors import NotFittedError, UsageError
from embedmotion.geometry import Direction
from embedmotion.plot import (
    DirectionAxes,
    PCAReducer,
    UMAPReducer,
    plot_arrows,
    plot_edit_failures,
    plot_edit_scores,
    plot_edits,
    plot_failures,
    plot_points,
    plot_scores,
    reducer_from_spec,
    sample_rows,
)
from embedmotion.plot.interactive import to_plotly, write_html
from embedmotion.plot.scene import HOVER_LINES, label_means

CHROMIUM = "/usr/bin/chromium"


# ---------------------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def blobs() -> tuple[np.ndarray, np.ndarray]:
    """300 seeded points in 16-D, three labels, label 'a' shifted."""
    rng = np.random.default_rng(7)
    labels = np.array(["a", "b", "c"])[rng.integers(0, 3, 300)]
    X = rng.normal(size=(300, 16)).astype(np.float32)
    X[labels == "a", 0] += 4.0
    X[labels == "b", 1] += 2.0
    return X, labels


def _code(i: int) -> str:
    body = "\n".join(f"    x{k} = x{k - 1} + 1  # line {k}" for k in range(1, 40))
    return f"def f{i}(a, b):\n    if a < b and b > 0 & 1:\n{body}\n    return x39\n"


def _legend(fig) -> list[str]:
    leg = fig.axes[0].get_legend()
    return [t.get_text() for t in leg.get_texts()]


# ------------------------------------------------------------------------------ reducers
def test_pca_reducer_is_an_estimator(blobs) -> None:
    X, _ = blobs
    r = PCAReducer(random_state=0)
    with pytest.raises(NotFittedError):
        r.transform(X)
    a = r.fit_transform(X)
    b = PCAReducer(random_state=0).fit(X).transform(X)
    assert a.shape == (300, 2) and np.allclose(a, b)
    assert r.components_.shape == (2, 16) and r.explained_variance_ratio_[0] > 0.2
    # the shifted coordinate dominates PC1
    assert abs(r.components_[0, 0]) > 0.9
    assert "variance" in r.axis_names()[0]
    with pytest.raises(UsageError, match="16-dimensional"):
        r.transform(X[:, :8])
    with pytest.raises(UsageError, match="NaN"):
        PCAReducer().fit(np.full((5, 3), np.nan))


def test_umap_is_reproducible_with_random_state(blobs) -> None:
    X, labels = blobs
    Xs = X[:150]
    a = UMAPReducer(n_neighbors=10, n_epochs=30, random_state=3).fit_transform(Xs)
    b = UMAPReducer(n_neighbors=10, n_epochs=30, random_state=3).fit_transform(Xs)
    c = UMAPReducer(n_neighbors=10, n_epochs=30, random_state=4).fit_transform(Xs)
    assert a.shape == (150, 2)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)
    # the shifted label stays apart from the others
    la = labels[:150] == "a"
    ca, co = a[la].mean(axis=0), a[~la].mean(axis=0)
    spread = np.linalg.norm(a - a.mean(axis=0), axis=1).mean()
    assert np.linalg.norm(ca - co) > 0.5 * spread
    with pytest.raises(UsageError, match="at least 4 points"):
        UMAPReducer().fit(X[:3])


def test_direction_axes_are_projections(blobs) -> None:
    X, _ = blobs
    rng = np.random.default_rng(1)
    va, vb = rng.normal(size=16), rng.normal(size=16)
    da, db = Direction.from_vector(va, name="alpha"), Direction.from_vector(vb, name="beta")
    xy = DirectionAxes(da, db).fit(X).transform(X)
    assert np.allclose(xy[:, 0], X @ (va / np.linalg.norm(va)), atol=1e-4)
    assert np.allclose(xy[:, 1], X @ (vb / np.linalg.norm(vb)), atol=1e-4)
    # one direction: y is the top principal axis of what is left, orthogonal to x
    axes = DirectionAxes(da).fit(X)
    xy1 = axes.transform(X)
    a_unit = va / np.linalg.norm(va)
    assert np.allclose(xy1[:, 0], X @ a_unit, atol=1e-4)
    assert abs(float(axes.axes_[1] @ a_unit)) < 1e-6
    R = X - np.outer(X @ a_unit, a_unit)
    var_y = np.var(R @ axes.axes_[1])
    for _ in range(20):  # no random direction orthogonal to a explains more of the rest
        v = rng.normal(size=16)
        v -= (v @ a_unit) * a_unit
        assert np.var(R @ (v / np.linalg.norm(v))) <= var_y + 1e-6
    assert axes.axis_names()[0] == "projection on alpha"
    # by spec, with a resolver
    known = {"alpha": da, "beta": db}
    red = reducer_from_spec("direction:alpha,beta", get_direction=lambda n: known[n])
    assert np.allclose(red.fit_transform(X), xy, atol=1e-5)
    with pytest.raises(UsageError, match="one or two directions"):
        reducer_from_spec("direction:", get_direction=lambda n: known[n])
    with pytest.raises(UsageError, match="'reducer' parameter must be one of"):
        reducer_from_spec("tsne")


# -------------------------------------------------------------------------------- points
def test_points_static_and_interactive(blobs) -> None:
    X, labels = blobs
    codes = [_code(i) for i in range(300)]
    scene = plot_points(
        X,
        labels,
        headers=[f"f{i}" for i in range(300)],
        texts=codes,
        reducer="pca",
        title="Blobs",
        model="sentence-transformers/all-MiniLM-L6-v2",
    )
    counts = {k: int((labels == k).sum()) for k in "abc"}
    assert scene.counts == counts and scene.n_shown == 300
    fig = scene.to_matplotlib()
    assert fig.get_suptitle() == "Blobs"
    sub = fig.axes[0].get_title()
    assert "all-MiniLM-L6-v2" in sub and "PCA" in sub
    legend = _legend(fig)
    assert {f"{k} ({counts[k]})" for k in "abc"} <= set(legend) and "mean of a label" in legend
    by_gid = {c.get_gid(): c for c in fig.axes[0].collections}
    assert {k: np.asarray(by_gid[f"points:{k}"].get_offsets()).shape[0] for k in "abc"} == counts
    assert np.asarray(by_gid["means"].get_offsets()).shape[0] == 3
    # exact means: PCA is linear, so the star is the mean of the label's points
    for _, r in scene.means.iterrows():
        pts = scene.points[scene.points["label"] == r["label"]]
        assert np.allclose([r["x"], r["y"]], [pts["x"].mean(), pts["y"].mean()], atol=1e-4)

    pfig = to_plotly(scene)
    pts = [t for t in pfig.data if t.meta and t.meta.get("role") == "points"]
    assert sorted(t.meta["label"] for t in pts) == ["a", "b", "c"]
    assert sum(len(t.x) for t in pts) == 300
    hov = pts[0].hovertext[0]
    assert hov.startswith("<b>f") and "<br>" in hov
    assert "&lt; b and b &gt; 0 &amp; 1" in hov  # escaped, not interpreted
    assert hov.count("<br>") == HOVER_LINES + 1  # header + 25 lines + "... more lines"
    assert "more lines" in hov and "\u00a0\u00a0\u00a0\u00a0x1 =" in hov  # indentation kept
    assert all(k.startswith(t.meta["label"]) for t in pts for k in t.customdata)
    png = scene._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_is_self_contained(tmp_path: Path, blobs) -> None:
    X, labels = blobs
    scene = plot_points(X, labels, texts=["<script>alert(1)</script>"] * 300, reducer="pca")
    path = write_html(scene, tmp_path / "p.html")
    text = path.read_text(encoding="utf-8")
    assert len(text) > 1_000_000  # plotly.js is inline
    head = text[: text.index("<body>")]
    assert "<title>Points</title>" in head
    # nothing loaded from elsewhere: no external script/link/img/iframe, no CSS url()/@import
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=", text)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", text)
    # the only URLs are inside plotly.js's own code (e.g. the topojson default, used only
    # by map traces); our page — figure JSON, config, filter script — names none
    scripts = [(m.start(), m.end()) for m in re.finditer(r"<script[^>]*>.*?</script>", text, re.S)]
    start, end = max(scripts, key=lambda b: b[1] - b[0])
    assert "plotly.js" in text[start : start + 200]
    ours = text[:start] + text[end:]
    assert re.findall(r"https?://", ours) == []
    assert "MathJax.js" not in ours and "mathjax" not in ours.replace("MathJaxConfig", "").lower()
    assert '"displaylogo": false' in text and "embedmotion-filter" in text
    assert "<script>alert(1)</script>" not in text  # hover code is escaped
    with pytest.raises(UsageError, match="must be a file name ending in one of"):
        scene.save(tmp_path / "p.jpg")


# ---------------------------------------------------------------------------------- edits
def test_edit_space_and_arrows(curated_space) -> None:
    space = curated_space
    scene = plot_edits(space, by="label", reducer="pca")
    cats = sorted(set(space.labels()))
    assert sorted(scene.labels) == cats and scene.n_shown == len(space)
    legend = _legend(scene.to_matplotlib())
    assert f"less-flaky ({int(space.has_label('less-flaky').sum())})" in legend
    diff_hover = to_plotly(scene).data[0].hovertext[0]
    assert '<span style="color:#1a7f37">+' in diff_hover or "color:#cf222e" in diff_hover

    arrows = plot_arrows(space, max_arrows=60, reducer="pca")
    assert 0 < arrows.n_shown <= 60 and len(arrows.arrows) == arrows.n_shown
    assert set(arrows.arrows["label"]) == set(cats)  # stratified: every label keeps arrows
    fig = arrows.to_matplotlib()
    ax = fig.axes[0]
    quivers = {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("arrows:")}
    assert sum(getattr(q, "N", 0) for q in quivers.values()) == arrows.n_shown
    means = [t for t in ax.texts if (t.get_gid() or "").startswith("mean-arrow:")]
    assert len(means) == len(cats)
    assert "mean arrow of a label (bold)" in _legend(fig)
    # mean arrows are exact over all edits of a label (PCA is linear)
    red = PCAReducer(random_state=0).fit(
        np.vstack([space.arrays["edit_hunk_before"], space.arrays["edit_hunk_after"]])[
            np.r_[arrows.meta["sample"], arrows.meta["sample"] + len(space)]
        ]
    )
    mask = space.has_label("less-flaky") & (
        np.linalg.norm(space.arrays["edit_hunk_before"], axis=1) > 0
    )
    start = red.transform(space.arrays["edit_hunk_before"][mask]).mean(axis=0)
    row = arrows.mean_arrows.set_index("label").loc["less-flaky"]
    assert np.allclose([row["x0"], row["y0"]], start, atol=1e-4)

    pfig = to_plotly(arrows)
    heads = [t for t in pfig.data if t.meta and t.meta.get("role") == "arrows"]
    assert sum(sum(1 for k in t.customdata if k) for t in heads) == arrows.n_shown
    assert all(t.marker.symbol == "arrow" for t in heads)
    assert len([t for t in pfig.data if t.meta and t.meta.get("role") == "mean-arrow"]) == len(cats)

    # the plane of the edits, and the direction view: less-flaky edits point right
    d = Direction(method="contrast").fit(space, label="less-flaky")
    view = plot_arrows(space, reducer=DirectionAxes(d), max_arrows=60)
    lf = view.mean_arrows.set_index("label").loc["less-flaky"]
    assert lf["x1"] - lf["x0"] > 0.05
    assert plot_arrows(space, fit_on="edits", max_arrows=30).n_shown <= 30
    with pytest.raises(UsageError, match="linear reducer"):
        plot_arrows(space, fit_on="edits", reducer=UMAPReducer())
    with pytest.raises(UsageError, match="has none"):
        plot_arrows(space, representation="diff")


# ------------------------------------------------------------------------------ failures
def test_failures_beside_blamed_fragments(blobs) -> None:
    X, labels = blobs
    rng = np.random.default_rng(2)
    G = rng.normal(size=(10, 16)).astype(np.float32)
    blame = [0, 1, 2, None, 4, 5, -1, 7, 8, 9]
    scene = plot_failures(
        X, G, blame=blame, fragment_labels=labels, failure_texts=["E assert 1 == 2"] * 10
    )
    assert scene.counts["failure"] == 10 and len(scene.links) == 8
    fails = scene.points[scene.points["role"] == "failure"]
    frags = scene.points[scene.points["role"] == "point"].reset_index(drop=True)
    first = scene.links.iloc[0]
    assert np.allclose([first["x0"], first["y0"]], fails[["x", "y"]].iloc[0])
    assert np.allclose([first["x1"], first["y1"]], frags[["x", "y"]].iloc[0])
    fig = scene.to_matplotlib()
    assert "failure (10)" in _legend(fig) and "blamed fragment" in _legend(fig)
    gids = {c.get_gid() for c in fig.axes[0].collections}
    assert {"failures", "links", "points:a"} <= gids
    with pytest.raises(UsageError, match="past the last fragment"):
        plot_failures(X[:5], G, blame=[9] * 10)


def test_curated_edit_failures(curated_space) -> None:
    space = curated_space
    has = space.frame["failure"].fillna("").str.strip().to_numpy() != ""
    keep = np.zeros(len(space), dtype=bool)
    keep[np.flatnonzero(has)[:12]] = True
    keep[np.flatnonzero(~has)[:20]] = True
    scene = plot_edit_failures(space.subset(keep))
    assert scene.counts["failure"] == 12 and len(scene.links) == 12
    hov = to_plotly(scene)
    fail_trace = next(t for t in hov.data if t.meta and t.meta.get("role") == "failures")
    assert len(fail_trace.x) == 12 and fail_trace.hovertext[0].startswith("<b>failure")


# -------------------------------------------------------------------------------- scores
def test_score_histograms(curated_space) -> None:
    d = Direction(method="contrast").fit(curated_space, label="less-flaky")
    scene = plot_edit_scores(
        curated_space, d, one_vs_rest="less-flaky", threshold=d.threshold_, name="less-flaky"
    )
    assert scene.labels == ["other edits", "less-flaky"] or set(scene.labels) == {
        "other edits",
        "less-flaky",
    }
    bins = scene.meta["bins"]
    assert bins.groupby("label")["count"].sum().to_dict() == scene.counts
    m = scene.means.set_index("label")["x"]
    assert m["less-flaky"] > m["other edits"]  # in-sample, so this must hold
    fig = scene.to_matplotlib()
    legend = _legend(fig)
    assert any(t.startswith("less-flaky (") and "mean +" in t for t in legend)
    assert any(t.startswith("threshold") for t in legend)
    pfig = to_plotly(scene)
    assert sum(t.type == "bar" for t in pfig.data) == 2
    rug = [t for t in pfig.data if t.meta and t.meta.get("role") == "rug"]
    assert sum(len(t.x) for t in rug) == len(curated_space)
    with pytest.raises(UsageError, match="finite scores"):
        plot_scores([np.nan], ["a"])


# ---------------------------------------------------------------------------- large input
def test_large_inputs_are_sampled_but_counts_and_means_exact() -> None:
    rng = np.random.default_rng(0)
    n = 200_000
    labels = rng.choice(
        np.array(["x", "y", "z", "w"], dtype=object), size=n, p=[0.6, 0.3, 0.09, 0.01]
    )
    labels[:3] = "rare"
    X = rng.normal(size=(n, 24)).astype(np.float32)
    X[labels == "y", 2] += 3
    t0 = time.perf_counter()
    scene = plot_points(X, labels, reducer="pca", max_points=5_000, random_state=1)
    elapsed = time.perf_counter() - t0
    assert scene.n_total == n and scene.n_shown <= 5_000
    assert len(scene.points) == scene.n_shown
    assert scene.counts == {k: int((labels == k).sum()) for k in set(labels)}
    assert (scene.points["label"] == "rare").sum() == 3  # every label keeps its points
    # means come from all 200k rows, not from the sample
    red = PCAReducer(random_state=1).fit(X[scene.meta["sample"]])
    exact = red.transform(label_means(X, labels, scene.labels).astype(np.float32))
    assert np.allclose(scene.means[["x", "y"]].to_numpy(), exact, atol=1e-4)
    assert elapsed < 30, elapsed
    again = plot_points(X, labels, reducer="pca", max_points=5_000, random_state=1)
    assert np.array_equal(again.meta["sample"], scene.meta["sample"])
    for m in (1, 7, 100, 4_999):
        idx = sample_rows(labels, m, random_state=0)
        assert len(idx) <= m and len(np.unique(idx)) == len(idx)


# ------------------------------------------------------------------------------------ CLI
@pytest.fixture()
def cli(monkeypatch, cache_dir: Path, tmp_path: Path):
    from typer.testing import CliRunner

    import embedmotion.cli_plot  # noqa: F401  (registers `plot`)
    from embedmotion.cli import app

    monkeypatch.setenv("EMBEDMOTION_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("EMBEDMOTION_DIRECTIONS", str(tmp_path / "directions"))
    monkeypatch.delenv("EMBEDMOTION_CORPUS", raising=False)
    monkeypatch.delenv("EMBEDMOTION_MODEL", raising=False)
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        r = runner.invoke(app, list(args))
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        return r.exit_code, r.stdout, r.stderr

    return run


def test_cli_writes_png_svg_html(cli, tmp_path: Path, sample_tree: Path) -> None:
    png, svg, html = tmp_path / "e.png", tmp_path / "a.svg", tmp_path / "s.html"
    code, out, err = cli(
        "plot", "--curated", "--what", "edits", "--reducer", "pca", "--out", str(png)
    )
    assert code == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "Wrote" in out
    code, out, err = cli(
        "plot", "--curated", "--what", "arrows", "--max-arrows", "40", "--out", str(svg), "--json"
    )
    assert code == 0, err
    info = json.loads(out)
    assert info["shown"] <= 40 and svg.read_text().lstrip().startswith("<?xml")
    code, out, err = cli(
        "plot", "--curated", "--what", "scores", "--direction", "less-flaky", "--out", str(html)
    )
    assert code == 0, err
    assert "Plotly.newPlot" in html.read_text(encoding="utf-8")
    # an indexed corpus: fragments by language, and test scores by kind
    corpus = tmp_path / "c"
    assert cli("index", str(sample_tree), "--corpus", str(corpus), "--quiet")[0] == 0
    frag = tmp_path / "f.png"
    code, out, err = cli(
        "plot", "--corpus", str(corpus), "--what", "fragments", "--by", "language",
        "--reducer", "pca", "--out", str(frag), "--json",
    )  # fmt: skip
    assert code == 0, err
    assert set(json.loads(out)["labels"]) == {"python", "javascript", "go"}
    code, out, err = cli(
        "plot", "--corpus", str(corpus), "--what", "scores", "--direction", "less-flaky",
        "--by", "kind", "--out", str(tmp_path / "k.png"),
    )  # fmt: skip
    assert code == 0, err
    # usage errors: exit 2, a message, no traceback
    code, out, err = cli("plot", "--curated", "--out", str(tmp_path / "x.jpg"))
    assert code == 2 and "must end in one of" in err and "Traceback" not in err + out
    code, out, err = cli("plot", "--curated", "--what", "scores", "--out", str(png))
    assert code == 2 and "--direction" in err
    code, out, err = cli("plot", "--curated", "--reducer", "tsne", "--out", str(png))
    assert code == 2 and "'reducer' parameter" in err


# ------------------------------------------------------------------------ headless browser
def _chromium(url: str, work: Path, *extra: str) -> tuple[str, str, list[str]]:
    """Run headless chromium on ``url`` offline; return stdout, stderr and the URLs the
    page itself asked the network for (net log; browser-internal requests excluded)."""
    netlog = work / f"net-{len(list(work.iterdir()))}.json"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={work / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={netlog}",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,900",
        "--virtual-time-budget=5000",
        *extra,
        url,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    page_urls = []
    for ev in log["events"]:
        p = ev.get("params") or {}
        # requests made by a page carry its origin ("null" for file://); the browser's
        # own background traffic (updates, sign-in) says "not an origin"
        if (
            names.get(ev["type"]) == "URL_REQUEST_START_JOB"
            and "url" in p
            and p.get("initiator") != "not an origin"
        ):
            page_urls.append(str(p.get("url")))
    return proc.stdout, proc.stderr, page_urls


@pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"{CHROMIUM} is not installed (apt-get install -y chromium) — headless render test skipped",
)
def test_html_renders_offline_in_headless_chromium(tmp_path: Path, blobs) -> None:
    from PIL import Image

    X, labels = blobs
    texts = [("time.sleep(1)\n" if i % 10 == 0 else "") + _code(i) for i in range(300)]
    scene = plot_points(
        X, labels, headers=[f"f{i}" for i in range(300)], texts=texts, reducer="pca"
    )
    page = write_html(scene, tmp_path / "plot.html")
    expected = sum("time.sleep" in t for t in texts)
    work = tmp_path / "chromium"
    work.mkdir()

    dom, log, requests = _chromium(page.as_uri() + "#filter=time.sleep", work, "--dump-dom")
    assert 'data-embedmotion-ready="1"' in dom  # our script ran after Plotly.newPlot
    assert f"{expected} of 300 items match" in dom  # the filter box works
    assert "main-svg" in dom  # plotly drew its SVG
    assert not [ln for ln in log.splitlines() if ":CONSOLE" in ln], log[-3000:]
    assert requests == [], requests

    shot = tmp_path / "shot.png"
    _, _, requests = _chromium(page.as_uri(), work, f"--screenshot={shot}")
    assert requests == []
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
    assert pixels.shape[0] > 500 and pixels.std() > 10.0  # not a blank page

    # the detector itself: a page that loads things from the network is caught
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><body><img src="https://example.com/x.png">'
        "<script>undefinedFunction()</script></body></html>",
        encoding="utf-8",
    )
    _, log, requests = _chromium(bad.as_uri(), work, "--dump-dom")
    assert requests == ["https://example.com/x.png"]
    assert any(":CONSOLE" in ln and "undefinedFunction" in ln for ln in log.splitlines())
    shutil.rmtree(work, ignore_errors=True)
