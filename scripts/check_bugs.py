"""Check the repair suite in ``data/bugs/``: each buggy program fails, each fixed one passes.

The suite is the benchmark of ``climb``, embedmotion's fitness loop; its layout and the
``bug.json`` schema are described in ``data/bugs/README.md``.  Run it from anywhere::

    python scripts/check_bugs.py                          # every program
    python scripts/check_bugs.py --ids lru-cache pagination
    python scripts/check_bugs.py --static                 # schema and patch checks only, no tests run

For every program the checker

1. validates ``bug.json`` (fields, kind, target, test command, ``reruns`` for flaky kinds);
2. reads ``fix.patch`` and checks that it is one small edit, in one hunk of one file, and that
   every line it removes or adds lies inside the target fragment, located with
   :func:`embedmotion.parsing.extract_fragments` in the buggy and in the fixed file;
3. copies the program to a temporary directory and runs its test command on the buggy version,
   which must fail (flaky kinds: ``reruns`` runs, at least one of which must fail);
4. applies ``fix.patch`` with ``git apply`` (or ``patch -p1``) and runs the tests again, which
   must pass (flaky kinds: every one of ``reruns`` runs).

Commands run with this interpreter's ``bin`` folder first on ``PATH`` (so ``python`` is the
project's venv), ``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``, ``GOPROXY=off`` and a shared ``GOCACHE`` under the temporary folder.  The
checker prints one row per program and exits 1 when any program has a problem.

The functions are importable (``tests/test_bugs_suite.py`` uses them):
:func:`static_problems`, :func:`check_program`, :func:`parse_patch`, :func:`apply_patch`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO / "data" / "bugs"

REPAIR_KINDS = (
    "wrong-operator",
    "off-by-one",
    "swapped-arguments",
    "wrong-variable",
    "missing-call",
    "missing-condition",
)
FLAKY_KINDS = ("unseeded-randomness", "sleep-wait", "order-dependence", "time-dependence")
KINDS = REPAIR_KINDS + FLAKY_KINDS
LANGUAGES = ("python", "javascript", "typescript", "tsx", "java", "go", "rust", "c", "cpp")
FIELDS = ("id", "language", "kind", "description", "target", "test_command", "fixed")
MAX_CHANGED_LINES = 6  # removed + added lines in the one hunk of fix.patch
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


# --------------------------------------------------------------------------- patches


@dataclass
class Hunk:
    """One ``@@`` block: its start lines (1-based) and its body lines (with their +/-/space)."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: list[str] = field(default_factory=list)

    def removed(self) -> list[int]:
        """Line numbers, in the old file, of the lines this hunk removes."""
        out, old = [], self.old_start
        for line in self.lines:
            if line.startswith("-"):
                out.append(old)
            if line[:1] in ("-", " "):
                old += 1
        return out

    def added(self) -> list[int]:
        """Line numbers, in the new file, of the lines this hunk adds."""
        out, new = [], self.new_start
        for line in self.lines:
            if line.startswith("+"):
                out.append(new)
            if line[:1] in ("+", " "):
                new += 1
        return out


@dataclass
class FilePatch:
    old_path: str
    new_path: str
    hunks: list[Hunk] = field(default_factory=list)


def _strip_prefix(path: str) -> str:
    path = path.split("\t")[0].strip()
    return path[2:] if path[:2] in ("a/", "b/") else path


def parse_patch(text: str) -> list[FilePatch]:
    """The files and hunks of a unified diff (``git diff`` style, ``a/`` and ``b/`` prefixes).

    Raises ``ValueError`` on a malformed diff (a hunk outside a file, wrong line counts).
    """
    files: list[FilePatch] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            files.append(FilePatch(_strip_prefix(line[4:]), _strip_prefix(lines[i + 1][4:])))
            i += 2
            continue
        m = _HUNK.match(line)
        if m:
            if not files:
                raise ValueError("hunk before any '---'/'+++' file header")
            hunk = Hunk(
                int(m[1]),
                int(m[2]) if m[2] is not None else 1,
                int(m[3]),
                int(m[4]) if m[4] is not None else 1,
            )
            old_left, new_left = hunk.old_count, hunk.new_count
            i += 1
            while i < len(lines) and (old_left > 0 or new_left > 0):
                body = lines[i]
                if body.startswith("\\"):  # "\ No newline at end of file"
                    i += 1
                    continue
                tag = body[:1] or " "
                if tag not in "+- ":
                    raise ValueError(f"unexpected line in hunk: {body!r}")
                hunk.lines.append(tag + body[1:])
                old_left -= tag in "- "
                new_left -= tag in "+ "
                i += 1
            if old_left or new_left:
                raise ValueError("hunk line counts do not match its header")
            files[-1].hunks.append(hunk)
            continue
        i += 1
    return files


