"""CLI: ``embedmotion climb`` — repair a project until its tests pass (the fitness loop).

::

    embedmotion climb PATH --test "pytest -x tests/test_x.py" [--target FILE[::name]]
                      [--budget N] [--strategy direction|nearest|monkey] [--seed S]
                      [--apply] [--trace FILE] [--json]

The tests run in a scratch copy of PATH; the accepted change is printed as a
diff and written to PATH only with ``--apply`` (atomically, keeping
``FILE.orig``).  Progress goes to stderr, the result to stdout.  Exit codes: 0
green, 1 still failing (budget, wall time or candidates spent), 2 usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.syntax import Syntax

from .cli import JsonOpt, ModelOpt, app, emit_json, err, fail, handle_errors, out


def _progress(row: dict[str, Any]) -> None:
    event = row.get("event")
    if event == "run" and row.get("phase") in ("baseline", "rerun"):
        state = "green" if row["green"] else f"{row['failures']} failing"
        extra = " (timed out)" if row.get("timed_out") else ""
        err.print(f"{row['phase']}: {state}{extra}", highlight=False)
    elif event == "diagnosis":
        sus = ", ".join(s["ref"] for s in row["suspects"])
        kind = "flaky" if row["flaky"] else "failing"
        err.print(
            f"{kind}; suspects: {sus}; families: {', '.join(row['families'] or ['all'])}",
            highlight=False,
            markup=False,
        )
    elif event == "round":
        err.print(f"round {row['round']}: {row['n_candidates']} candidates", highlight=False)
    elif event == "attempt":
        after = row["tests_after"]
        err.print(
            f"  #{row['attempt']:<3} {row['outcome']:<8} {row['operator']:<18} "
            f"{after['failures']} failing  {row['description'][:70]}",
            highlight=False,
            markup=False,
        )


@app.command(name="climb")
@handle_errors
def climb_command(
    path: Annotated[Path, typer.Argument(help="The project's root directory.")],
    test: Annotated[
        str,
        typer.Option(
            "--test", "-t", help='Test command, run from PATH, e.g. "python -m pytest -x tests".'
        ),
    ],
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="FILE or FILE::qualified.name to repair, relative to PATH "
            "(default: blamed from the failures).",
        ),
    ] = None,
    budget: Annotated[int, typer.Option("--budget", "-b", help="Test runs at most.")] = 40,
    strategy: Annotated[
        str,
        typer.Option(
            "--strategy",
            help="direction (default), nearest (no direction) or monkey (random "
            "order): the same candidates in a different order.",
        ),
    ] = "direction",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the monkey's order.")] = 0,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds per test run at most.")
    ] = 60.0,
    wall_time: Annotated[
        float, typer.Option("--wall-time", help="Seconds for the whole climb at most.")
    ] = 900.0,
    reruns: Annotated[
        int,
        typer.Option(
            "--reruns", help="Runs that tell a flaky suite, and the green streak it needs."
        ),
    ] = 3,
    family: Annotated[
        list[str] | None,
        typer.Option(
            "--family", help="Rewrite families to use (repeatable; default: by failure kind)."
        ),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the accepted change to PATH (backup FILE.orig).")
    ] = False,
    trace: Annotated[
        Path | None,
        typer.Option(
            "--trace", help="Write every step as JSON lines (see `embedmotion plot --trace`)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the tests, follow the failures' direction through candidate edits until green."""
    from .climb import apply_result, climb

    if not path.is_dir():
        fail(f"{path} is not a directory. Pass the project's root directory.")
    if trace is not None and trace.parent and not trace.parent.exists():
        fail(f"Cannot write the trace to {trace}: no directory {trace.parent}.")
    embedder = None
    if model is not None:
        from .embedding import load_embedder

        embedder = load_embedder(model)
    if not quiet and not as_json:
        err.print(
            f"climbing {path} ({strategy}, budget {budget} test runs) in a scratch copy",
            highlight=False,
        )
    result = climb(
        path,
        test,
        target=target,
        budget=budget,
        strategy=strategy,  # type: ignore[arg-type]
        seed=seed,
        timeout=timeout,
        wall_time=wall_time,
        reruns=reruns,
        families=family or None,
        trace=trace,
        embedder=embedder,
        callback=None if quiet or as_json else _progress,
    )
    applied: Path | None = None
    if apply and result.green and result.files:
        applied = apply_result(path, result)
    if as_json:
        emit_json(
            {
                **result.to_dict(),
                "trace": None if trace is None else str(trace),
                "applied": None if applied is None else str(applied),
            }
        )
    else:
        _print(result, trace, applied, apply)
    if not result.green:
        raise typer.Exit(1)


def _print(result: Any, trace: Path | None, applied: Path | None, apply: bool) -> None:
    diff = result.diff
    if diff:
        if not result.green:
            out.print("[bold]best change found (the tests still fail):[/]")
        if out.is_terminal:
            out.print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
        else:
            out.print(diff, markup=False, highlight=False, end="")
    runs = f"{result.test_runs} test run{'s' if result.test_runs != 1 else ''}"
    if result.green and not diff:
        out.print(f"[green]green[/]: the tests already pass ({runs}); nothing to change.")
    elif result.green:
        out.print(
            f"[green]green[/] after {result.attempts} attempt"
            f"{'s' if result.attempts != 1 else ''} ({runs}, {result.seconds:.1f} s); "
            f"strategy {result.strategy}, changed {result.target}"
            + (" (the suite was flaky)" if result.flaky else ""),
            highlight=False,
        )
    else:
        out.print(
            f"[red]not green[/]: {result.reason} after {result.attempts} attempts "
            f"({runs}, {result.seconds:.1f} s); failures {result.failures_before} → "
            f"{result.failures_after}; suspects: {', '.join(result.suspects) or 'none'}",
            highlight=False,
        )
    if trace is not None:
        out.print(f"trace: {trace}", highlight=False)
    if applied is not None:
        out.print(
            f"applied to {', '.join(sorted(result.files))} (backup next to each: .orig)",
            highlight=False,
        )
    elif result.green and diff:
        out.print("not applied: run again with --apply to write it to your tree.")
    elif apply and not result.green:
        err.print("nothing applied: the tests are not green.")
