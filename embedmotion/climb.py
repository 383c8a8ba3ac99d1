"""Climb: the fitness loop that follows the gradient.

Requirements (the tests), a generator of programs (candidate edits), a fitness
check (running the tests) and failures turned into more requirements (a
direction) — closed into one loop::

    from embedmotion.climb import climb, apply_result
    result = climb("path/to/project", "python -m pytest -q tests", budget=30, trace="climb.jsonl")
    result.green, result.attempts, result.test_runs
    print(result.diff)                    # the accepted change, as a patch
    apply_result("path/to/project", result)   # only when you want it (atomic, with a backup)

Each round:

1. run the tests in a **scratch copy** of the project (the user's tree is never
   touched; a per-run timeout kills the whole process group; CPU time and
   memory are capped with ``setrlimit``);
2. parse the failures (:mod:`embedmotion.failures`; ``node --test``'s TAP too).
   A failing suite is rerun (``reruns``): when the outcomes differ the suite is
   **flaky**, and the direction is ``less-flaky`` instead of a repair; a
   candidate then has to stay green ``reruns`` runs in a row;
3. find the **suspects**: ``target=`` (``FILE::name``, or ``FILE`` for its
   functions), else the fragments outside test files that the failures point
   at — the deepest frames of project code, then the functions the failing
   tests call (and the functions those call);
4. derive a **direction** from the failures (:mod:`embedmotion.remedy`) and pick
   the operator **families** by failure kind (``repair``; plus ``null-safety``
   for ``None``/``null`` errors, ``error-handling``, ``resource-cleanup``;
   ``less-flaky`` for flaky suites);
5. generate candidates (:mod:`embedmotion.rewrites`) and **rank** them by the
   strategy: ``direction`` (alignment of each candidate's motion with the
   direction, :class:`embedmotion.suggest.Ranker`), ``nearest`` (no direction:
   closest to the original first) or ``monkey`` (random order).  All three see
   the *same* candidates, with the same seed and budget;
6. evaluate in rank order.  A candidate that removes failures without breaking
   a passing test becomes the new base (**warmer**: with ``direction`` the
   direction is pulled towards its motion) and candidates are generated again
   from it; one that makes things worse (more failures, a broken test, a
   timeout) is reverted and its motion is pushed away from (**colder**: the
   direction loses that component, more weakly for a change that did nothing,
   and the remaining candidates are re-ranked).

It stops at green, or when the budget of test runs, the wall time or the
candidates run out.  The result holds the accepted change as a patch
(:attr:`ClimbResult.diff`); :func:`apply_result` writes it to the user's tree,
atomically, keeping a ``FILE.orig`` backup.  Ctrl-C leaves the user's tree as
it was (the scratch copy is removed, the test process group killed).

**The trace** (``trace=``, and :attr:`ClimbResult.trace`) is one JSON object per
line, each with ``t`` (seconds since the start), ``strategy`` and ``event``:

``start``      project, scratch copy, test command, target, seed, budget, reruns
``run``        one test run: ``run`` (its number), ``phase`` (baseline / rerun /
               attempt / confirm), ``green``, ``failures``, ``failing``,
               ``passed``, ``timed_out``, ``seconds``
``diagnosis``  ``flaky``, ``suspects`` (ref + suspicion), ``families``, ``language``,
               ``direction`` (provenance and its unit ``vector``), ``timeout`` per run
``round``      the candidate pool of a round: per candidate its ``id``, ``target``,
               ``operator`` and score ``parts``, in ranked order
``attempt``    one candidate tried: ``attempt``, ``round``, ``rank``, ``id``,
               ``target``, ``path``, ``operator``, ``family``, ``description``,
               ``before`` and ``after`` (the fragment's text: embed them to place
               the step), ``diff``, ``parts`` (``score``, ``align``, ``closeness``,
               ``decode``, ``suspicion``; ``nearest`` has ``closeness`` and
               ``suspicion`` only, ``monkey`` none: it ranks, and embeds, nothing),
               ``outcome`` (green / warmer / colder / neutral / timeout),
               ``tests_before`` and ``tests_after``, ``runs`` (test runs so far)
``end``        ``green``, ``reason``, ``attempts``, ``test_runs``, ``seconds``

A plot of the path embeds each attempt's ``before``/``after`` (or their hunks)
and draws the accepted steps; the ``diagnosis`` row's vector is the arrow.
"""

