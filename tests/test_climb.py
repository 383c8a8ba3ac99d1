"""climb: the fitness loop, end to end on real programs, with the real model and real test runs.

Covers: repairs of repair-suite programs within budget (with and without a target), the
user's tree left alone until ``apply_result``, reproducible strategies that share one
candidate set, a flaky suite recognised by reruns and repaired "less flaky", a runaway test
killed by the timeout with nothing left running, and the CLI's output and exit codes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import embedmotion.cli_climb  # noqa: F401  (registers the command)
from embedmotion.cli import app
from embedmotion.climb import ClimbResult, apply_result, climb, plan, run_tests
from embedmotion.errors import UsageError

REPO = Path(__file__).resolve().parents[1]
BUGS = REPO / "data" / "bugs"
PYTEST = "python -m pytest -q -p no:cacheprovider tests"
runner = CliRunner()


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    if status.exists():  # a zombie waiting for a reaper is not running anything
        return "State:\tZ" not in status.read_text()
    return True


def _attempts(res: ClimbResult) -> list[tuple[str, str]]:
    return [(r["operator"], r["after"]) for r in res.trace if r["event"] == "attempt"]


def _pool(res: ClimbResult) -> list[int]:
    return [c["id"] for c in next(r for r in res.trace if r["event"] == "round")["pool"]]


# ------------------------------------------------------------------ the repair suite
@pytest.mark.parametrize(
    ("program", "use_target"),
    [("date-range-overlap", True), ("slugify", True), ("leaderboard", False)],
)
def test_climb_repairs_suite_programs(program, use_target, default_embedder, tmp_path):
    spec = json.loads((BUGS / program / "bug.json").read_text())
    work = tmp_path / program
    shutil.copytree(BUGS / program, work)
    before = _tree_digest(work)
    trace = tmp_path / "trace.jsonl"
    res = climb(
        work,
        spec["test_command"],
        target=spec["target"] if use_target else None,
        budget=25,
        embedder=default_embedder,
        trace=trace,
    )
    assert res.green, (res.reason, res.suspects)
    assert 1 <= res.attempts <= res.test_runs <= 25
    assert res.target == spec["target"]  # blame found the code under test, not the test
    assert _tree_digest(work) == before  # nothing written without apply_result
    rows = [json.loads(x) for x in trace.read_text().splitlines()]
    assert [r["event"] for r in rows][0] == "start" and rows[-1]["event"] == "end"
    last = [r for r in rows if r["event"] == "attempt"][-1]
    assert last["outcome"] == "green" and last["before"] != last["after"]
    assert {"score", "align", "closeness", "suspicion"} <= set(last["parts"])
    diag = next(r for r in rows if r["event"] == "diagnosis")
    assert len(diag["direction"]["vector"]) == default_embedder.dimension
    # the accepted change, applied, turns the user's suite green; the original is backed up
    written = apply_result(work, res)
    assert written == work / res.path
    assert (work / (res.path + ".orig")).read_text() != written.read_text()
    assert run_tests(spec["test_command"], work).green


# ------------------------------------------------------------------ strategies
PARITY = {
    "src/parity.py": '''def count_even(values):
    """How many of the values are even."""
    count = 0
    for v in values:
        if v % 2 == 1:
            count += 1
    return count
''',
    "tests/test_parity.py": """from parity import count_even


def test_counts_even_values():
    assert count_even([1, 2, 3, 4, 6]) == 3


def test_empty():
    assert count_even([]) == 0
