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
both repaired.  Every result is appended to ``--out`` as it finishes (JSON
lines), and ``--resume`` skips what that file already holds.

Usage::

    python benchmarks/bench_climb.py                       # all programs, budget 30
    python benchmarks/bench_climb.py --ids slugify lru-cache --budget 20
    python benchmarks/bench_climb.py --out /tmp/climb.jsonl --resume --traces /tmp/traces
    python benchmarks/bench_climb.py --summary /tmp/climb.jsonl   # only the tables
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
    spec: dict[str, Any], strategy: str, args: argparse.Namespace, emb: Any
) -> dict[str, Any]:
    from embedmotion.climb import climb
    from embedmotion.errors import EmbedmotionError

    trace = None
    if args.traces:
        args.traces.mkdir(parents=True, exist_ok=True)
        trace = args.traces / f"{spec['id']}.{strategy}.jsonl"
    t0 = time.perf_counter()
    row: dict[str, Any] = {
        "id": spec["id"],
        "kind": spec["kind"],
        "language": spec["language"],
        "strategy": strategy,
        "budget": args.budget,
        "seed": args.seed,
    }
    try:
        res = climb(
            spec["dir"],
            spec["test_command"],
            target=spec["target"],
            budget=args.budget,
            strategy=strategy,  # type: ignore[arg-type]
            seed=args.seed,
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


def summarize(rows: list[dict[str, Any]], strategies: list[str], out: Any = sys.stdout) -> None:
    by: dict[tuple[str, str], dict[str, Any]] = {(r["id"], r["strategy"]): r for r in rows}
    ids = list(dict.fromkeys(r["id"] for r in rows))
    kinds = {r["id"]: r["kind"] for r in rows}
    w = max([len(i) for i in ids] + [7])
    print(f"{'program':<{w}}  {'kind':<20}" + "".join(f"{s:>14}" for s in strategies), file=out)
    for i in ids:
        cells = []
        for s in strategies:
            r = by.get((i, s))
            if r is None:
                cells.append(f"{'-':>14}")
            elif r["green"]:
                cells.append(f"{'✓ ' + str(r['attempts']) + '/' + str(r['test_runs']):>14}")
            else:
                cells.append(f"{'✗ ' + str(r['test_runs']):>14}")
        print(f"{i:<{w}}  {kinds[i]:<20}" + "".join(cells), file=out)
    print(file=out)
    print(
        f"{'strategy':<10}{'programs':>9}{'repaired':>9}{'median att':>11}{'mean att':>9}"
        f"{'test runs':>10}{'mean runs':>10}{'wall s':>9}",
        file=out,
    )
    stats: dict[str, dict[str, Any]] = {}
    for s in strategies:
        rs = [r for r in rows if r["strategy"] == s]
        ok = [r for r in rs if r["green"]]
        att = [r["attempts"] for r in ok]
        stats[s] = {"ok": {r["id"] for r in ok}, "att": {r["id"]: r["attempts"] for r in ok}}
        print(
            f"{s:<10}{len(rs):>9}{len(ok):>9}"
            f"{statistics.median(att) if att else float('nan'):>11.1f}{_mean(att):>9.2f}"
            f"{sum(r['test_runs'] for r in rs):>10}{_mean([r['test_runs'] for r in rs]):>10.1f}"
            f"{sum(r['seconds'] for r in rs):>9.0f}",
            file=out,
        )
    if "direction" in stats and "monkey" in stats:
        d, m = stats["direction"], stats["monkey"]
        ratio = (
            _mean(list(d["att"].values())) / _mean(list(m["att"].values()))
            if d["att"] and m["att"]
            else float("nan")
        )
        both = sorted(d["ok"] & m["ok"])
        paired = (
            _mean([d["att"][i] for i in both]) / _mean([m["att"][i] for i in both])
            if both
            else float("nan")
        )
        wins = sum(d["att"][i] < m["att"][i] for i in both)
        losses = sum(d["att"][i] > m["att"][i] for i in both)
        print(file=out)
        print(
            f"direction/monkey mean attempts to green: {ratio:.2f} (each on its own repaired "
            f"programs: {len(d['ok'])} vs {len(m['ok'])})",
            file=out,
        )
        print(
            f"  on the {len(both)} programs both repaired: {paired:.2f} "
            f"(direction fewer attempts on {wins}, more on {losses}, ties "
            f"{len(both) - wins - losses})",
            file=out,
        )
        if "nearest" in stats and stats["nearest"]["att"] and m["att"]:
            n = stats["nearest"]
            print(
                f"nearest/monkey mean attempts to green: "
                f"{_mean(list(n['att'].values())) / _mean(list(m['att'].values())):.2f}",
                file=out,
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bugs", type=Path, default=ROOT / "data" / "bugs")
    ap.add_argument("--ids", nargs="+", help="only these programs")
    ap.add_argument("--strategies", nargs="+", default=list(STRATEGIES), choices=STRATEGIES)
    ap.add_argument("--budget", type=int, default=30, help="test runs per program and strategy")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reruns", type=int, default=3, help="reruns for non-flaky programs")
    ap.add_argument("--wall-time", type=float, default=900.0, help="seconds per climb at most")
    ap.add_argument("--model", default=None, help="embedder spec (default: the packaged model)")
    ap.add_argument("--out", type=Path, default=None, help="append results here (JSON lines)")
    ap.add_argument("--resume", action="store_true", help="skip results already in --out")
    ap.add_argument("--traces", type=Path, default=None, help="write each climb's trace here")
    ap.add_argument("--summary", type=Path, default=None, help="only summarise this results file")
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
    rows: list[dict[str, Any]] = []
    done: set[tuple[str, str]] = set()
    if args.out and args.resume and args.out.exists():
        rows = [json.loads(x) for x in args.out.read_text().splitlines() if x.strip()]
        rows = [r for r in rows if r["budget"] == args.budget and r["seed"] == args.seed]
        done = {(r["id"], r["strategy"]) for r in rows}
    t0 = time.perf_counter()
    for n, spec in enumerate(specs):
        # strategies interleaved (machine load hits them alike) and rotated (so that no
        # strategy always pays for embedding a program's candidates the first time)
        k = n % len(args.strategies)
        for s in args.strategies[k:] + args.strategies[:k]:
            if (spec["id"], s) in done:
                continue
            row = run_one(spec, s, args, emb)
            rows.append(row)
            mark = f"✓ {row['attempts']} attempts" if row["green"] else f"✗ {row['reason']}"
            print(
                f"[{time.perf_counter() - t0:7.0f}s] {spec['id']:<24} {s:<10} {mark}, "
                f"{row['test_runs']} runs, {row['seconds']:.1f}s",
                file=sys.stderr,
                flush=True,
            )
            if args.out:
                with args.out.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row) + "\n")
    print(f"# budget {args.budget} test runs, seed {args.seed}, model {emb.model_id}")
    summarize(rows, args.strategies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
