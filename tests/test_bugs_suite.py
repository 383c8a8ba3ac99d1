"""The repair suite in data/bugs/: its structure, and for a sample, buggy fails and fixed passes.

The full check (every program, flaky ones many times) is ``scripts/check_bugs.py``; this file
keeps the suite honest in the ordinary test run at a cost of a few seconds.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "data" / "bugs"


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_bugs", REPO / "scripts" / "check_bugs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_bugs"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


check_bugs = _load_checker()
PROGRAMS = check_bugs.discover(ROOT)
SPECS = {p.name: json.loads((p / "bug.json").read_text()) for p in PROGRAMS}
# One program per language at least, three repair kinds; flaky ones are too slow to sample here.
SAMPLE = [
    "semver-compare",
    "lru-cache",
    "dependency-resolver",
    "go-free-slots",
    "js-roman-numerals",
]
RUNNER = {"python": None, "go": "go", "javascript": "node"}


def test_suite_size_and_mix():
    assert len(PROGRAMS) >= 40
    python_repair = Counter(
        s["kind"]
        for s in SPECS.values()
        if s["language"] == "python" and s["kind"] in check_bugs.REPAIR_KINDS
    )
    assert sum(python_repair.values()) >= 32
    assert set(python_repair) == set(check_bugs.REPAIR_KINDS)
    assert max(python_repair.values()) - min(python_repair.values()) <= 1  # spread evenly
    flaky = [s for s in SPECS.values() if s["kind"] in check_bugs.FLAKY_KINDS]
    assert len(flaky) >= 6
    assert {s["kind"] for s in flaky} == set(check_bugs.FLAKY_KINDS)
    assert sum(s["language"] != "python" for s in SPECS.values()) >= 4


def test_every_program_is_well_formed():
    problems = {p.name: check_bugs.static_problems(p) for p in PROGRAMS}
    assert {name: found for name, found in problems.items() if found} == {}


def test_readme_lists_every_program():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in SPECS if f"| `{name}` |" not in readme] == []


def test_patch_parser_reads_line_numbers():
    patch = (
        "diff --git a/src/m.py b/src/m.py\n--- a/src/m.py\n+++ b/src/m.py\n"
        "@@ -2,2 +2,4 @@\n def f(x):\n-    return x\n+    if x is None:\n+        return 0\n"
        "+    return x\n"
    )
    (fp,) = check_bugs.parse_patch(patch)
    assert (fp.old_path, fp.new_path) == ("src/m.py", "src/m.py")
    assert fp.hunks[0].removed() == [3]
    assert fp.hunks[0].added() == [3, 4, 5]
    fixed = check_bugs.apply_patch("import os\ndef f(x):\n    return x\n", fp)
    assert fixed == "import os\ndef f(x):\n    if x is None:\n        return 0\n    return x\n"
    with pytest.raises(ValueError):
        check_bugs.apply_patch("import os\ndef g(y):\n    return y\n", fp)


def test_an_edit_outside_the_target_is_flagged(tmp_path):
    program = tmp_path / "semver-compare"
    shutil.copytree(ROOT / "semver-compare", program)
    spec = json.loads((program / "bug.json").read_text())
    spec["target"] = "src/semver.py::latest"
    (program / "bug.json").write_text(json.dumps(spec))
    problems = check_bugs.static_problems(program)
    assert len(problems) == 2
    assert "outside latest" in problems[0]


def test_swapped_buggy_and_fixed_versions_are_flagged(tmp_path):
    # Put the fixed source in src/ and the reverse patch in fix.patch: the checker must see
    # that the "buggy" version passes and the "fixed" one fails.
    program = tmp_path / "semver-compare"
    shutil.copytree(ROOT / "semver-compare", program)
    source = program / "src" / "semver.py"
    patch_text = (program / "fix.patch").read_text()
    (fp,) = check_bugs.parse_patch(patch_text)
    source.write_text(check_bugs.apply_patch(source.read_text(), fp))
    swap = {"-": "+", "+": "-"}
    reverse = [
        swap[line[0]] + line[1:] if line[:1] in swap and line[:3] not in ("---", "+++") else line
        for line in patch_text.splitlines()
    ]
    (program / "fix.patch").write_text("\n".join(reverse) + "\n")
    assert check_bugs.static_problems(program) == []
    result = check_bugs.check_program(program, timeout=60)
    assert (result.buggy, result.fixed) == ("PASSES", "FAILS")
    assert len(result.problems) == 2
    assert result.problems[0].startswith("buggy version never failed")
    assert result.problems[1].startswith("fixed version failed 1/1 runs")


@pytest.mark.parametrize("name", SAMPLE)
def test_sample_buggy_fails_and_fixed_passes(name):
    runner = RUNNER[SPECS[name]["language"]]
    if runner is not None and shutil.which(runner) is None:
        pytest.skip(f"{runner} is not installed")
    result = check_bugs.check_program(ROOT / name, timeout=120)
    assert result.problems == []
    assert (result.buggy, result.fixed) == ("fails", "passes")
