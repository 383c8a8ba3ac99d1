"""Does following the direction repair programs with fewer attempts than chance?

Runs :func:`embedmotion.climb.climb` on every program of the repair suite
(``data/bugs``, see its README) under each strategy — ``direction`` (rank the
candidates along the failures' direction), ``nearest`` (no direction: closest
to the original first) and ``monkey`` (the same candidates in a seeded random
order) — with the same seed and the same budget of test runs.  climb gets the
program's test command and its ``target`` fragment from ``bug.json``, never the
description or ``fix.patch``.  Flaky programs get their ``reruns`` from
``bug.json`` (how many runs it takes to trust a green), the others ``--reruns``.

It prints one row per program (per strategy: ``✓ attempts/test runs`` or
``✗ test runs``) and a summary per strategy: programs repaired within budget,
median and mean attempts to the first green run (repaired programs only), test
runs and wall time; then the headline ratio *direction / monkey* of mean
attempts — over each strategy's own repaired programs, and over the programs
both repaired.  The monkey's order is one draw: ``--monkey-seeds`` adds draws (a
program then counts as repaired by the fraction of seeds that did, with the mean
attempts of those).  ``--fix-ranks`` measures the ordering alone, without the
loop's noise: the rank of the known fix in each strategy's first round (the
fix is read from ``fix.patch`` for scoring only).  Every result is appended to ``--out`` as it finishes (JSON
lines), and ``--resume`` skips what that file already holds.

Usage::

    python benchmarks/bench_climb.py                       # all programs, budget 30
    python benchmarks/bench_climb.py --ids slugify lru-cache --budget 20
    python benchmarks/bench_climb.py --monkey-seeds 1 2 3 4        # a steadier monkey baseline
    python benchmarks/bench_climb.py --out /tmp/climb.jsonl --resume --traces /tmp/traces
    python benchmarks/bench_climb.py --summary /tmp/climb.jsonl   # only the tables
    python benchmarks/bench_climb.py --fix-ranks      # where the known fix sits in each order
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STRATEGIES = ("direction", "nearest", "monkey")


def programs(bugs: Path, ids: list[str] | None) -> list[dict[str, Any]]:
    out = []
    for d in sorted(p for p in bugs.iterdir() if (p / "bug.json").is_file()):
        spec = json.loads((d / "bug.json").read_text(encoding="utf-8"))
        if ids and spec["id"] not in ids:
            continue
        spec["dir"] = d
        out.append(spec)
    missing = set(ids or []) - {s["id"] for s in out}
    if missing:
        sys.exit(f"unknown program id(s): {', '.join(sorted(missing))}")
    return out


def run_one(
    spec: dict[str, Any], strategy: str, seed: int, args: argparse.Namespace, emb: Any
) -> dict[str, Any]:
    from embedmotion.climb import climb
    from embedmotion.errors import EmbedmotionError

    trace = None
    if args.traces:
        args.traces.mkdir(parents=True, exist_ok=True)
        trace = args.traces / f"{spec['id']}.{strategy}.{seed}.jsonl"
    t0 = time.perf_counter()
    row: dict[str, Any] = {
        "id": spec["id"],
        "kind": spec["kind"],
        "language": spec["language"],
        "strategy": strategy,
        "budget": args.budget,
        "seed": seed,
    }
    try:
        res = climb(
            spec["dir"],
            spec["test_command"],
            target=spec["target"],
            budget=args.budget,
            strategy=strategy,  # type: ignore[arg-type]
            seed=seed,
            reruns=int(spec.get("reruns", args.reruns)),
            wall_time=args.wall_time,
            embedder=emb,
            trace=trace,
        )
    except EmbedmotionError as exc:
        row.update(
            green=False,
            attempts=0,
            test_runs=0,
            reason=f"error: {exc}",
            seconds=time.perf_counter() - t0,
        )
        return row
    first_green = next(
        (
            r["rank"]
            for r in res.trace
            if r.get("event") == "attempt" and r.get("outcome") == "green"
        ),
        None,
    )
    row.update(
        green=res.green,
        attempts=res.attempts,
        test_runs=res.test_runs,
        seconds=round(res.seconds, 2),
        reason=res.reason,
        flaky=res.flaky,
        rank_in_round=first_green,
        diff=res.diff if res.green else "",
    )
    return row


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def _per_program(rows: list[dict[str, Any]], strategy: str) -> dict[str, dict[str, Any]]:
    """Per program: seeds run, seeds repaired, mean attempts over the repairing seeds."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["strategy"] != strategy:
            continue
        p = out.setdefault(r["id"], {"seeds": 0, "ok": 0, "att": [], "runs": [], "s": 0.0})
        p["seeds"] += 1
        p["runs"].append(r["test_runs"])
        p["s"] += r["seconds"]
        if r["green"]:
            p["ok"] += 1
            p["att"].append(r["attempts"])
    return out