def apply_patch(original: str, patch: FilePatch) -> str:
    """``original`` with the hunks of ``patch`` applied; ``ValueError`` if the context differs."""
    src = original.splitlines()
    out: list[str] = []
    pos = 0
    for hunk in patch.hunks:
        start = hunk.old_start - 1 if hunk.old_count else hunk.old_start
        if start < pos:
            raise ValueError("overlapping hunks")
        out.extend(src[pos:start])
        pos = start
        for line in hunk.lines:
            tag, body = line[0], line[1:]
            if tag in " -":
                if pos >= len(src) or src[pos] != body:
                    raise ValueError(f"patch context does not match line {pos + 1}: {body!r}")
                pos += 1
            if tag in " +":
                out.append(body)
    out.extend(src[pos:])
    return "\n".join(out) + ("\n" if original.endswith("\n") or not original else "")


# --------------------------------------------------------------------------- static checks


def load_spec(program: Path) -> dict:
    """``bug.json`` of a program directory, as a dict (``ValueError`` if missing or invalid)."""
    path = program / "bug.json"
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path} is missing") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(spec, dict):
        raise ValueError(f"{path} must hold a JSON object")
    return spec


def _spec_problems(program: Path, spec: dict) -> list[str]:
    problems = [f"bug.json lacks {name!r}" for name in FIELDS if name not in spec]
    if problems:
        return problems
    if spec["id"] != program.name:
        problems.append(f"id {spec['id']!r} differs from the directory name {program.name!r}")
    if spec["language"] not in LANGUAGES:
        problems.append(f"language {spec['language']!r} is not one of {', '.join(LANGUAGES)}")
    if spec["kind"] not in KINDS:
        problems.append(f"kind {spec['kind']!r} is not one of {', '.join(KINDS)}")
    desc = spec["description"]
    if not isinstance(desc, str) or not desc.strip() or "\n" in desc:
        problems.append("description must be one non-empty line")
    target = spec["target"]
    if not isinstance(target, str) or target.count("::") != 1:
        problems.append(f"target {target!r} must look like 'src/file.py::qualified.name'")
    elif not target.startswith("src/") or not (program / target.split("::")[0]).is_file():
        problems.append(f"target file {target.split('::')[0]!r} is not a file under src/")
    if not isinstance(spec["test_command"], str) or not shlex.split(spec["test_command"]):
        problems.append("test_command must be a non-empty command line")
    if not (program / str(spec["fixed"])).is_file():
        problems.append(f"fixed patch {spec['fixed']!r} is missing")
    reruns = spec.get("reruns")
    if spec["kind"] in FLAKY_KINDS:
        if not isinstance(reruns, int) or isinstance(reruns, bool) or reruns < 2:
            problems.append("flaky kinds need 'reruns', an integer of at least 2")
    elif reruns is not None:
        problems.append("'reruns' is only for flaky kinds")
    if not (program / "tests").is_dir() or not any((program / "tests").iterdir()):
        problems.append("tests/ is missing or empty")
    return problems


def _fragment_lines(text: str, language: str, path: str, name: str) -> tuple[int, int] | None:
    if str(REPO) not in sys.path:
        sys.path.append(str(REPO))
    from embedmotion.parsing import extract_fragments

    for frag in extract_fragments(text, language, path):
        if frag.name == name:
            return frag.start_line, frag.end_line
    return None


