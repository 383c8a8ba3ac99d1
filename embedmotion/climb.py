"""Climb: the fitness loop that follows the gradient.

Requirements (the tests), a generator of programs (candidate sources), a fitness
check (running the tests) and failures turned into more requirements (a
direction) — closed into one loop::

    from embedmotion.climb import climb
    result = climb("path/to/project", "python -m pytest -q tests", budget=30)
    result.green, result.attempts, print(result.diff)

Each round:

1. run the tests in a **scratch copy** of the project (the user's tree is never
   touched; a per-run timeout kills the whole process group; CPU and memory
   are capped with ``setrlimit``);
2. parse the failures (:mod:`embedmotion.failures`); when the first run fails,
   rerun it — mixed outcomes mean the suite is **flaky**, and the direction is
   ``less-flaky`` instead of a repair;
3. blame the fragment (or use ``target=``) and derive a **direction** from the
   failures (:mod:`embedmotion.remedy`);
4. generate candidates (rewrite operators, history) and **rank** them by the
   strategy: ``direction`` (alignment with the direction, :mod:`embedmotion.suggest`),
   ``nearest`` (no direction: closest to the original first) or ``monkey``
   (random order) — same candidates, same seed, same budget;
5. evaluate in rank order.  A candidate that fixes failures without breaking
   passing tests becomes the new base (**warmer**) and the loop goes on from it;
   one that makes things worse is reverted, and its motion is pushed away from
   (**colder**: the direction loses that component, and the remaining
   candidates are re-ranked).

Stops at green, or when the budget of test runs or wall time is spent.  Every
test run is logged to a JSONL trace (``trace=``).  The accepted change is
returned as a diff; :func:`apply_result` writes it to the user's tree
(atomically, with a ``.orig`` backup) — only when asked.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .algebra import unit
from .errors import InputError, UsageError, check_param

if TYPE_CHECKING:
    from .embedding import Embedder
    from .fragments import Fragment
    from .geometry import Direction

Strategy = Literal["direction", "nearest", "monkey"]
STRATEGIES = ("direction", "nearest", "monkey")
IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "node_modules", "__pycache__",
                                ".pytest_cache", ".mypy_cache", ".embedmotion", "*.pyc")
COLDER = 0.5  # how strongly a worse candidate's motion is removed from the direction


@dataclass
class RunOutcome:
    """One test run: exit code, failing test ids / failure count, whether it timed out."""

    returncode: int
    failing: list[str]
    n_failures: int
    timed_out: bool
    seconds: float
    log: str = ""

    @property
    def green(self) -> bool:
        return self.returncode == 0 and not self.timed_out


@dataclass
class ClimbResult:
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

    @property
    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            [x + "\n" for x in self.original.splitlines()], [x + "\n" for x in self.final.splitlines()],
            fromfile=f"a/{self.path}", tofile=f"b/{self.path}"))

    def to_dict(self) -> dict[str, Any]:
        return {"green": self.green, "attempts": self.attempts, "test_runs": self.test_runs,
                "seconds": self.seconds, "target": self.target, "strategy": self.strategy,
                "flaky": self.flaky, "reason": self.reason, "diff": self.diff}


# ------------------------------------------------------------------------------ test runs
def _limits(cpu_seconds: int, memory_mb: int) -> Any:
    def apply() -> None:
        import resource

        os.setsid()
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    return apply


def run_tests(command: str, cwd: Path, *, timeout: float = 60.0, memory_mb: int = 4096) -> RunOutcome:
    """Run ``command`` in ``cwd`` (its own process group, killed whole on timeout)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, shell=True, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env,
                            preexec_fn=_limits(int(timeout) + 5, memory_mb))  # noqa: PLW1509
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    log = out.decode("utf-8", "replace")
    failing, n = _failures_in(log)
    if (proc.returncode != 0 or timed_out) and n == 0:
        n = 1
    return RunOutcome(proc.returncode if not timed_out else -9, failing, n, timed_out,
                      time.perf_counter() - t0, log[-20000:])


def _failures_in(log: str) -> tuple[list[str], int]:
    from .errors import EmbedmotionError
    from .failures import parse_failures

    try:
        rep = parse_failures(log)
    except EmbedmotionError:
        return [], 0
    ids = sorted({f.test_id or f.message[:80] for f in rep.failures})
    return ids, len(ids)


# ------------------------------------------------------------------------------ the loop
def _scratch(project: Path) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="embedmotion-climb-"))
    dst = tmp / project.name
    shutil.copytree(project, dst, ignore=IGNORE, symlinks=True)
    return dst


