"""CLI: ``embedmotion suggest`` — ranked candidate changes for a fragment along a direction."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.syntax import Syntax

from .cli import JsonOpt, ModelOpt, app, emit_json, err, fail, handle_errors, out


def resolve_target(spec: str, language: str | None = None) -> tuple[Path, Any]:
    """``FILE`` or ``FILE::qualified.name`` → (path, Fragment)."""
    from .parsing import find_fragment, parse_file

    file_part, _, name = spec.partition("::")
    path = Path(file_part)
    if not path.is_file():
        fail(f"{path}: no such file. Give FILE or FILE::qualified.name.")
    rep = parse_file(path, language=language)
    if rep.skipped:
        fail(f"Cannot read {path}: {rep.skipped[0].reason}")
    frags = [f for f in rep.fragments if f.kind != "module"]
    if name:
        frag = find_fragment(frags, name)
        if frag is None:
            names = ", ".join(f.name for f in frags[:15])
            fail(f"No fragment named {name!r} in {path}. Fragments there: {names}")
        return path, frag
    top = [f for f in frags if not any(
        o is not f and o.start_byte <= f.start_byte and f.end_byte <= o.end_byte for o in frags)]
    if len(top) != 1:
        names = ", ".join(f.name for f in frags[:15]) or "none"
        fail(f"{path} has {len(top)} top-level fragments; pick one with {path}::NAME "
             f"(fragments: {names}).")
    return path, top[0]


def user_candidates(spec: str, language: str) -> list[str]:
    """Candidates from a directory of files, a JSONL file ({after|text}), or a text file."""
    from .languages import language_for_path

    p = Path(spec)
    if p.is_dir():
        files = sorted(x for x in p.rglob("*") if x.is_file())
        texts = [x.read_text(encoding="utf-8", errors="replace") for x in files
                 if language_for_path(x) in (language, None)]
        if not texts:
            fail(f"{p} holds no {language} files to use as candidates.")
        return texts
    if p.is_file():
        raw = p.read_text(encoding="utf-8", errors="replace")
        if p.suffix in (".jsonl", ".json"):
            res = []
            for n, line in enumerate(raw.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    fail(f"{p}:{n} is not JSON; each line must be {{\"after\": CODE}} or a JSON string.")
                if isinstance(rec, str):
                    res.append(rec)
                elif isinstance(rec, dict) and isinstance(rec.get("after", rec.get("text")), str):
                    res.append(str(rec.get("after", rec.get("text"))))
                else:
                    fail(f"{p}:{n} must be {{\"after\": CODE}} or a JSON string.")
            return res
        return [raw]
    fail(f"--source {spec}: not a known source (rewrites, history) nor an existing file/directory.")
    return []


def apply_candidate(path: Path, frag: Any, new_text: str) -> Path:
    """Replace the fragment's bytes in ``path`` with ``new_text``; keep ``path.orig``; atomic."""
    data = path.read_bytes()
    if not frag.text.endswith("\n"):  # the fragment's trailing newline belongs to the file
        new_text = new_text.rstrip("\n")
    if data[frag.start_byte:frag.end_byte].decode("utf-8") != frag.text:
        fail(f"{path} changed since it was read; run suggest again.")
    new = data[:frag.start_byte] + new_text.encode("utf-8") + data[frag.end_byte:]
    backup = path.with_name(path.name + ".orig")
    shutil.copy2(path, backup)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(new)
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return backup