def patch_problems(program: Path, spec: dict) -> list[str]:
    """Problems with ``fix.patch``: not one small edit inside the target fragment."""
    rel, name = spec["target"].split("::")
    try:
        files = parse_patch((program / spec["fixed"]).read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"fix.patch is malformed: {exc}"]
    if len(files) != 1:
        return [f"fix.patch touches {len(files)} files; it must touch exactly one"]
    fp = files[0]
    if fp.old_path != rel or fp.new_path != rel:
        return [f"fix.patch edits {fp.old_path!r}, not the target file {rel!r}"]
    if len(fp.hunks) != 1:
        return [f"fix.patch has {len(fp.hunks)} hunks; it must be one edit"]
    removed, added = fp.hunks[0].removed(), fp.hunks[0].added()
    if not removed and not added:
        return ["fix.patch changes nothing"]
    if len(removed) + len(added) > MAX_CHANGED_LINES:
        return [
            f"fix.patch changes {len(removed) + len(added)} lines (at most {MAX_CHANGED_LINES})"
        ]
    buggy = (program / rel).read_text(encoding="utf-8")
    try:
        fixed = apply_patch(buggy, fp)
    except ValueError as exc:
        return [f"fix.patch does not apply to {rel}: {exc}"]
    problems = []
    for version, text, lines in (("buggy", buggy, removed), ("fixed", fixed, added)):
        span = _fragment_lines(text, spec["language"], rel, name)
        if span is None:
            problems.append(f"the {version} {rel} has no fragment named {name!r}")
        elif any(not span[0] <= n <= span[1] for n in lines):
            problems.append(
                f"fix.patch changes {version} lines {lines} outside {name} (lines {span[0]}-{span[1]})"
            )
    return problems


def static_problems(program: Path) -> list[str]:
    """Everything wrong with a program that can be seen without running its tests."""
    try:
        spec = load_spec(program)
    except ValueError as exc:
        return [str(exc)]
    problems = _spec_problems(program, spec)
    return problems or patch_problems(program, spec)


# --------------------------------------------------------------------------- running tests


@dataclass
class Run:
    returncode: int
    seconds: float
    output: str
    timed_out: bool = False


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # The suite's tests need plain pytest; skipping the venv's other plugins saves ~2 s a run.
    env.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    env.setdefault("GOCACHE", str(Path(tempfile.gettempdir()) / "embedmotion-bugs-gocache"))
    env.setdefault("GOPATH", str(Path(tempfile.gettempdir()) / "embedmotion-bugs-gopath"))
    env["GOPROXY"] = "off"
    env["GOFLAGS"] = ""
    return env


def run_tests(workdir: Path, command: str, *, timeout: float = 60.0) -> Run:
    """Run ``command`` (no shell) in ``workdir``; a missing program counts as a failed run."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            shlex.split(command),
            cwd=workdir,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else ""
        return Run(-1, time.perf_counter() - start, out, timed_out=True)
    except FileNotFoundError as exc:
        return Run(127, time.perf_counter() - start, f"cannot run {command!r}: {exc}")
    return Run(proc.returncode, time.perf_counter() - start, proc.stdout + proc.stderr)


def _apply_with_tools(workdir: Path, patch: Path) -> str | None:
    """Apply ``patch`` inside ``workdir``; ``None`` on success, else the tool's complaint."""
    attempts = []
    if shutil.which("git"):
        attempts.append(["git", "apply", "--whitespace=nowarn", str(patch)])
    if shutil.which("patch"):
        attempts.append(["patch", "-p1", "--batch", "--forward", "--input", str(patch)])
    if not attempts:
        return "neither git nor patch is installed"
    complaint = ""
    for cmd in attempts:
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(workdir.parent))
        proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
        if proc.returncode == 0:
            return None
        complaint = (proc.stdout + proc.stderr).strip()
    return complaint