def _splice(file: Path, frag: Fragment, old_text: str, new_text: str) -> None:
    data = file.read_bytes()
    start = frag.start_byte
    end = start + len(old_text.encode("utf-8"))
    if data[start:end].decode("utf-8", "replace") != old_text:
        raise InputError(f"{file} changed under climb.", fix="Do not edit the scratch copy while climbing.")
    file.write_bytes(data[:start] + new_text.encode("utf-8") + data[end:])


def _find_target(scratch: Path, target: str | None, outcome: RunOutcome) -> tuple[Path, Fragment]:
    from .parsing import find_fragment, parse_file

    if target:
        file_part, _, name = target.partition("::")
        file = scratch / file_part
        if not file.is_file():
            raise UsageError(f"--target {target}: no file {file_part} in the project.",
                             fix="Give a path relative to the project root, e.g. src/app.py::func.")
        frags = [f for f in parse_file(file, root=scratch).fragments if f.kind != "module"]
        frag = find_fragment(frags, name) if name else (frags[0] if len(frags) == 1 else None)
        if frag is None:
            raise UsageError(f"--target {target}: no such fragment.",
                             fix="Use FILE::qualified.name (see `embedmotion fragments FILE`).")
        return file, frag
    from .failures import blame, parse_failures

    rep = parse_failures(outcome.log)
    for b in blame(rep.failures, scratch):
        # prefer the deepest project frame that is not the test itself
        frag = b.blamed_fragment if b.blamed_fragment is not None else b.test_fragment
        if frag is not None:
            return scratch / frag.path, frag
    raise UsageError("climb could not tie the failures to a fragment of the project.",
                     fix="Pass --target FILE::name.")


def _candidates(text: str, language: str, families: Iterable[str] | None) -> list[tuple[str, str]]:
    from .rewrites import generate

    return [(c.text, c.operator) for c in generate(text, language, families=families, limit=400)]


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
) -> ClimbResult:
    """Repair ``project`` until ``test_command`` passes; see the module docstring."""
    check_param(strategy in STRATEGIES, "strategy", "climb", f"one of {STRATEGIES}", strategy)
    check_param(isinstance(budget, int) and budget > 0, "budget", "climb", "a positive integer", budget)
    root = Path(project)
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory.", fix="Pass the project's root directory.")
    if not test_command.strip():
        raise UsageError("climb needs a test command.", fix='e.g. --test "python -m pytest -q tests"')
    shlex.split(test_command)  # a clear error for unbalanced quotes
    t_start = time.perf_counter()
    scratch = _scratch(root)
    rows: list[dict[str, Any]] = []
    trace_fh = open(trace, "w", encoding="utf-8") if trace else None  # noqa: SIM115
    runs = 0

    def log(row: dict[str, Any]) -> None:
        row = {"t": round(time.perf_counter() - t_start, 3), "strategy": strategy, **row}
        rows.append(row)
        if trace_fh is not None:
            trace_fh.write(json.dumps(row) + "\n")
            trace_fh.flush()

    def test() -> RunOutcome:
        nonlocal runs
        runs += 1
        return run_tests(test_command, scratch, timeout=timeout)

    try:
        base = test()
        log({"event": "baseline", "green": base.green, "failures": base.n_failures,
             "failing": base.failing, "timed_out": base.timed_out})
        flaky = False
        if base.green:
            # green once; check it is not flaky green
            for _ in range(reruns - 1):
                again = test()
                if not again.green:
                    flaky, base = True, again
                    break
            if not flaky:
                return _result(True, 0, runs, t_start, "", "", "", strategy, False, rows, "",
                               "already green")
        else:
            for _ in range(reruns - 1):
                if runs >= budget:
                    break
                again = test()
                if again.green:
                    flaky = True
                    break
        log({"event": "diagnosis", "flaky": flaky})
        file, frag = _find_target(scratch, target, base)
        rel = str(file.relative_to(scratch))
        original = current = frag.text
        emb = embedder
        if emb is None:
            from .embedding import load_embedder

            emb = load_embedder()
        direction = _direction(flaky, base, emb)
        fam = families if families is not None else (["less-flaky"] if flaky else None)
        rng = random.Random(seed)
        attempts = 0
        rounds = 0
        while runs < budget and time.perf_counter() - t_start < wall_time and rounds < max_rounds:
            rounds += 1
            cands = _candidates(current, frag.language, fam)
            if not cands:
                break
            order = _rank(current, cands, strategy, direction, emb, rng)
            improved = False
            tried: set[int] = set()
            while order and runs < budget and time.perf_counter() - t_start < wall_time:
                i = order.pop(0)
                tried.add(i)
                text, op = cands[i]
                _splice(file, frag, current, text)
                attempts += 1
                res = test()
                ok = res.green
                if ok and flaky:  # a flaky suite must stay green over reruns
                    for _ in range(reruns - 1):
                        if runs >= budget:
                            ok = False
                            break
                        if not test().green:
                            ok = False
                            break
                broke = bool(set(res.failing) - set(base.failing))
                better = res.n_failures < base.n_failures and not broke
                log({"event": "attempt", "attempt": attempts, "operator": op, "green": ok,
                     "failures_before": base.n_failures, "failures_after": res.n_failures,
                     "failing_after": res.failing, "timed_out": res.timed_out,
                     "diff": "".join(difflib.unified_diff([x + "\n" for x in current.splitlines()],
                                                          [x + "\n" for x in text.splitlines()]))})
                if ok:
                    return _result(True, attempts, runs, t_start, rel + "::" + frag.name, original,
                                   text, strategy, flaky, rows, rel, "green")
                if better:  # warmer: keep it as the new base and generate again from it
                    current, base = text, res
                    improved = True
                    break
                _splice(file, frag, text, current)  # revert
                if strategy == "direction" and direction is not None and res.n_failures >= base.n_failures:
                    direction = _colder(direction, current, text, emb)
                    order = _rank(current, cands, strategy, direction, emb, rng, keep=order)
            if not improved:
                break
        reason = "budget spent" if runs >= budget else "no candidate left"
        return _result(False, attempts, runs, t_start, rel + "::" + frag.name, original, current,
                       strategy, flaky, rows, rel, reason)
    finally:
        if trace_fh is not None:
            trace_fh.close()
        shutil.rmtree(scratch.parent, ignore_errors=True)