def summarize(rows: list[dict[str, Any]], strategies: list[str], out: Any = sys.stdout) -> None:
    """The per-program table, the per-strategy summary and the direction/monkey ratios.

    With several seeds (only the monkey depends on it), a program counts as repaired
    by the fraction of seeds that repaired it, and its attempts are the mean over them.
    """
    per = {s: _per_program(rows, s) for s in strategies}
    ids = list(dict.fromkeys(r["id"] for r in rows))
    kinds = {r["id"]: r["kind"] for r in rows}
    w = max([len(i) for i in ids] + [7])
    print(f"{'program':<{w}}  {'kind':<20}" + "".join(f"{s:>16}" for s in strategies), file=out)
    for i in ids:
        cells = []
        for s in strategies:
            p = per[s].get(i)
            if p is None:
                cell = "-"
            elif p["ok"] and p["seeds"] == 1:
                cell = f"✓ {p['att'][0]}/{p['runs'][0]}"
            elif p["ok"]:
                cell = f"✓{p['ok']}/{p['seeds']} {_mean(p['att']):.1f}"
            else:
                cell = f"✗ {max(p['runs'])}" if p["seeds"] == 1 else f"✗0/{p['seeds']}"
            cells.append(f"{cell:>16}")
        print(f"{i:<{w}}  {kinds[i]:<20}" + "".join(cells), file=out)
    print(file=out)
    print(
        f"{'strategy':<10}{'seeds':>6}{'programs':>9}{'repaired':>9}{'median att':>11}"
        f"{'mean att':>9}{'runs/prog':>10}{'wall s/prog':>12}",
        file=out,
    )
    for s in strategies:
        ps = per[s].values()
        seeds = max((p["seeds"] for p in ps), default=0)
        repaired = sum(p["ok"] / p["seeds"] for p in ps)
        att = [a for p in ps for a in p["att"]]
        print(
            f"{s:<10}{seeds:>6}{len(per[s]):>9}{repaired:>9.1f}"
            f"{statistics.median(att) if att else float('nan'):>11.1f}{_mean(att):>9.2f}"
            f"{_mean([x for p in ps for x in p['runs']]):>10.1f}"
            f"{_mean([p['s'] / p['seeds'] for p in ps]):>12.1f}",
            file=out,
        )
    if "direction" not in per or "monkey" not in per:
        return
    print(file=out)
    m = per["monkey"]
    m_att = _mean([a for p in m.values() for a in p["att"]])
    for s in [x for x in ("direction", "nearest") if x in per]:
        d = per[s]
        d_att = _mean([a for p in d.values() for a in p["att"]])
        both = [i for i in d if d[i]["ok"] and m.get(i, {}).get("ok")]
        dd = [_mean(d[i]["att"]) for i in both]
        mm = [_mean(m[i]["att"]) for i in both]
        wins = sum(x < y for x, y in zip(dd, mm))
        losses = sum(x > y for x, y in zip(dd, mm))
        print(
            f"{s}/monkey mean attempts to green: {d_att / m_att:.2f} (each over its own "
            f"repairs); on the {len(both)} programs both repaired: "
            f"{_mean(dd) / _mean(mm) if both else float('nan'):.2f} ({s} fewer attempts on "
            f"{wins}, more on {losses}, ties {len(both) - wins - losses})",
            file=out,
        )


def fixed_fragment(spec: dict[str, Any]) -> str | None:
    """The target fragment's text once ``fix.patch`` is applied (for scoring ranks only)."""
    import shutil
    import subprocess
    import tempfile

    from embedmotion.parsing import find_fragment, parse_file

    file, _, name = spec["target"].partition("::")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / spec["id"]
        shutil.copytree(spec["dir"], work)
        for cmd in (["git", "apply", "fix.patch"], ["patch", "-p1", "-i", "fix.patch"]):
            env = dict(os.environ, GIT_CEILING_DIRECTORIES=tmp)
            if subprocess.run(cmd, cwd=work, capture_output=True, env=env).returncode == 0:
                frag = find_fragment(parse_file(work / file, root=work).fragments, name)
                return None if frag is None else frag.text
    return None


