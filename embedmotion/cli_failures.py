"""CLI: ``embedmotion failures`` (parse + blame) and ``embedmotion flaky`` (mixed outcomes across runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .cli import JsonOpt, app, emit_json, err, fail, handle_errors, out


@app.command()
@handle_errors
def failures(
    logs: Annotated[list[Path], typer.Argument(help="Test reports, tracebacks, compiler/linter output.")],
    root: Annotated[Path | None, typer.Option(
        "--root", help="Source tree to blame fragments in (default: the current directory).")] = None,
    format: Annotated[str | None, typer.Option(
        "--format", help="Skip sniffing: pytest, junit, go-test, cargo-test, gcc, sarif, mypy, ...")]
    = None,
    no_blame: Annotated[bool, typer.Option("--no-blame", help="Only parse, do not blame fragments.")]
    = False,
    as_json: JsonOpt = False,
) -> None:
    """List the failures in LOG(s), each with the fragment it blames."""
    from .failures import blame, parse_failures

    for log in logs:
        if not log.exists():
            fail(f"{log}: no such file.")
    rows = []
    reports = [parse_failures(log, format=format) for log in logs]
    for rep in reports:
        for w in rep.warnings:
            err.print(f"{rep.source}: {w}", highlight=False, markup=False)
        blames = [] if no_blame else blame(rep.failures, root or Path.cwd())
        for n, f in enumerate(rep.failures):
            b = blames[n] if blames else None
            rows.append((rep, f, b))
    if as_json:
        emit_json([{"log": rep.source, "format": rep.format, **f.to_dict(),
                    "blame": None if b is None else b.to_dict()} for rep, f, b in rows])
    else:
        table = Table(show_header=True, header_style="bold")
        for col in ("tool", "kind", "where", "message", "blamed fragment"):
            table.add_column(col, overflow="fold")
        for _, f, b in rows:
            where = str(f.locations[0]) if f.locations else (f.test_id or "")
            blamed = ""
            if b is not None:
                parts = [x.ref for x in (b.test_fragment, b.blamed_fragment) if x is not None]
                blamed = " → ".join(dict.fromkeys(parts)) or f"({b.reason})"
            table.add_row(f.tool, f.kind, where, f.message.splitlines()[0][:90] if f.message else "",
                          blamed)
        out.print(table)
        for rep in reports:
            err.print(f"{rep.source}: format {rep.format}, {len(rep.failures)} failure(s), "
                      f"{len(rep.passed)} passed", highlight=False)
    if not rows:
        raise typer.Exit(1)


@app.command()
@handle_errors
def flaky(
    reports: Annotated[list[Path], typer.Argument(help="Two or more reports of the same suite.")],
    format: Annotated[str | None, typer.Option("--format")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Tests that passed in some runs and failed in others."""
    from .failures import detect_flaky, parse_failures

    if len(reports) < 2:
        fail("Give at least two reports of the same test suite.")
    runs = [parse_failures(p, format=format) for p in reports]
    found = detect_flaky(runs)
    if as_json:
        emit_json([f.to_dict() for f in found])
    else:
        table = Table(show_header=True, header_style="bold")
        for col in ("test", "passed", "failed", "message"):
            table.add_column(col, overflow="fold")
        for f in found:
            table.add_row(f.test_id or "", str(f.passes), str(f.failures),
                          f.message.splitlines()[0][:90] if f.message else "")
        out.print(table)
        err.print(f"{len(found)} flaky test(s) across {len(runs)} runs")
    if not found:
        raise typer.Exit(1)
