"""CLI commands for edits and their geometry: mine, edits, direction, project, analogy, evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .cli import (
    CorpusOpt,
    JsonOpt,
    ModelOpt,
    app,
    corpus_path,
    emit_json,
    err,
    fail,
    handle_errors,
    out,
    progress_enabled,
)

direction_app = typer.Typer(
    help="Fit, list, show and remove named directions.", no_args_is_help=True
)
app.add_typer(direction_app, name="direction")

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Directory of saved directions. Default: $EMBEDMOTION_DIRECTIONS or "
        "./.embedmotion/directions.",
    ),
]


def _open_or_create(cpath: Path, model: str | None) -> Any:
    from .corpus import Corpus

    if (cpath / "manifest.json").exists():
        return Corpus.open(cpath, model=model)
    return Corpus.empty(cpath, model=model)


# ----------------------------------------------------------------------------------- mine
@app.command()
@handle_errors
def mine(
    repo: Annotated[Path | None, typer.Argument(help="A local git repository (any clone).")] = None,
    patch: Annotated[
        Path | None, typer.Option("--patch", help="Mine a unified diff / patch file.")
    ] = None,
    pair: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--pair", help="Mine two files or two directories: BEFORE AFTER."),
    ] = None,
    before_root: Annotated[
        Path | None, typer.Option(help="With --patch: the tree the patch applies to.")
    ] = None,
    rev: Annotated[
        str, typer.Option(help="Revision whose first-parent history is walked.")
    ] = "HEAD",
    since: Annotated[
        str | None, typer.Option(help="Only commits on/after this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Only commits before this date.")] = None,
    max_commits: Annotated[int | None, typer.Option(help="At most the newest N commits.")] = None,
    include_merges: Annotated[bool, typer.Option(help="Also diff merge commits.")] = False,
    label_rules: Annotated[
        Path | None,
        typer.Option(help="JSON/TOML {label: [regex, ...]} replacing the default keyword rules."),
    ] = None,
    embed: Annotated[
        bool, typer.Option(help="Embed edits while mining (--no-embed: later, on first use).")
    ] = True,
    checkpoint: Annotated[int, typer.Option(help="Save progress every N commits.")] = 200,
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Mine function-level edits from a git history, a patch, or a pair of files/dirs into a corpus.

    Re-running on the same repository resumes: commits already mined are skipped."""
    import pandas as pd

    from .labels import KeywordLabeller, load_rules
    from .mining import iter_commit_edits, mine_pair, mine_patch

    chosen = [x is not None for x in (repo, patch, pair)]
    if sum(chosen) != 1:
        fail("Give exactly one of REPO, --patch FILE or --pair BEFORE AFTER.")
    labeller = KeywordLabeller(load_rules(label_rules)) if label_rules else KeywordLabeller()
    cpath = corpus_path(corpus)
    c = _open_or_create(cpath, model)
    show = progress_enabled(quiet)
    if patch is not None or pair is not None:
        if patch is not None:
            res = mine_patch(patch, before_root=before_root, labeller=labeller)
        else:
            assert pair is not None
            res = mine_pair(pair[0], pair[1])
        n = c.add_edits(res.edits, embed=embed, show_progress_bar=show)
        summary = {
            "corpus": str(cpath),
            "edits_found": len(res.edits),
            "edits_new": n,
            "summary": res.summary(),
        }
        if as_json:
            emit_json(summary)
        else:
            out.print(f"{len(res.edits)} edits ({n} new) → {cpath}")
            err.print(res.summary(), highlight=False)
        raise typer.Exit(0 if res.edits else 1)

    assert repo is not None
    repo_key = str(repo.resolve())
    done_tbl = c.read_table("mined_commits")
    done = pd.DataFrame({"repo": [], "sha": []}) if done_tbl is None else done_tbl
    skip = set(done.loc[done["repo"] == repo_key, "sha"])
    pending: list[Any] = []
    new_shas: list[str] = []
    total_new = 0
    commits = 0
    from .mining import MiningResult

    report = MiningResult()

    def flush() -> None:
        nonlocal done, pending, new_shas, total_new
        if not new_shas:
            return
        done = pd.concat(
            [done, pd.DataFrame({"repo": [repo_key] * len(new_shas), "sha": new_shas})],
            ignore_index=True,
        )
        total_new += c.add_edits(
            pending, embed=embed, show_progress_bar=False, tables={"mined_commits": done}
        )
        pending, new_shas = [], []

    try:
        for sha, edits in iter_commit_edits(
            repo,
            rev=rev,
            since=since,
            until=until,
            max_commits=max_commits,
            include_merges=include_merges,
            labeller=labeller,
            show_progress_bar=show,
            skip_commits=skip,
            report=report,
        ):
            pending.extend(edits)
            new_shas.append(sha)
            commits += 1
            if commits % checkpoint == 0:
                flush()
    finally:
        flush()
    info = {
        "corpus": str(cpath),
        "repository": repo_key,
        "commits_mined": commits,
        "commits_already_done": len(skip),
        "edits_new": total_new,
        "edits_total": len(c.edits),
        "summary": report.summary(),
    }
    if as_json:
        emit_json(info)
    else:
        out.print(
            f"Mined {commits} new commits of {repo} ({len(skip)} already done): "
            f"{total_new} new edits, {len(c.edits)} in {cpath}."
        )
        err.print(report.summary(), highlight=False)