from __future__ import annotations

import difflib
import json
import os
import random
import shlex
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .candidates import (
    COLDER,
    COLDER_NEUTRAL,
    WARMER,
    Candidate,
    EmbeddingMemo,
    direction_for,
    families_for,
    generate_candidates,
    motion_of,
    nudge,
    rank_order,
    score_candidates,
    stable_failures,
)
from .errors import EmbedmotionError, InputError, UsageError, check_param
from .sandbox import IGNORE, RunOutcome, run_tests, scratch_copy

if TYPE_CHECKING:
    from .embedding import Embedder
    from .failures import Failure
    from .fragments import Fragment
    from .geometry import Direction

Strategy = Literal["direction", "nearest", "monkey"]
STRATEGIES = ("direction", "nearest", "monkey")
MAX_SUSPECTS = 3
MAX_CANDIDATES = 400  # per round, shared by the suspects


# ------------------------------------------------------------------------------ results
@dataclass
class ClimbResult:
    """What a climb found: the accepted change (``diff``), the effort, the trace.

    ``original``/``final`` are the texts of the fragment ``target`` (in ``path``)
    before and after; ``files`` maps every changed file to its (before, after)
    contents, which is what :func:`apply_result` writes.
    """

    green: bool
    attempts: int
    test_runs: int
    seconds: float
    target: str
    original: str
    final: str
    strategy: str
    flaky: bool
    trace: list[dict[str, Any]] = field(default_factory=list)
    path: str = ""
    reason: str = ""
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    suspects: list[str] = field(default_factory=list)
    failures_before: int = 0
    failures_after: int = 0

    @property
    def diff(self) -> str:
        if self.files:
            return "".join(_unified(a, b, rel) for rel, (a, b) in sorted(self.files.items()))
        return _unified(self.original, self.final, self.path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "green": self.green,
            "attempts": self.attempts,
            "test_runs": self.test_runs,
            "seconds": round(self.seconds, 3),
            "target": self.target,
            "path": self.path,
            "strategy": self.strategy,
            "flaky": self.flaky,
            "reason": self.reason,
            "suspects": self.suspects,
            "failures_before": self.failures_before,
            "failures_after": self.failures_after,
            "files": sorted(self.files),
            "diff": self.diff,
        }


def _unified(before: str, after: str, rel: str) -> str:
    def lines(text: str) -> list[str]:
        return [x if x.endswith("\n") else x + "\n" for x in text.splitlines(keepends=True)]

    return "".join(
        difflib.unified_diff(lines(before), lines(after), fromfile=f"a/{rel}", tofile=f"b/{rel}")
    )


# ------------------------------------------------------------------------------ suspects
@dataclass
class _Site:
    """A suspect the loop may edit: where its current text is, and how suspect it is."""

    rel: str
    frag: Fragment
    start: int  # byte offset of its current text in the scratch file
    text: str  # its current text
    suspicion: float

    @property
    def ref(self) -> str:
        return f"{self.rel}::{self.frag.name}"


def _sites(scratch: Path, target: str | None, failures: Sequence[Failure]) -> list[_Site]:
    from .suspects import find_suspects

    return [
        _Site(s.fragment.path, s.fragment, s.fragment.start_byte, s.fragment.text, s.score)
        for s in find_suspects(scratch, failures, target=target, limit=MAX_SUSPECTS)
    ]