""",
    "pytest.ini": "[pytest]\npythonpath = src\n",
}


def test_strategies_share_candidates_and_are_reproducible(default_embedder, tmp_path):
    root = _project(tmp_path / "parity", PARITY)
    kw = {
        "target": "src/parity.py::count_even",
        "budget": 2,
        "reruns": 1,
        "embedder": default_embedder,
    }
    runs = {
        name: climb(root, PYTEST, strategy=strategy, seed=seed, **kw)  # type: ignore[arg-type]
        for name, strategy, seed in [
            ("m0", "monkey", 0),
            ("m0b", "monkey", 0),
            ("m1", "monkey", 1),
            ("n", "nearest", 0),
            ("d", "direction", 0),
        ]
    }
    pools = {k: _pool(r) for k, r in runs.items()}
    assert len(pools["m0"]) > 3
    assert {k: sorted(p) for k, p in pools.items()} == {k: sorted(pools["m0"]) for k in pools}
    assert pools["m0"] == pools["m0b"] and _attempts(runs["m0"]) == _attempts(runs["m0b"])
    assert pools["m0"] != pools["m1"]
    again = climb(root, PYTEST, strategy="direction", seed=5, **kw)  # type: ignore[arg-type]
    assert _pool(again) == pools["d"]  # the seed only moves the monkey
    # plan: the same first round, ranked, without trying anything
    planned = plan(root, PYTEST, target=kw["target"], embedder=default_embedder)
    assert [c["rank"] for c in planned] == list(range(1, len(pools["d"]) + 1))
    assert planned[0]["text"] == _attempts(runs["d"])[0][1]
    assert planned[0]["parts"]["score"] >= planned[-1]["parts"]["score"]
    assert all(r.test_runs <= 2 for r in runs.values())
    with pytest.raises(UsageError, match="strategy"):
        climb(root, PYTEST, strategy="lucky", **kw)  # type: ignore[arg-type]


def test_interrupted_climb_leaves_the_tree_alone(default_embedder, tmp_path):
    root = _project(tmp_path / "parity", PARITY)
    before = _tree_digest(root)
    seen: list[dict] = []

    def interrupt(row: dict) -> None:
        seen.append(row)
        if row["event"] == "run" and row["phase"] == "attempt":  # a candidate is written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        climb(
            root,
            PYTEST,
            target="src/parity.py",
            reruns=1,
            embedder=default_embedder,
            callback=interrupt,
        )
    assert seen[0]["event"] == "start" and seen[-1]["phase"] == "attempt"
    assert not Path(seen[0]["scratch"]).exists()
    assert _tree_digest(root) == before


# ------------------------------------------------------------------ flaky suites
DICE = {
    "src/dice.py": """import random


def pick():
    return random.choice(["heads", "tails"])
""",
    # run 1 seeds the global generator so that two picks differ, run 2 so that they agree:
    # the outcome flips between runs, as a flaky test's does
    "tests/test_dice.py": """import os
import random
from pathlib import Path

from dice import pick


def test_same_pick_twice():
    counter = Path(os.environ["DICE_COUNTER"])
    n = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(n + 1))
    random.seed([4, 0][n % 2])
    assert pick() == pick()
""",
    "pytest.ini": "[pytest]\npythonpath = src\n",
}


def test_flaky_suite_is_recognised_and_made_less_flaky(default_embedder, tmp_path, monkeypatch):
    root = _project(tmp_path / "dice", DICE)
    monkeypatch.setenv("DICE_COUNTER", str(tmp_path / "counter"))
    res = climb(root, PYTEST, budget=12, reruns=3, embedder=default_embedder)
    assert res.flaky and res.green
    assert res.target == "src/dice.py::pick"
    diag = next(r for r in res.trace if r["event"] == "diagnosis")
    assert diag["families"] == ["less-flaky"]
    assert diag["direction"]["provenance"]["label"] == "less-flaky"
    confirm = [r for r in res.trace if r["event"] == "run" and r["phase"] == "confirm"]
    assert len(confirm) == 2 and all(r["green"] for r in confirm)  # a green streak of 3
    assert "random" in res.final and res.final != res.original


# ------------------------------------------------------------------ runaway processes
def test_run_tests_kills_a_runaway_process_group(tmp_path):
    pidfile = tmp_path / "child.pid"
    script = (
        "import subprocess, sys, pathlib; "
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
        f"pathlib.Path({str(pidfile)!r}).write_text(str(p.pid)); "
        "exec('while True: pass')"
    )
    t0 = time.perf_counter()
    out = run_tests(f'{sys.executable} -c "{script}"', tmp_path, timeout=2)
    assert out.timed_out and not out.green and out.n_failures == 1
    assert time.perf_counter() - t0 < 15
    child = int(pidfile.read_text())
    deadline = time.time() + 5
    while _alive(child) and time.time() < deadline:
        time.sleep(0.1)
    assert not _alive(child)


LOOP = {
    "src/countdown.py": """def countdown_sum(n):
    total = 0
    while n > 0:
        total += n
        n += 1
    return total
