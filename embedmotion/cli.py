"""The ``embedmotion`` command line: a thin shell over the public API.

Results go to stdout (``--json`` for machines), progress and logs to stderr.
Exit codes: 0 ok, 1 a negative result (nothing found), 2 a usage or input error.
Every :class:`~embedmotion.errors.EmbedmotionError` becomes a short message on
stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from .errors import EmbedmotionError

app = typer.Typer(
    name="embedmotion",
    help="The geometry of code edits: parse, embed, index and query code, edits and failures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

CORPUS_ENV = "EMBEDMOTION_CORPUS"
DEFAULT_CORPUS = Path(".embedmotion") / "corpus"

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON to stdout.")]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="sentence-transformers name or path, or 'lexical'. "
        "Default: $EMBEDMOTION_MODEL or the packaged all-MiniLM-L6-v2.",
    ),
]
CorpusOpt = Annotated[
    Path | None,
    typer.Option(
        "--corpus", "-c", help=f"Corpus directory. Default: ${CORPUS_ENV} or ./{DEFAULT_CORPUS}."
    ),
]


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Turn embedmotion errors (and Ctrl-C) into a message and an exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EmbedmotionError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            err.print("interrupted: nothing was written beyond the last completed step.")
            raise typer.Exit(130) from None
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            fail(f"{exc.strerror or exc}: {exc.filename}. Check the path and its permissions.")

    return wrapper  # type: ignore[return-value]


def corpus_path(corpus: Path | None, fallback: Path | None = None) -> Path:
    if corpus is not None:
        return corpus
    env = os.environ.get(CORPUS_ENV)
    if env:
        return Path(env)
    return fallback if fallback is not None else DEFAULT_CORPUS


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, default=str) + "\n")


def progress_enabled(quiet: bool) -> bool | None:
    return False if quiet else None


def fragment_json(f: Any) -> dict[str, Any]:
    d = f.to_dict() if hasattr(f, "to_dict") else dict(f)
    d["ref"] = f"{d['path']}::{d['name']}"
    return d


# ---------------------------------------------------------------------------------- index
@app.command()
@handle_errors
def index(
    path: Annotated[Path, typer.Argument(help="Source tree (or file) to index.")],
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", "-l", help="Only these languages (repeatable)."),
    ] = None,
    max_bytes: Annotated[int | None, typer.Option(help="Skip files larger than this.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Parse PATH into fragments, embed them and (re)build a corpus; re-runs are incremental."""
    from .corpus import Corpus

    if not path.exists():
        fail(f"Cannot index {path}: no such file or directory.")
    default = (path if path.is_dir() else path.parent) / DEFAULT_CORPUS
    cpath = corpus_path(corpus, default)
    c = Corpus.build(
        path,
        cpath,
        model=model,
        languages=language or None,
        max_bytes=max_bytes,
        show_progress_bar=progress_enabled(quiet),
    )
    rep = c.last_report
    info = {
        "corpus": str(cpath),
        **c.last_update,
        "fragments": len(c),
        "model": c.manifest["model"]["id"],
        "skipped_files": [
            {"path": s.path, "reason": s.reason} for s in (rep.skipped if rep else [])
        ],
        "files_with_errors": list(rep.files_with_errors) if rep else [],
    }
    if as_json:
        emit_json(info)
        return
    u = c.last_update
    out.print(
        f"Indexed {u['files']} files → {len(c)} fragments in {cpath} "
        f"(+{u['added']} new, -{u['removed']} removed, {u['kept']} unchanged)."
    )
    if rep and rep.files_with_errors:
        err.print(
            f"{len(rep.files_with_errors)} file(s) had syntax errors; their recoverable "
            "fragments were kept (flagged has_error)."
        )
    if rep and rep.skipped:
        err.print(f"Skipped {len(rep.skipped)} file(s):")
        for s in rep.skipped[:20]:
            err.print(f"  {s.path}: {s.reason}", highlight=False)
        if len(rep.skipped) > 20:
            err.print(f"  ... and {len(rep.skipped) - 20} more (--json lists all)")