# ------------------------------------------------------------------------------ the loop
def _pool(
    sites: list[_Site], families: Sequence[str] | None, tried: set[tuple[int, str]]
) -> list[Candidate]:
    """Every untried candidate of every site (the same list whatever the strategy)."""
    per_site = max(60, MAX_CANDIDATES // max(1, len(sites)))
    out: list[Candidate] = []
    for s, site in enumerate(sites):
        for text, op, fam, desc in generate_candidates(
            site.text, site.frag.language, families, per_site
        ):
            if (s, text) not in tried and text.strip() != site.text.strip():
                out.append(Candidate(s, text, op, fam, desc))
    return out


def _verdict(res: RunOutcome, base: RunOutcome, green: bool, flaky: bool) -> str:
    """green / timeout / warmer / colder / neutral, for a candidate's run against the base."""
    if green:
        return "green"
    if res.timed_out:
        return "timeout"
    broke = bool(res.failing) and bool(base.failing) and bool(set(res.failing) - set(base.failing))
    if broke or res.n_failures > base.n_failures:
        return "colder"
    if not flaky and res.n_failures < base.n_failures:
        return "warmer"
    return "neutral"


class _Loop:
    """The state of one climb (see :func:`climb`): runs, files, suspects, direction."""

    def __init__(
        self,
        root: Path,
        scratch: Path,
        command: str,
        strategy: str,
        *,
        budget: int,
        wall_time: float,
        seed: int,
        timeout: float,
        reruns: int,
        memory_mb: int,
        trace: Any,
    ) -> None:
        self.root, self.scratch, self.command, self.strategy = root, scratch, command, strategy
        self.budget, self.wall_time, self.seed = budget, wall_time, seed
        self.timeout = self.run_timeout = timeout
        self.reruns, self.memory_mb, self.trace_fh = reruns, memory_mb, trace
        self.callback: Callable[[dict[str, Any]], None] | None = None
        self.rows: list[dict[str, Any]] = []
        self.runs = self.attempts = 0
        self.t0 = time.perf_counter()
        self.originals: dict[str, bytes] = {}
        self.sites: list[_Site] = []
        self.flaky = False
        self.direction: Direction | None = None
        self.emb: Any = None

    # -- bookkeeping
    def log(self, row: dict[str, Any]) -> None:
        row = {"t": round(time.perf_counter() - self.t0, 3), "strategy": self.strategy, **row}
        self.rows.append(row)
        if self.trace_fh is not None:
            self.trace_fh.write(json.dumps(row, default=str) + "\n")
            self.trace_fh.flush()
        if self.callback is not None:
            self.callback(row)

    def has_budget(self) -> bool:
        return self.runs < self.budget and time.perf_counter() - self.t0 < self.wall_time

    def test(self, phase: str) -> RunOutcome:
        self.runs += 1
        res = run_tests(
            self.command, self.scratch, timeout=self.run_timeout, memory_mb=self.memory_mb
        )
        self.log({"event": "run", "run": self.runs, "phase": phase, **res.summary()})
        return res

    # -- files
    def put(self, site: _Site, new_text: str) -> int:
        """Write ``new_text`` in place of the site's current text; return the byte delta."""
        file = self.scratch / site.rel
        data = file.read_bytes()
        self.originals.setdefault(site.rel, data)
        old = site.text.encode("utf-8")
        end = site.start + len(old)
        if data[site.start : end] != old:
            raise InputError(
                f"{site.rel} changed under climb.",
                fix="Do not edit the scratch copy while climbing.",
            )
        new = new_text.encode("utf-8")
        file.write_bytes(data[: site.start] + new + data[end:])
        return len(new) - len(old)

    def revert(self, site: _Site, written: str) -> None:
        """Put the site's current text back where ``written`` (a candidate) is."""
        current, site.text = site.text, written
        try:
            self.put(site, current)
        finally:
            site.text = current

    def accept(self, site: _Site, text: str, delta: int) -> None:
        for other in self.sites:
            if other is not site and other.rel == site.rel and other.start > site.start:
                other.start += delta
        site.text = text

    def files(self) -> dict[str, tuple[str, str]]:
        out = {}
        for rel, before in self.originals.items():
            after = (self.scratch / rel).read_bytes()
            if after != before:
                out[rel] = (
                    before.decode("utf-8", "surrogateescape"),
                    after.decode("utf-8", "surrogateescape"),
                )
        return out

    # -- phases
    def diagnose(self) -> tuple[RunOutcome, bool]:
        """Baseline and reruns: (the failing run to start from, green already?)."""
        first = self.test("baseline")
        if first.returncode in (126, 127):  # the shell could not start the command
            tail = first.log.strip().splitlines()[-1:] or [""]
            raise UsageError(
                f"The test command {self.command!r} did not start: {tail[0]}",
                fix="Check the command (it runs from the project root, with this "
                "Python's bin folder first on PATH).",
            )
        seen = [first]
        for _ in range(self.reruns - 1):
            if not self.has_budget():
                break
            again = self.test("rerun")
            seen.append(again)
            if again.green != first.green or set(again.failing) != set(first.failing):
                self.flaky = True
                break
        fast = [o.seconds for o in seen if not o.timed_out]
        if fast:
            self.run_timeout = min(self.timeout, max(10.0, 4 * max(fast) + 5))
        failing = [o for o in seen if not o.green]
        return (failing[0], False) if failing else (first, True)

    def prepare(
        self,
        base: RunOutcome,
        target: str | None,
        families: list[str] | None,
        embedder: Embedder | None,
    ) -> list[str] | None:
        """Suspects, families and direction; returns the families."""
        self.sites = _sites(self.scratch, target, base.records)
        language = self.sites[0].frag.language
        fams = (
            families if families is not None else families_for(self.flaky, base.records, language)
        )
        self.emb = EmbeddingMemo(embedder if embedder is not None else _default_embedder())
        try:
            failures = stable_failures(base.records, self.scratch)
            self.direction = direction_for(self.flaky, failures, self.emb)
        except EmbedmotionError as exc:
            self.log({"event": "warning", "message": f"no direction: {exc}"})
        d = self.direction
        self.log(
            {
                "event": "diagnosis",
                "flaky": self.flaky,
                "language": language,
                "families": fams,
                "timeout": self.run_timeout,
                "suspects": [
                    {"ref": s.ref, "suspicion": round(s.suspicion, 4)} for s in self.sites
                ],
                "direction": None
                if d is None
                else {
                    "provenance": d.provenance_,
                    "vector": [round(float(x), 5) for x in d.vector_],
                },
            }
        )
        return fams

    def _bases(self) -> list[tuple[str, float]]:
        return [(s.text, s.suspicion) for s in self.sites]

    def rank(self, cands: list[Candidate], rng: random.Random) -> list[int]:
        idx = list(range(len(cands)))
        if self.strategy == "monkey":  # ranks nothing, so embeds nothing (its wall time is honest)
            rng.shuffle(idx)
            return idx
        d = self.direction if self.strategy == "direction" else None  # nearest: no direction
        score_candidates(cands, self._bases(), d, self.emb)
        return rank_order(cands, idx, self.strategy)

    def attempt(
        self, cands: list[Candidate], i: int, rank: int, round_: int, base: RunOutcome
    ) -> tuple[str, RunOutcome]:
        """Try candidate ``i``: write it, test it, log it; keep it if green or warmer."""
        cand = cands[i]
        site = self.sites[cand.site]
        before = site.text
        delta = self.put(site, cand.text)
        self.attempts += 1
        res = self.test("attempt")
        green = res.green
        for _ in range(self.reruns - 1 if green and self.flaky else 0):
            if not self.has_budget():  # a flaky suite's candidate must stay green
                green = False
                break
            res = self.test("confirm")
            if not res.green:
                green = False
                break
        verdict = _verdict(res, base, green, self.flaky)
        self.log(
            {
                "event": "attempt",
                "attempt": self.attempts,
                "round": round_,
                "rank": rank,
                "id": i,
                "target": site.ref,
                "path": site.rel,
                "operator": cand.operator,
                "family": cand.family,
                "description": cand.description,
                "before": before,
                "after": cand.text,
                "diff": _unified(before, cand.text, site.rel),
                "parts": cand.parts,
                "outcome": verdict,
                "tests_before": base.summary(),
                "tests_after": res.summary(),
                "runs": self.runs,
            }
        )
        if verdict in ("green", "warmer"):
            self.accept(site, cand.text, delta)
        else:
            self.revert(site, cand.text)
        if self.direction is not None and self.strategy == "direction" and verdict != "green":
            weight = {"warmer": WARMER, "neutral": -COLDER_NEUTRAL}.get(verdict, -COLDER)
            event = "warmer" if weight > 0 else "colder"
            self.direction = nudge(
                self.direction, motion_of(before, cand.text, self.emb), weight, event
            )
        return verdict, res

    def run(
        self,
        target: str | None,
        families: list[str] | None,
        embedder: Embedder | None,
        max_rounds: int,
    ) -> ClimbResult:
        base, green = self.diagnose()
        if green:
            return self.result(True, "already green", base, 0)
        fams = self.prepare(base, target, families, embedder)
        rng = random.Random(self.seed)
        tried: set[tuple[int, str]] = set()
        for round_ in range(1, max_rounds + 1):
            cands = _pool(self.sites, fams, tried)
            if not cands and families is None and round_ == 1:
                fams = None  # no candidate of the kind: every family
                cands = _pool(self.sites, fams, tried)
            if not cands:
                return self.result(False, "no candidate left", base, base.n_failures)
            idx = self.rank(cands, rng)
            self.log(
                {
                    "event": "round",
                    "round": round_,
                    "n_candidates": len(cands),
                    "families": fams,
                    "pool": [
                        {
                            "id": i,
                            "target": self.sites[cands[i].site].ref,
                            "operator": cands[i].operator,
                            "parts": cands[i].parts,
                        }
                        for i in idx
                    ],
                }
            )
            warmer = False
            rank = 0
            while idx and self.has_budget() and not warmer:
                i = idx.pop(0)
                rank += 1
                tried.add((cands[i].site, cands[i].text))
                verdict, res = self.attempt(cands, i, rank, round_, base)
                if verdict == "green":
                    return self.result(True, "green", base, 0)
                if verdict == "warmer":
                    base, warmer = res, True
                elif self.direction is not None and self.strategy == "direction":
                    rest = [cands[j] for j in idx]
                    score_candidates(rest, self._bases(), self.direction, self.emb)
                    idx = rank_order(cands, idx, "direction")
            if not warmer:
                break
        if time.perf_counter() - self.t0 >= self.wall_time:
            reason = "wall time spent"
        elif self.runs >= self.budget:
            reason = "budget spent"
        else:
            reason = "max rounds reached" if warmer else "no candidate left"
        return self.result(False, reason, base, base.n_failures)

    def result(self, green: bool, reason: str, base: RunOutcome, after: int) -> ClimbResult:
        changed = [s for s in self.sites if s.text != s.frag.text]
        main = changed[0] if changed else (self.sites[0] if self.sites else None)
        first = next((r for r in self.rows if r.get("event") == "run"), {})
        return ClimbResult(
            green,
            self.attempts,
            self.runs,
            time.perf_counter() - self.t0,
            main.ref if main else "",
            main.frag.text if main else "",
            main.text if main else "",
            self.strategy,
            self.flaky,
            self.rows,
            main.rel if main else "",
            reason,
            self.files(),
            [s.ref for s in self.sites],
            int(first.get("failures", base.n_failures)),
            after,
        )


def climb(
    project: str | os.PathLike[str],
    test_command: str,
    *,
    target: str | None = None,
    budget: int = 40,
    wall_time: float = 900.0,
    strategy: Strategy = "direction",
    seed: int = 0,
    timeout: float = 60.0,
    reruns: int = 3,
    families: Iterable[str] | None = None,
    trace: str | os.PathLike[str] | None = None,
    embedder: Embedder | None = None,
    max_rounds: int = 3,
    memory_mb: int = 4096,
    callback: Callable[[dict[str, Any]], None] | None = None,
) -> ClimbResult:
    """Repair ``project`` until ``test_command`` passes; see the module docstring.

    ``budget``: test runs at most; ``wall_time``: seconds at most; ``timeout``:
    seconds per test run (lowered to 4x the slowest baseline run + 5 s, at least
    10 s, once the baseline is known); ``reruns``: runs that decide whether the
    suite is flaky, and the green streak a flaky suite's candidate needs;
    ``families``: operator families (default: chosen by failure kind);
    ``max_rounds``: how many times an accepted ("warmer") candidate may become
    the new base; ``memory_mb``: address-space limit of a test run (0: none);
    ``callback``: called with every trace row as it happens (progress display).
    """
    check_param(wall_time > 0, "wall_time", "climb", "a positive number of seconds", wall_time)
    for name, value in (("budget", budget), ("reruns", reruns), ("max_rounds", max_rounds)):
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        check_param(ok, name, "climb", "a positive integer", value)
    root, fams = _checked(project, test_command, target, strategy, timeout, families)
    scratch = scratch_copy(root)
    trace_fh = None
    try:
        trace_fh = open(trace, "w", encoding="utf-8") if trace else None  # noqa: SIM115
        loop = _Loop(
            root,
            scratch,
            test_command,
            strategy,
            budget=budget,
            wall_time=wall_time,
            seed=seed,
            timeout=timeout,
            reruns=reruns,
            memory_mb=memory_mb,
            trace=trace_fh,
        )
        loop.callback = callback
        loop.log(
            {
                "event": "start",
                "project": str(root),
                "scratch": str(scratch),
                "test_command": test_command,
                "target": target,
                "budget": budget,
                "seed": seed,
                "reruns": reruns,
                "wall_time": wall_time,
                "timeout": timeout,
            }
        )
        result = loop.run(target, fams, embedder, max_rounds)
        loop.log(
            {
                "event": "end",
                "green": result.green,
                "reason": result.reason,
                "attempts": result.attempts,
                "test_runs": result.test_runs,
                "seconds": round(result.seconds, 3),
            }
        )
        result.trace = loop.rows
        return result
    finally:
        if trace_fh is not None:
            trace_fh.close()
        shutil.rmtree(scratch.parent, ignore_errors=True)


def _checked(
    project: str | os.PathLike[str],
    test_command: str,
    target: str | None,
    strategy: str,
    timeout: float,
    families: Iterable[str] | None,
) -> tuple[Path, list[str] | None]:
    """Clear errors for bad arguments, before anything runs."""
    check_param(strategy in STRATEGIES, "strategy", "climb", f"one of {STRATEGIES}", strategy)
    check_param(timeout > 0, "timeout", "climb", "a positive number of seconds", timeout)
    root = Path(project)
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory.", fix="Pass the project's root directory.")
    if not test_command.strip():
        raise UsageError(
            "climb needs a test command.", fix='e.g. --test "python -m pytest -q tests"'
        )
    try:
        shlex.split(test_command)
    except ValueError as exc:
        raise UsageError(
            f"Cannot read the test command {test_command!r}: {exc}.", fix="Check its quotes."
        ) from None
    if target and not (root / target.partition("::")[0]).is_file():
        raise UsageError(
            f"--target {target}: no file {target.partition('::')[0]} in {root}.",
            fix="Give FILE or FILE::qualified.name, relative to the project root.",
        )
    fams = None if families is None else list(families)
    if fams is not None:
        from .rewrites import operators_for

        operators_for("python", fams)  # a clear error for an unknown family name
    return root, fams


def plan(
    project: str | os.PathLike[str],
    test_command: str,
    *,
    target: str | None = None,
    strategy: Strategy = "direction",
    seed: int = 0,
    timeout: float = 60.0,
    families: Iterable[str] | None = None,
    embedder: Embedder | None = None,
    memory_mb: int = 4096,
) -> list[dict[str, Any]]:
    """The candidates :func:`climb` would try first, in its order — without trying them.

    One test run (the baseline, in a scratch copy), then the first round's pool,
    ranked by ``strategy``: per candidate its ``rank``, ``target``, ``operator``,
    ``family``, ``description``, ``text``, ``diff`` and score ``parts``.  Empty
    when the tests already pass.  (No reruns: a flaky suite is not recognised.)
    """
    root, fams = _checked(project, test_command, target, strategy, timeout, families)
    scratch = scratch_copy(root)
    try:
        loop = _Loop(
            root,
            scratch,
            test_command,
            strategy,
            budget=1,
            wall_time=float("inf"),
            seed=seed,
            timeout=timeout,
            reruns=1,
            memory_mb=memory_mb,
            trace=None,
        )
        base, green = loop.diagnose()
        if green:
            return []
        fams = loop.prepare(base, target, fams, embedder)
        cands = _pool(loop.sites, fams, set())
        if not cands and families is None:
            cands = _pool(loop.sites, None, set())
        out = []
        for rank, i in enumerate(loop.rank(cands, random.Random(seed)), 1):
            c, site = cands[i], loop.sites[cands[i].site]
            out.append(
                {
                    "rank": rank,
                    "target": site.ref,
                    "operator": c.operator,
                    "family": c.family,
                    "description": c.description,
                    "text": c.text,
                    "diff": _unified(site.text, c.text, site.rel),
                    "parts": c.parts,
                }
            )
        return out
    finally:
        shutil.rmtree(scratch.parent, ignore_errors=True)


def _default_embedder() -> Embedder:
    from .embedding import load_embedder

    return load_embedder()


# ------------------------------------------------------------------------------ applying
def apply_result(project: str | os.PathLike[str], result: ClimbResult) -> Path:
    """Write the accepted change into the user's tree (atomic, ``FILE.orig`` backup).

    Every changed file is checked first (it must still hold what climb started
    from), then written to a temporary file next to it, backed up and swapped
    in with :func:`os.replace`.  Returns the (first) file written.
    """
    if not result.green or not (result.files or result.path):
        raise UsageError(
            "There is no accepted change to apply.",
            fix="Only a green climb with a change can be applied.",
        )
    root = Path(project)
    changes = result.files or {result.path: (result.original, result.final)}
    plan: list[tuple[Path, bytes]] = []
    for rel, (before, after) in sorted(changes.items()):
        file = root / rel
        if not file.is_file():
            raise InputError(f"{file} is missing.", fix="Run climb again on this project.")
        text = file.read_bytes().decode("utf-8", "surrogateescape")
        if result.files and text == before:
            new = after
        elif len(changes) == 1 and result.original and text.count(result.original) == 1:
            new = text.replace(result.original, result.final, 1)
        else:
            raise InputError(f"{file} changed since climbing.", fix="Run climb again.")
        plan.append((file, new.encode("utf-8", "surrogateescape")))
    temps: list[tuple[Path, str]] = []
    try:
        for file, data in plan:
            fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            shutil.copymode(file, tmp)
            temps.append((file, tmp))
        for file, tmp in temps:
            shutil.copy2(file, _backup_name(file))
            os.replace(tmp, file)
    finally:
        for _, tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return plan[0][0]


def _backup_name(file: Path) -> Path:
    cand = file.with_name(file.name + ".orig")
    n = 1
    while cand.exists():
        cand = file.with_name(f"{file.name}.orig.{n}")
        n += 1
    return cand


__all__ = [
    "IGNORE",
    "STRATEGIES",
    "ClimbResult",
    "RunOutcome",
    "Strategy",
    "apply_result",
    "climb",
    "plan",
    "run_tests",
]