def _result(green: bool, attempts: int, runs: int, t0: float, target: str, original: str,
            final: str, strategy: str, flaky: bool, rows: list[dict[str, Any]], path: str,
            reason: str) -> ClimbResult:
    return ClimbResult(green, attempts, runs, time.perf_counter() - t0, target, original, final,
                       strategy, flaky, rows, path, reason)


def _direction(flaky: bool, outcome: RunOutcome, emb: Embedder) -> Direction | None:
    from .directions import get_direction

    if flaky:
        return get_direction("less-flaky", embedder=emb)
    from .errors import EmbedmotionError
    from .failures import parse_failures
    from .remedy import direction_for_failures

    try:
        failures = parse_failures(outcome.log).failures
    except EmbedmotionError:
        failures = []
    if not failures:
        return get_direction("bugfix", embedder=emb)
    return direction_for_failures(failures[:5], method="nearest", embedder=emb)


def _rank(current: str, cands: list[tuple[str, str]], strategy: str, direction: Direction | None,
          emb: Embedder, rng: random.Random, keep: list[int] | None = None) -> list[int]:
    idx = list(range(len(cands))) if keep is None else list(keep)
    if strategy == "monkey":
        if keep is None:
            rng.shuffle(idx)
        return idx
    if strategy == "nearest" or direction is None:
        if keep is not None:
            return idx
        V = emb.encode([current] + [cands[i][0] for i in idx], normalize=True)
        close = V[1:] @ V[0]
        return [idx[j] for j in sorted(range(len(idx)), key=lambda j: (-close[j], idx[j]))]
    from .suggest import Ranker

    scores = Ranker(emb, direction).score(current, [cands[i][0] for i in idx])
    return [idx[j] for j in sorted(range(len(idx)), key=lambda j: (-scores[j]["score"], idx[j]))]


def _colder(direction: Direction, current: str, worse: str, emb: Embedder) -> Direction:
    """Push the direction away from a candidate's motion that made things worse."""
    from .edits import Edit
    from .fragments import Fragment
    from .geometry import Direction as D

    hb, ha = Edit(Fragment.from_text(current), Fragment.from_text(worse), "modified").hunk_texts(2)
    vb, va = emb.encode([hb, ha], normalize=True)
    m = unit(va - vb)
    v = direction.vector_ - COLDER * float(direction.vector_ @ m) * m if float(direction.vector_ @ m) > 0 \
        else direction.vector_
    if not np.isfinite(v).all() or float(np.linalg.norm(v)) < 1e-6:
        return direction
    prov = dict(direction.provenance_)
    prov["colder"] = int(prov.get("colder", 0)) + 1
    return D.from_vector(v, provenance=prov)


def apply_result(project: str | os.PathLike[str], result: ClimbResult) -> Path:
    """Write the accepted change into the user's tree (atomic, ``FILE.orig`` backup)."""
    if not result.green or not result.path:
        raise UsageError("There is no accepted change to apply.", fix="Only a green climb can be applied.")
    file = Path(project) / result.path
    text = file.read_text(encoding="utf-8")
    if text.count(result.original) != 1:
        raise InputError(f"{file} changed since climbing (the original fragment is not found once).",
                         fix="Run climb again.")
    shutil.copy2(file, file.with_name(file.name + ".orig"))
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text.replace(result.original, result.final, 1))
        shutil.copymode(file, tmp)
        os.replace(tmp, file)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return file