""",
    "tests/conftest.py": """import os
from pathlib import Path

Path(os.environ["PID_DIR"], str(os.getpid())).touch()
""",
    "tests/test_countdown.py": """from countdown import countdown_sum


def test_sum():
    assert countdown_sum(3) == 6
""",
    "pytest.ini": "[pytest]\npythonpath = src\n",
}


def test_infinite_loop_is_killed_and_climb_goes_on(default_embedder, tmp_path, monkeypatch):
    root = _project(tmp_path / "loop", LOOP)
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setenv("PID_DIR", str(pids))
    res = climb(
        root,
        PYTEST,
        target="src/countdown.py::countdown_sum",
        budget=12,
        timeout=2,
        reruns=1,
        embedder=default_embedder,
    )
    runs = [r for r in res.trace if r["event"] == "run"]
    assert runs[0]["timed_out"] and runs[0]["phase"] == "baseline"
    assert res.green and "n -= 1" in res.final
    timed = [r for r in res.trace if r["event"] == "attempt" and r["outcome"] == "timeout"]
    assert all(r["tests_after"]["seconds"] < 6 for r in timed)
    assert 1 <= len(list(pids.iterdir())) <= len(runs)
    time.sleep(0.2)
    assert not [p.name for p in pids.iterdir() if _alive(int(p.name))]  # no stray pytest left


# ------------------------------------------------------------------ the CLI
def test_cli_climb_json_apply_and_exit_codes(default_embedder, tmp_path, monkeypatch):
    root = _project(tmp_path / "parity", PARITY)
    monkeypatch.setattr("embedmotion.climb._default_embedder", lambda: default_embedder)
    before = (root / "src/parity.py").read_text()
    res = runner.invoke(app, ["climb", str(root), "--test", PYTEST, "--budget", "1", "--json"])
    assert res.exit_code == 1, res.output
    assert json.loads(res.stdout)["green"] is False
    trace = tmp_path / "t.jsonl"
    res = runner.invoke(
        app,
        [
            "climb",
            str(root),
            "--test",
            PYTEST,
            "--budget",
            "40",
            "--apply",
            "--trace",
            str(trace),
            "--target",
            "src/parity.py",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "green after" in res.stdout and "applied" in res.stdout
    assert "-        if v % 2 == 1:" in res.stdout and "+        if " in res.stdout
    assert (root / "src/parity.py").read_text() != before
    assert (root / "src/parity.py.orig").read_text() == before
    assert trace.read_text().count('"event": "attempt"') >= 1
    res = runner.invoke(app, ["climb", str(root), "--test", PYTEST, "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["reason"] == "already green"
    for bad in (
        ["climb", str(tmp_path / "nope"), "--test", PYTEST],
        ["climb", str(root), "--test", PYTEST, "--strategy", "lucky"],
        ["climb", str(root), "--test", PYTEST, "--target", "src/missing.py"],
        ["climb", str(root)],
        ["climb", str(root), "--test", "no-such-command-embedmotion"],
    ):
        res = runner.invoke(app, bad)
        assert res.exit_code == 2, (bad, res.output)