@dataclass
class Result:
    id: str
    language: str = "?"
    kind: str = "?"
    buggy: str = "-"
    fixed: str = "-"
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _failed(run: Run, command: str) -> bool:
    if run.timed_out or run.returncode in (0, 127):
        return False
    # pytest: 1 means tests failed; 2-5 mean collection errors, usage errors, no tests.
    return run.returncode == 1 if "pytest" in command else True


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def check_program(program: Path, *, timeout: float = 60.0, max_reruns: int | None = None) -> Result:
    """Static checks, then the buggy run(s) and the fixed run(s) in a temporary copy."""
    start = time.perf_counter()
    result = Result(program.name)
    result.problems = static_problems(program)
    if result.problems:
        return result
    spec = load_spec(program)
    result.language, result.kind = spec["language"], spec["kind"]
    command = spec["test_command"]
    flaky = spec["kind"] in FLAKY_KINDS
    runs = int(spec.get("reruns", 1))
    if max_reruns is not None:
        runs = max(1, min(runs, max_reruns))
    with tempfile.TemporaryDirectory(prefix=f"bug-{program.name}-") as tmp:
        work = Path(tmp) / program.name
        shutil.copytree(
            program, work, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache")
        )
        buggy = [run_tests(work, command, timeout=timeout) for _ in range(runs)]
        fails = sum(_failed(r, command) for r in buggy)
        result.buggy = f"{fails}/{runs} fail" if flaky else ("fails" if fails else "PASSES")
        if not fails:
            worst = max(buggy, key=lambda r: (r.timed_out, r.returncode))
            why = "timed out" if worst.timed_out else f"exit {worst.returncode}"
            result.problems.append(f"buggy version never failed ({why}):\n{_tail(worst.output)}")
        complaint = _apply_with_tools(work, work / spec["fixed"])
        if complaint is not None:
            result.problems.append(f"fix.patch does not apply: {complaint}")
            result.seconds = time.perf_counter() - start
            return result
        fixed = [run_tests(work, command, timeout=timeout) for _ in range(runs)]
        passes = sum(r.returncode == 0 and not r.timed_out for r in fixed)
        result.fixed = f"{passes}/{runs} pass" if flaky else ("passes" if passes else "FAILS")
        if passes < runs:
            bad = next(r for r in fixed if r.returncode != 0 or r.timed_out)
            result.problems.append(
                f"fixed version failed {runs - passes}/{runs} runs:\n{_tail(bad.output)}"
            )
        slow = max(r.seconds for r in buggy + fixed)
        if slow > timeout / 2:
            result.problems.append(f"a test run took {slow:.1f} s")
    result.seconds = time.perf_counter() - start
    return result


# --------------------------------------------------------------------------- command line


def discover(root: Path, ids: list[str] | None = None) -> list[Path]:
    """Program directories under ``root`` (those holding a bug.json), or the ``ids`` asked for."""
    if ids:
        return [root / i for i in ids]
    return sorted(p.parent for p in root.glob("*/bug.json"))


def _table(results: list[Result]) -> str:
    rows = [("id", "language", "kind", "buggy", "fixed", "s", "status")]
    for r in results:
        status = "ok" if r.ok else "PROBLEM"
        rows.append((r.id, r.language, r.kind, r.buggy, r.fixed, f"{r.seconds:.1f}", status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="suite folder (data/bugs)")
    parser.add_argument("--ids", nargs="+", help="check only these programs")
    parser.add_argument("--static", action="store_true", help="schema and patch checks only")
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per test run")
    args = parser.parse_args(argv)

    programs = discover(args.root, args.ids)
    if not programs:
        print(f"No programs found under {args.root}: each needs a <id>/bug.json.", file=sys.stderr)
        return 1
    missing = [p.name for p in programs if not p.is_dir()]
    if missing:
        print(f"Unknown program ids: {', '.join(missing)} (see {args.root}).", file=sys.stderr)
        return 1

    def one(program: Path) -> Result:
        if not args.static:
            return check_program(program, timeout=args.timeout)
        result = Result(program.name, problems=static_problems(program))
        try:
            spec = load_spec(program)
            result.language, result.kind = str(spec.get("language")), str(spec.get("kind"))
        except ValueError:
            pass
        return result

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(one, programs))
    print(_table(results))
    bad = [r for r in results if not r.ok]
    for r in bad:
        print(f"\n{r.id}:")
        for problem in r.problems:
            print("  " + problem.replace("\n", "\n    "))
    print(f"\n{len(results) - len(bad)}/{len(results)} programs ok.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