# ------------------------------------------------------------------------------ fragments
@app.command()
@handle_errors
def fragments(
    path: Annotated[Path, typer.Argument(help="Source file or tree.")],
    language: Annotated[
        str | None, typer.Option("--language", "-l", help="Override language detection (files).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="Only these kinds.")
    ] = None,
    max_bytes: Annotated[int | None, typer.Option(help="Skip files larger than this.")] = None,
    show_text: Annotated[bool, typer.Option("--text", help="Print each fragment's code.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List the fragments (functions, methods, classes, tests) tree-sitter extracts from PATH."""
    from .parsing import DEFAULT_MAX_BYTES, parse_file, parse_tree

    if not path.exists():
        fail(f"{path}: no such file or directory.")
    mb = max_bytes or DEFAULT_MAX_BYTES
    if path.is_dir():
        rep = parse_tree(
            path, languages=[language] if language else None, max_bytes=mb, show_progress_bar=False
        )
    else:
        rep = parse_file(path, language=language, max_bytes=mb)
    frags = [f for f in rep.fragments if not kind or f.kind in kind]
    if as_json:
        emit_json(
            {
                "fragments": [fragment_json(f) for f in frags],
                "skipped": [{"path": s.path, "reason": s.reason} for s in rep.skipped],
                "files_parsed": rep.files_parsed,
                "files_with_errors": rep.files_with_errors,
            }
        )
    else:
        table = Table(show_header=True, header_style="bold")
        for col in ("kind", "name", "location", "lang", "id"):
            table.add_column(col)
        for f in frags:
            name = f.name + (" [red](syntax error)[/]" if f.has_error else "")
            table.add_row(f.kind, name, f"{f.path}:{f.start_line}-{f.end_line}", f.language, f.id)
        out.print(table)
        if show_text:
            for f in frags:
                out.rule(f"{f.ref}")
                out.print(f.text, markup=False, highlight=False)
        for s in rep.skipped:
            err.print(f"skipped {s.path}: {s.reason}", highlight=False)
        if rep.files_with_errors:
            err.print(
                f"{len(rep.files_with_errors)} file(s) with syntax errors: "
                + ", ".join(rep.files_with_errors[:10]),
                highlight=False,
            )
    if not frags:
        raise typer.Exit(1)


# -------------------------------------------------------------------------------- similar
def print_matches(matches: list[Any], title: str, *, snippet: bool = True) -> None:
    table = Table(title=title, show_header=True, header_style="bold", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("kind")
    table.add_column("fragment")
    if snippet:
        table.add_column("code")
    for n, m in enumerate(matches, 1):
        f = m.item
        first = next((ln.strip() for ln in f.text.splitlines() if ln.strip()), "")
        row = [str(n), f"{m.score:.3f}", f.kind, f"{f.path}:{f.start_line} {f.name}"]
        if snippet:
            row.append(first[:60])
        table.add_row(*row)
    out.print(table)


@app.command()
@handle_errors
def similar(
    query: Annotated[
        str | None,
        typer.Argument(
            help="Text, or path::qualified.name of an indexed fragment, or a fragment id."
        ),
    ] = None,
    positive: Annotated[
        list[str] | None,
        typer.Option("--positive", "-p", help="Items to move towards (repeatable)."),
    ] = None,
    negative: Annotated[
        list[str] | None,
        typer.Option("--negative", "-n", help="Items to move away from (repeatable)."),
    ] = None,
    topn: Annotated[int, typer.Option("--topn", "-k", help="How many results.")] = 10,
    include_inputs: Annotated[
        bool,
        typer.Option(
            "--include-inputs", help="Keep the query fragments themselves in the results."
        ),
    ] = False,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Only these kinds.")] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", "-l", help="Only these languages.")
    ] = None,
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fragments most similar to QUERY, or to --positive minus --negative (gensim style)."""
    from .corpus import Corpus

    pos = ([query] if query else []) + list(positive or [])
    if not pos and not negative:
        fail("Give a QUERY or at least one --positive/--negative item.")
    if topn <= 0:
        fail(f"The 'topn' parameter of similar must be a positive integer. Got {topn} instead.")
    c = Corpus.open(corpus_path(corpus), model=model)
    matches = c.most_similar(
        positive=pos,
        negative=list(negative or []),
        topn=topn,
        exclude_inputs=not include_inputs,
        kinds=kind,
        languages=language,
    )
    if as_json:
        emit_json([{"id": m.key, "score": m.score, **fragment_json(m.item)} for m in matches])
    else:
        title = "most similar to " + " + ".join(pos) + "".join(f" - {n}" for n in (negative or []))
        print_matches(matches, title)
    if not matches:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    app()


if __name__ == "__main__":
    main()

# registers the edit, geometry and suggest commands on `app`
from . import cli_climb, cli_edits, cli_failures, cli_plot, cli_suggest