def fix_ranks(specs: list[dict[str, Any]], args: argparse.Namespace, emb: Any) -> int:
    """Where the known fix sits in each strategy's first-round order (no candidate is run).

    One baseline test run per program and strategy (:func:`embedmotion.climb.plan`);
    the monkey's figure is the expected first position of a fix-equivalent candidate
    in a uniformly random order, (n + 1) / (g + 1).  Flaky programs are left out
    (``plan`` does not rerun, so it would not see them as flaky).
    """
    from embedmotion.climb import plan
    from embedmotion.rewrites import same_code

    print(f"{'program':<24}{'pool':>6}{'fixes':>6}{'direction':>10}{'nearest':>9}{'monkey~':>9}")
    rows = []
    for spec in specs:
        if "reruns" in spec:
            continue
        fixed = fixed_fragment(spec)
        if fixed is None:
            continue
        ranks: dict[str, int | None] = {}
        n = g = 0
        for s in ("direction", "nearest"):
            pool = plan(
                spec["dir"],
                spec["test_command"],
                target=spec["target"],
                strategy=s,  # type: ignore[arg-type]
                seed=args.seed,
                embedder=emb,
            )
            hits = [c["rank"] for c in pool if same_code(c["text"], fixed, spec["language"])]
            ranks[s] = hits[0] if hits else None
            n, g = len(pool), len(hits)
        if not g:
            print(f"{spec['id']:<24}{n:>6}{0:>6}  (the fix is not among the candidates)")
            continue
        monkey = (n + 1) / (g + 1)
        rows.append((n, ranks["direction"], ranks["nearest"], monkey))
        print(
            f"{spec['id']:<24}{n:>6}{g:>6}{ranks['direction']:>10}{ranks['nearest']:>9}"
            f"{monkey:>9.1f}"
        )
    if not rows:
        return 1
    print()
    print(f"{len(rows)} programs with the fix among the candidates")
    for k, name in ((1, "direction"), (2, "nearest"), (3, "monkey (expected)")):
        r = [float(x[k]) for x in rows]  # type: ignore[arg-type]
        pct = _mean([x[k] / x[0] for x in rows])  # type: ignore[operator]
        print(
            f"{name:<18} median rank {statistics.median(r):6.1f}  mean {_mean(r):6.1f}  "
            f"mean rank/pool {pct:.2f}  within {args.budget - 3}: "
            f"{sum(x <= args.budget - 3 for x in r)}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bugs", type=Path, default=ROOT / "data" / "bugs")
    ap.add_argument("--ids", nargs="+", help="only these programs")
    ap.add_argument("--strategies", nargs="+", default=list(STRATEGIES), choices=STRATEGIES)
    ap.add_argument("--budget", type=int, default=30, help="test runs per program and strategy")
    ap.add_argument("--seed", type=int, default=0, help="the seed of every strategy")
    ap.add_argument(
        "--monkey-seeds",
        type=int,
        nargs="*",
        default=[],
        help="more seeds for the monkey alone (the others do not depend on it)",
    )
    ap.add_argument("--reruns", type=int, default=3, help="reruns for non-flaky programs")
    ap.add_argument("--wall-time", type=float, default=900.0, help="seconds per climb at most")
    ap.add_argument("--model", default=None, help="embedder spec (default: the packaged model)")
    ap.add_argument("--out", type=Path, default=None, help="append results here (JSON lines)")
    ap.add_argument("--resume", action="store_true", help="skip results already in --out")
    ap.add_argument("--traces", type=Path, default=None, help="write each climb's trace here")
    ap.add_argument("--summary", type=Path, default=None, help="only summarise this results file")
    ap.add_argument(
        "--fix-ranks",
        action="store_true",
        help="only rank: where is the known fix in each strategy's first round?",
    )
    args = ap.parse_args(argv)
    if args.summary:
        saved = [json.loads(x) for x in args.summary.read_text().splitlines() if x.strip()]
        summarize(saved, [s for s in STRATEGIES if any(r["strategy"] == s for r in saved)])
        return 0
    os.environ.setdefault("GOPROXY", "off")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from embedmotion.embedding import load_embedder

    emb = load_embedder(args.model)
    specs = programs(args.bugs, args.ids)
    if args.fix_ranks:
        return fix_ranks(specs, args, emb)
    rows: list[dict[str, Any]] = []
    done: set[tuple[str, str, int]] = set()
    if args.out and args.resume and args.out.exists():
        rows = [json.loads(x) for x in args.out.read_text().splitlines() if x.strip()]
        seeds = {args.seed, *args.monkey_seeds}
        rows = [r for r in rows if r["budget"] == args.budget and r["seed"] in seeds]
        done = {(r["id"], r["strategy"], r["seed"]) for r in rows}
    t0 = time.perf_counter()
    for n, spec in enumerate(specs):
        # strategies interleaved (machine load hits them alike) and rotated (so that no
        # strategy always pays for embedding a program's candidates the first time)
        k = n % len(args.strategies)
        jobs = [(s, args.seed) for s in args.strategies[k:] + args.strategies[:k]]
        if "monkey" in args.strategies:
            jobs += [("monkey", seed) for seed in args.monkey_seeds if seed != args.seed]
        for s, seed in jobs:
            if (spec["id"], s, seed) in done:
                continue
            row = run_one(spec, s, seed, args, emb)
            rows.append(row)
            mark = f"✓ {row['attempts']} attempts" if row["green"] else f"✗ {row['reason']}"
            print(
                f"[{time.perf_counter() - t0:7.0f}s] {spec['id']:<24} {s:<10} {seed:>3} {mark}, "
                f"{row['test_runs']} runs, {row['seconds']:.1f}s",
                file=sys.stderr,
                flush=True,
            )
            if args.out:
                with args.out.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row) + "\n")
    print(
        f"# budget {args.budget} test runs, seed {args.seed} (monkey also {args.monkey_seeds}), "
        f"model {emb.model_id}"
    )
    summarize(rows, args.strategies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