# ---------------------------------------------------------------------------------- edits
@app.command()
@handle_errors
def edits(
    label: Annotated[
        list[str] | None, typer.Option("--label", help="Only edits with this label.")
    ] = None,
    language: Annotated[list[str] | None, typer.Option("--language", "-l")] = None,
    status: Annotated[list[str] | None, typer.Option("--status")] = None,
    nontrivial: Annotated[
        bool, typer.Option(help="Leave out whitespace-, comment- and rename-only edits.")
    ] = False,
    curated: Annotated[
        bool, typer.Option("--curated", help="List the curated corpus instead.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all).")] = 50,
    diff: Annotated[bool, typer.Option("--diff", help="Print each edit's diff.")] = False,
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List or filter the edits of a corpus (or of the curated corpus)."""
    from .edits import edits_from_frame, edits_to_frame

    if curated:
        from .datasets import curated_edits

        df = edits_to_frame(curated_edits())
    else:
        from .corpus import Corpus

        df = Corpus.open(corpus_path(corpus), model=model).edits
    if len(df) and label:
        has = df["labels"].map(lambda xs: any(x in tuple(xs) for x in label))
        df = df[has | df["category"].isin(label)]
    if len(df) and language:
        lang = df["after_language"].fillna(df["before_language"])
        df = df[lang.isin(language)]
    if len(df) and status:
        df = df[df["status"].isin(status)]
    if len(df) and nontrivial:
        df = df[df["trivial"].fillna("") == ""]
    total = len(df)
    if limit > 0:
        df = df.head(limit)
    items = edits_from_frame(df)
    if as_json:
        emit_json(
            {
                "total": total,
                "edits": [
                    {
                        "id": e.id,
                        "status": e.status,
                        "name": e.name,
                        "path": e.path,
                        "language": e.language,
                        "labels": list(e.labels),
                        "category": e.category,
                        "subkind": e.subkind,
                        "trivial": e.trivial,
                        "commit": e.commit,
                        "date": e.date,
                        "message": e.message,
                        "source": e.source,
                        "diff": e.diff(),
                    }
                    for e in items
                ],
            }
        )
    else:
        table = Table(
            title=f"{total} edits" + (f" (first {len(items)})" if total > len(items) else ""),
            title_justify="left",
        )
        for col in ("id", "status", "fragment", "labels", "message"):
            table.add_column(col)
        for e in items:
            labs = ",".join(e.labels) + (f" [dim]({e.trivial})[/]" if e.trivial else "")
            table.add_row(
                e.id[:10],
                e.status,
                f"{e.path}::{e.name}",
                labs,
                (e.message.splitlines() or [""])[0][:60],
            )
        out.print(table)
        if diff:
            for e in items:
                out.rule(f"{e.id[:10]} {e.path}::{e.name}")
                out.print(e.diff(), markup=False, highlight=False)
    if total == 0:
        raise typer.Exit(1)


# ------------------------------------------------------------------------------ direction
@direction_app.command("fit")
@handle_errors
def direction_fit(
    name: Annotated[str, typer.Argument(help="Name to save the direction under.")],
    label: Annotated[
        str | None, typer.Option(help="Fit on the edits with this label/category.")
    ] = None,
    examples: Annotated[
        Path | None, typer.Option(help='JSONL of {"before": ..., "after": ...} example pairs.')
    ] = None,
    text: Annotated[
        tuple[str, str] | None,
        typer.Option(
            help="Two phrases: FROM TO, e.g. 'flaky test with sleeps' 'deterministic test'."
        ),
    ] = None,
    method: Annotated[
        str, typer.Option(help="mean | contrast | probe | pca (with --label).")
    ] = "contrast",
    representation: Annotated[str, typer.Option(help="fragment | hunk | diff | lexical.")] = "hunk",
    curated: Annotated[
        bool,
        typer.Option(
            "--curated/--corpus-edits",
            help="Fit --label on the curated corpus (default) or on the edits of --corpus.",
        ),
    ] = True,
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fit a direction from a label, examples or text, and save it by NAME."""
    import json

    from .directions import DirectionStore, check_name, curated_space
    from .embedding import load_embedder
    from .geometry import Direction, EditSpace

    check_name(name)
    if sum(x is not None for x in (label, examples, text)) != 1:
        fail("Give exactly one of --label, --examples or --text.")
    if label is not None:
        if curated:
            space = curated_space(
                embedder=load_embedder(model) if model else None, representation=representation
            )
        else:
            from .corpus import Corpus

            space = EditSpace.from_corpus(
                Corpus.open(corpus_path(corpus), model=model), representation=representation
            )  # type: ignore[arg-type]
        d = Direction(method=method, name=name).fit(space, label=label)  # type: ignore[arg-type]
    elif examples is not None:
        pairs = []
        for n, line in enumerate(examples.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rec = json.loads(line)
                    pairs.append((rec["before"], rec["after"]))
                except (json.JSONDecodeError, KeyError, TypeError):
                    fail(f"{examples}:{n} must be a JSON object with 'before' and 'after'.")
        d = Direction.from_examples(
            pairs,
            embedder=load_embedder(model),
            representation=representation,  # type: ignore[arg-type]
            name=name,
        )
    else:
        assert text is not None
        d = Direction.from_text(text[0], text[1], embedder=load_embedder(model), name=name)
    path = DirectionStore(store).save(name, d)
    if as_json:
        emit_json({"name": name, "path": str(path), "provenance": d.provenance_})
    else:
        out.print(f"Saved direction {name!r} to {path}")
        out.print(d.provenance_, highlight=False)


@direction_app.command("list")
@handle_errors
def direction_list(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List saved and built-in (curated-category) directions."""
    from .directions import DirectionStore, builtin_names

    saved = DirectionStore(store).names()
    builtin = builtin_names()
    if as_json:
        emit_json({"saved": saved, "builtin": builtin})
        return
    table = Table(show_header=True, header_style="bold")
    table.add_column("name")
    table.add_column("origin")
    for n in saved:
        table.add_row(n, "saved")
    for n in builtin:
        table.add_row(n, "built-in (curated)" + (" — shadowed" if n in saved else ""))
    out.print(table)


@direction_app.command("show")
@handle_errors
def direction_show(name: str, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show a direction's provenance."""
    from .directions import DirectionStore, get_direction

    d = get_direction(name, store=DirectionStore(store))
    info = {"name": name, "dimension": int(d.vector_.shape[0]), "provenance": d.provenance_}
    if as_json:
        emit_json(info)
    else:
        out.print(info, highlight=False)


@direction_app.command("rm")
@handle_errors
def direction_rm(name: str, store: StoreOpt = None) -> None:
    """Remove a saved direction."""
    from .directions import DirectionStore

    if not DirectionStore(store).remove(name):
        fail(f"No saved direction named {name!r}.", code=1)
    out.print(f"Removed {name}")


# -------------------------------------------------------------------------------- project
@app.command()
@handle_errors
def project(
    path: Annotated[Path, typer.Argument(help="Source file or tree whose fragments to score.")],
    direction: Annotated[str, typer.Option("--direction", "-d", help="Direction name.")],
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only these kinds (e.g. test).")
    ] = None,
    topn: Annotated[int, typer.Option("--topn", "-k", help="Rows to print (0: all).")] = 20,
    ascending: Annotated[bool, typer.Option(help="Lowest scores first.")] = False,
    model: ModelOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score every fragment of PATH along a direction (e.g. a flakiness axis for each test).

    The score is the cosine of the fragment's vector with the direction: higher means
    further along it (more like the after-side of such edits)."""
    import numpy as np

    from .directions import DirectionStore, get_direction
    from .embedding import load_embedder
    from .parsing import parse_file, parse_tree

    if not path.exists():
        fail(f"{path}: no such file or directory.")
    emb = load_embedder(model)
    d = get_direction(direction, store=DirectionStore(store), embedder=emb if model else None)
    rep = parse_tree(path, show_progress_bar=False) if path.is_dir() else parse_file(path)
    frags = [f for f in rep.fragments if not kind or f.kind in kind]
    if not frags:
        fail("No fragments to score.", code=1)
    V = emb.encode([f.text for f in frags])
    if V.shape[1] != d.vector_.shape[0]:
        fail(f"The direction has dimension {d.vector_.shape[0]} but the model gives {V.shape[1]}.")
    scores = d.cosine(V)
    order = np.argsort(scores if ascending else -scores, kind="stable")
    if topn > 0:
        order = order[:topn]
    rows = [
        {
            "score": float(scores[i]),
            "kind": frags[i].kind,
            "ref": frags[i].ref,
            "line": frags[i].start_line,
        }
        for i in order
    ]
    if as_json:
        emit_json({"direction": direction, "provenance": d.provenance_, "scores": rows})
        return
    table = Table(title=f"fragments along {direction!r}", title_justify="left")
    for col in ("score", "kind", "fragment"):
        table.add_column(col)
    for r in rows:
        table.add_row(f"{r['score']:+.3f}", r["kind"], f"{r['ref']}:{r['line']}")
    out.print(table)


# -------------------------------------------------------------------------------- analogy
def _read_code(arg: str) -> str:
    p = Path(arg)
    if "\n" not in arg and len(arg) < 4096 and p.is_file():
        return p.read_text(encoding="utf-8")
    return arg


@app.command()
@handle_errors
def analogy(
    a_before: Annotated[str, typer.Argument(help="Code (or a file) of example A before.")],
    a_after: Annotated[str, typer.Argument(help="Code (or a file) of example A after.")],
    b_before: Annotated[str, typer.Argument(help="Code (or a file) of B before.")],
    candidates: Annotated[
        Path | None,
        typer.Option(
            help="JSONL/text file of candidate B-after versions (default: the curated after-sides)."
        ),
    ] = None,
    topn: Annotated[int, typer.Option("--topn", "-k")] = 5,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """a_before : a_after :: b_before : ?  — rank candidate after-versions of B."""
    import json

    from .directions import curated_space
    from .embedding import load_embedder

    emb = load_embedder(model)
    space = curated_space(embedder=emb if model else None)
    cands = None
    if candidates is not None:
        raw = candidates.read_text(encoding="utf-8")
        try:
            cands = [
                json.loads(ln)["after"] if ln.lstrip().startswith("{") else json.loads(ln)
                for ln in raw.splitlines()
                if ln.strip()
            ]
        except (json.JSONDecodeError, KeyError, TypeError):
            cands = [c for c in raw.split("\n\n") if c.strip()]
    res = space.analogy(
        _read_code(a_before), _read_code(a_after), _read_code(b_before), candidates=cands, topn=topn
    )
    if as_json:
        emit_json([{"score": m.score, "candidate": m.key} for m in res])
        return
    for n, m in enumerate(res, 1):
        out.rule(f"#{n}  score {m.score:.3f}")
        out.print(m.key, markup=False, highlight=False)


# ------------------------------------------------------------------------------- evaluate
@app.command()
@handle_errors
def evaluate(
    corpus: CorpusOpt = None,
    curated: Annotated[
        bool, typer.Option("--curated", help="Evaluate the curated corpus.")
    ] = False,
    label: Annotated[list[str] | None, typer.Option("--label", help="Only these labels.")] = None,
    representation: Annotated[
        list[str] | None,
        typer.Option(
            "--representation", "-r", help="fragment | hunk | diff | lexical (repeatable)."
        ),
    ] = None,
    group_by: Annotated[
        str, typer.Option(help="Split by 'source' (project) or 'language'.")
    ] = "source",
    nontrivial: Annotated[bool, typer.Option(help="Leave out trivial edits.")] = True,
    n_boot: Annotated[int, typer.Option(help="Bootstrap / permutation rounds.")] = 200,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table.")] = False,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The metrics table for every label and representation, with baselines and intervals."""
    from .geometry import REPRESENTATIONS, EditSpace
    from .metrics import evaluate as run_eval

    if curated:
        from .directions import curated_space
        from .embedding import load_embedder

        space = curated_space(embedder=load_embedder(model) if model else None)
    else:
        from .corpus import Corpus

        space = EditSpace.from_corpus(Corpus.open(corpus_path(corpus), model=model))
        if nontrivial and "trivial" in space.frame:
            space = space.subset((space.frame["trivial"].fillna("") == "").to_numpy())
    reps = tuple(representation or REPRESENTATIONS)
    report = run_eval(space, labels=label, representations=reps, group_by=group_by, n_boot=n_boot)
    if as_json:
        print(report.to_json())
    elif markdown:
        print(report.to_markdown())
    else:
        print(report)
