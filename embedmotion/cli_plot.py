"""CLI command ``embedmotion plot``: a thin shell over :mod:`embedmotion.plot`.

Registered on the shared typer ``app`` (importing this module adds the command)::

    embedmotion plot --curated --what edits --by label --out edit-space.html
    embedmotion plot --curated --what arrows --reducer direction:less-flaky --out arrows.png
    embedmotion plot --curated --what scores --direction less-flaky --out scores.svg
    embedmotion plot --corpus DIR --what fragments --by language --out fragments.png
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .cli import CorpusOpt, JsonOpt, ModelOpt, app, corpus_path, emit_json, fail, handle_errors, out

WHATS = ("fragments", "edits", "arrows", "failures", "scores")
DEFAULT_REDUCER = {
    "fragments": "umap",
    "edits": "umap",
    "arrows": "pca",
    "failures": "pca",
    "scores": "",
}


def _curated_fragments(space: Any) -> tuple[Any, Any]:
    """Both sides of the curated edits as a fragment table (+ a label and side column)."""
    import numpy as np
    import pandas as pd

    f = space.frame
    labels = space.labels()
    rows, vecs = [], []
    for side in ("before", "after"):
        arr = np.asarray(space.arrays[f"edit_{side}"])
        for i in range(len(f)):
            if float(np.linalg.norm(arr[i])) == 0:
                continue
            rows.append(
                {
                    "language": f[f"{side}_language"].iat[i] or f["language"].iat[i],
                    "kind": f[f"{side}_kind"].iat[i],
                    "name": f[f"{side}_name"].iat[i],
                    "path": f[f"{side}_path"].iat[i],
                    "start_line": f[f"{side}_start_line"].iat[i],
                    "text": f[f"{side}_text"].iat[i],
                    "label": labels[i],
                    "side": side,
                }
            )
            vecs.append(arr[i])
    return pd.DataFrame(rows), np.stack(vecs)


@app.command()
@handle_errors
def plot(
    out_file: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Output file: .png, .svg, .pdf (static) or .html (interactive)."
        ),
    ],
    what: Annotated[
        str,
        typer.Option(
            "--what",
            help="fragments | edits (edit vectors) | arrows (before → after) | failures "
            "(beside the fragments they blame) | scores (histogram along --direction).",
        ),
    ] = "edits",
    by: Annotated[
        str,
        typer.Option("--by", help="Colour by label | language | kind (or another table column)."),
    ] = "label",
    curated: Annotated[
        bool, typer.Option("--curated", help="Plot the curated corpus instead of --corpus.")
    ] = False,
    corpus: CorpusOpt = None,
    reducer: Annotated[
        str | None,
        typer.Option(
            "--reducer",
            help="umap | pca | direction:NAME[,NAME]. Default: umap for fragments/edits, "
            "pca for arrows/failures.",
        ),
    ] = None,
    representation: Annotated[
        str,
        typer.Option(
            "--representation", "-r", help="Edit vectors: hunk | fragment | diff | lexical."
        ),
    ] = "hunk",
    direction: Annotated[
        str | None, typer.Option("--direction", "-d", help="Direction name (for --what scores).")
    ] = None,
    max_points: Annotated[
        int, typer.Option(help="Above this many points the scatter shows a seeded sample.")
    ] = 20_000,
    max_arrows: Annotated[int, typer.Option(help="Arrows drawn (a seeded sample).")] = 400,
    random_state: Annotated[int, typer.Option("--seed", help="Seed for sampling and UMAP.")] = 0,
    title: Annotated[str | None, typer.Option(help="Override the plot title.")] = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Plot fragments, edits, arrows, failures or direction scores to PNG/SVG or offline HTML."""
    from .plot import (
        plot_arrows,
        plot_edit_failures,
        plot_edit_scores,
        plot_edits,
        plot_fragment_scores,
        plot_fragments,
    )
    from .plot.scene import SUFFIXES

    if what not in WHATS:
        fail(
            f"The 'what' parameter of plot must be one of {', '.join(WHATS)}. Got {what!r} instead."
        )
    if out_file.suffix.lower() not in SUFFIXES:
        fail(
            f"Cannot tell the format of {out_file}: the file name must end in one of "
            f"{', '.join(SUFFIXES)}."
        )
    if what == "scores" and not direction:
        fail("--what scores needs --direction NAME (see `embedmotion direction list`).")
    if curated and corpus is not None:
        fail("Give either --curated or --corpus, not both.")
    from .directions import curated_space, get_direction
    from .embedding import load_embedder
    from .geometry import EditSpace
    from .plot import reducer_from_spec

    embedder = load_embedder(model) if model else None
    red_spec = reducer or DEFAULT_REDUCER[what]
    red: Any = None
    if red_spec:
        red = reducer_from_spec(
            red_spec,
            random_state=random_state,
            get_direction=lambda n: get_direction(
                n, embedder=embedder, representation=representation
            ),
        )

    corp: Any = None
    space: Any = None
    if curated:
        space = curated_space(embedder=embedder, representation=representation)
    else:
        from .corpus import Corpus

        corp = Corpus.open(corpus_path(corpus), model=model)
        if what in ("edits", "arrows", "failures") or (what == "scores" and not len(corp)):
            space = EditSpace.from_corpus(corp, representation=representation)  # type: ignore[arg-type]

    common: dict[str, Any] = {"random_state": random_state}
    if what == "fragments":
        if space is not None:
            table, vecs = _curated_fragments(space)
            scene = plot_fragments(
                table,
                by=by,
                vectors=vecs,
                reducer=red,
                model=space.model_id,
                title=title or f"Curated fragments (both sides of {len(space):,} edits) by {by}",
                max_points=max_points,
                **common,
            )
        else:
            scene = plot_fragments(
                corp, by=by, reducer=red, title=title, max_points=max_points, **common
            )
    elif what == "edits":
        scene = plot_edits(
            space,
            by=by,
            representation=representation,
            reducer=red,
            title=title,
            max_points=max_points,
            **common,
        )
    elif what == "arrows":
        scene = plot_arrows(
            space,
            by=by,
            representation=representation,
            reducer=red,
            title=title,
            max_arrows=max_arrows,
            **common,
        )
    elif what == "failures":
        scene = plot_edit_failures(
            space, by=by, reducer=red, title=title, max_points=max_points, **common
        )
    else:
        assert direction is not None
        d = get_direction(direction, embedder=embedder, representation=representation)
        if space is not None:  # edit vectors projected on the direction
            vs = direction if by == "label" and space.has_label(direction).any() else None
            scene = plot_edit_scores(
                space,
                d,
                by=by,
                name=direction,
                one_vs_rest=vs,
                threshold=d.threshold_ or None,
                max_points=max_points,
                **common,
            )
        else:  # fragments of an indexed corpus: cosine with the direction
            scene = plot_fragment_scores(
                corp,
                d,
                by="kind" if by == "label" else by,
                name=direction,
                max_points=max_points,
                **common,
            )
        if title:
            scene.title = title
    path = scene.save(out_file)
    info = {
        "out": str(path),
        "what": what,
        "by": by,
        "reducer": scene.meta.get("reducer", ""),
        "shown": scene.n_shown,
        "total": scene.n_total,
        "labels": scene.labels,
    }
    if as_json:
        emit_json(info)
    else:
        out.print(
            f"Wrote {path} ({what} by {by}: {scene.n_shown:,} of {scene.n_total:,} shown"
            + (f", {info['reducer']}" if info["reducer"] else "")
            + ").",
            highlight=False,
        )