@app.command()
@handle_errors
def suggest(
    target: Annotated[str | None, typer.Argument(
        help="FILE or FILE::qualified.name of the fragment to change (default with --failure: the "
        "fragment the failure blames).")] = None,
    direction: Annotated[str | None, typer.Option("--direction", "-d",
                         help="Direction name (built-in curated category or saved).")] = None,
    failure: Annotated[list[Path] | None, typer.Option(
        "--failure", help="A failure log: derive the direction (and the target) from it.")] = None,
    k: Annotated[int, typer.Option("--k", "-k", help="How many candidates to show.")] = 5,
    source: Annotated[str, typer.Option(
        help="Comma-separated: rewrites, history, and/or a DIR / JSONL / file of user candidates.")]
    = "rewrites,history",
    language: Annotated[str | None, typer.Option("--language", "-l")] = None,
    closeness: Annotated[float, typer.Option(help="Weight of staying close to the original.")] = 0.25,
    apply: Annotated[int | None, typer.Option("--apply", help="Write candidate N (1-based) to the file.")]
    = None,
    root: Annotated[Path, typer.Option("--root", help="Source tree the failure log refers to.")]
    = Path("."),
    remedy: Annotated[str, typer.Option(
        help="How a failure becomes a direction: nearest | ridge | kind.")] = "nearest",
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank candidate changes of a fragment along a direction; print them as unified diffs."""
    from .embedding import load_embedder
    from .suggest import suggest as run_suggest

    if k <= 0:
        fail(f"The 'k' parameter of suggest must be a positive integer. Got {k} instead.")
    emb = load_embedder(model)
    d: Any = direction
    if failure:
        from .failures import blame, parse_failures
        from .remedy import direction_for_failures

        found = [f for log in failure for f in parse_failures(log).failures]
        if not found:
            fail("The failure log(s) contain no failures.", code=1)
        if target is None:
            blamed = [b for b in blame(found, root) if b.blamed_fragment or b.test_fragment]
            if not blamed:
                fail(f"No failure could be tied to a fragment under {root}; give TARGET explicitly.")
            b0 = blamed[0]
            frag0 = b0.blamed_fragment or b0.test_fragment
            assert frag0 is not None
            target = f"{Path(root) / frag0.path}::{frag0.name}"
            found = [b0.failure]
        if d is None:
            d = direction_for_failures(found, method=remedy, embedder=emb)  # type: ignore[arg-type]
    if target is None:
        fail("Give TARGET (FILE or FILE::name), or --failure LOG to find it.")
        return
    path, frag = resolve_target(target, language)
    if d is None:
        fail("Give --direction NAME (see `embedmotion direction list`) or --failure LOG.")
    sources, cands = [], []
    for s in (x.strip() for x in source.split(",") if x.strip()):
        if s in ("rewrites", "history"):
            sources.append(s)
        else:
            cands.extend(user_candidates(s, frag.language))
    res = run_suggest(frag.text, d, language=frag.language, k=k, sources=sources,
                      candidates=cands or None, embedder=emb, path=str(path))
    if as_json:
        emit_json({"target": frag.ref, "file": str(path), **res.to_dict()})
    else:
        prov = res.direction
        out.print(f"[bold]{frag.ref}[/] along [bold]{prov.get('name') or direction}[/] "
                  f"({prov.get('method')}, {prov.get('representation') or ''}); "
                  f"{res.considered} candidates considered", highlight=False)
        for n, sug in enumerate(res.suggestions, 1):
            out.rule(f"#{n}  score {sug.score:+.3f}  (align {sug.parts['align']:+.3f}, "
                     f"closeness {sug.parts['closeness']:.3f}, decode {sug.parts['decode']:.3f})  "
                     f"[{sug.source}] {sug.description}", characters="─")
            if out.is_terminal:
                out.print(Syntax(sug.diff, "diff", theme="ansi_dark", background_color="default"))
            else:
                out.print(sug.diff, markup=False, highlight=False, end="")
        if res.exemplars:
            out.rule("exemplars: code like yours was changed like this")
            for e in res.exemplars:
                out.print(f"{e.edit_id[:10]}  similarity {e.similarity:.3f}  alignment "
                          f"{e.alignment:+.3f}  {e.message}", highlight=False, markup=False)
    if apply is not None:
        if not 1 <= apply <= len(res.suggestions):
            fail(f"--apply {apply}: there are {len(res.suggestions)} candidates.")
        chosen = res.suggestions[apply - 1]
        backup = apply_candidate(path, frag, chosen.text)
        err.print(f"Applied candidate #{apply} to {path} (backup: {backup}).")
    if not res.suggestions:
        raise typer.Exit(1)
