"""Sandbox: run a project's tests in a scratch copy, with a timeout and resource limits.

The fitness check of :mod:`embedmotion.climb` — and usable on its own::

    from embedmotion.sandbox import scratch_copy, run_tests

    work = scratch_copy("path/to/project")        # a throw-away copy (no .git, venvs, caches)
    outcome = run_tests("python -m pytest -q tests", work, timeout=30)
    outcome.green, outcome.n_failures, outcome.failing, outcome.timed_out

:func:`run_tests` starts the command through the shell in a **new session**
(its own process group), with the running interpreter's ``bin`` folder first on
``PATH``, no stdin, ``PYTHONDONTWRITEBYTECODE=1``, a CPU-time limit
(``timeout`` + 5 s) and an address-space limit (``memory_mb``).  When the
timeout expires the whole group is killed with ``SIGKILL`` — a runaway test, an
infinite loop, the children it spawned — and the outcome says ``timed_out``.
Processes left behind in the group by a run that ended are killed too, and so
is everything on Ctrl-C (the interrupt then propagates).

The log is parsed with :func:`embedmotion.failures.parse_failures` (pytest, go
test, cargo, JUnit, ...); TAP output (``node --test``) is read here as a
fallback: its ``not ok`` tests become failures, with the frames of their stack.
A run that fails without a recognisable failure counts as one failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EmbedmotionError, check_param

if TYPE_CHECKING:
    from .failures import Failure, Frame

#: What :func:`scratch_copy` leaves out.
IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".embedmotion",
    "*.pyc",
)


@dataclass
class RunOutcome:
    """One test run: exit code, failing test ids / failure count, whether it timed out.

    ``records`` holds the parsed :class:`~embedmotion.failures.Failure` objects;
    ``n_passed`` the number of passing tests when the log says it (else None).
    """

    returncode: int
    failing: list[str]
    n_failures: int
    timed_out: bool
    seconds: float
    log: str = ""
    n_passed: int | None = None
    records: list[Failure] = field(default_factory=list, repr=False)

    @property
    def green(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def summary(self) -> dict[str, Any]:
        """The outcome without the log (what a trace row records)."""
        return {
            "green": self.green,
            "failures": self.n_failures,
            "failing": self.failing,
            "passed": self.n_passed,
            "timed_out": self.timed_out,
            "seconds": round(self.seconds, 3),
        }


def scratch_copy(project: str | os.PathLike[str]) -> Path:
    """Copy ``project`` into a new temporary directory; return the copy's root.

    Remove it with ``shutil.rmtree(copy.parent)``.
    """
    src = Path(project).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="embedmotion-climb-"))
    dst = tmp / (src.name or "project")
    try:
        shutil.copytree(src, dst, ignore=IGNORE, symlinks=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dst


def _limits(cpu_seconds: int, memory_mb: int) -> Any:
    def apply() -> None:
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        if memory_mb > 0:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    return apply


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def run_tests(
    command: str, cwd: Path, *, timeout: float = 60.0, memory_mb: int = 4096
) -> RunOutcome:
    """Run ``command`` in ``cwd``, in its own process group, killed whole on timeout.

    See the module docstring for the environment and the limits
    (``memory_mb=0``: no memory limit).
    """
    check_param(timeout > 0, "timeout", "run_tests", "a positive number of seconds", timeout)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        command,
        shell=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=_environment(),
        start_new_session=True,
        preexec_fn=_limits(int(timeout) + 5, memory_mb),  # noqa: PLW1509
    )
    timed_out = False
    out = b""
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        try:
            out, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # something left the group and holds the pipe
            proc.kill()
            if proc.stdout is not None:
                proc.stdout.close()
            proc.wait()
    except BaseException:  # Ctrl-C: leave nothing running
        _kill_group(proc)
        proc.wait()
        raise
    finally:
        _kill_group(proc)
    log = out.decode("utf-8", "replace")
    records, passed = failures_in(log)
    failing = sorted({f.test_id or f.message[:80] for f in records})
    n = len(failing)
    rc = -9 if timed_out else proc.returncode
    if (rc != 0 or timed_out) and n == 0:
        n = 1
    return RunOutcome(
        rc, failing, n, timed_out, time.perf_counter() - t0, log[-20000:], passed, records
    )


_TAP_NOT_OK = re.compile(r"^not ok \d+ - (.+?)(?:\s+#\s*(?:SKIP|TODO)\b.*)?$")
_TAP_PASS = re.compile(r"^# pass (\d+)$", re.M)
_TAP_FRAME = re.compile(r"(?:(?<=[\s('\"])|^)((?:/|[A-Za-z]:\\)[^\s()'\"]+):(\d+):(\d+)")
_PYTEST_PASSED = re.compile(r"\b(\d+) passed\b")
_GO_PASS = re.compile(r"^\s*--- PASS", re.M)


def failures_in(log: str) -> tuple[list[Failure], int | None]:
    """The failures of a test log, and the number of passed tests when the log says it."""
    from .failures import parse_failures

    records: list[Failure] = []
    passed: int | None = None
    try:
        rep = parse_failures(log.encode("utf-8"))
        records = list(rep.failures)
        passed = len(rep.passed) or None
    except EmbedmotionError:
        pass
    if not records:
        records = tap_failures(log)
    m = _PYTEST_PASSED.findall(log) or _TAP_PASS.findall(log)
    if m:
        passed = int(m[-1])
    elif passed is None and _GO_PASS.search(log):
        passed = len(_GO_PASS.findall(log))
    return records, passed


def tap_failures(log: str) -> list[Failure]:
    """Top-level ``not ok`` tests of a TAP log (``node --test``), as failures with frames."""
    from .failures import Failure, Frame

    lines = log.splitlines()
    out: list[Failure] = []
    for i, line in enumerate(lines):
        m = _TAP_NOT_OK.match(line)
        if not m:
            continue
        block: list[str] = []
        for nxt in lines[i + 1 : i + 80]:
            if nxt.strip() == "..." or _TAP_NOT_OK.match(nxt) or nxt.startswith("ok "):
                break
            block.append(nxt)
        message = m.group(1).strip()
        for k, b in enumerate(block):
            if b.strip().startswith("error:"):
                rest = b.split("error:", 1)[1].strip().strip("'\"")
                if rest in ("", "|", "|-", ">-") and k + 1 < len(block):
                    rest = block[k + 1].strip()
                message = rest or message
                break
        exc = next(
            (
                b.split("name:", 1)[1].strip().strip("'\"")
                for b in block
                if b.strip().startswith("name:")
            ),
            None,
        )
        found: list[Frame] = []
        for b in block:  # "location:" (the test), then the stack, innermost first
            for fm in _TAP_FRAME.finditer(b):
                path = fm.group(1)
                if "node_modules" not in path:
                    found.append(Frame(path, int(fm.group(2)), column=int(fm.group(3))))
        has_location = any(b.strip().startswith("location:") for b in block)
        ordered = found[:1] + found[:0:-1] if has_location else found[::-1]
        frames: list[Frame] = []
        for frame in ordered:  # outermost first, like a Python traceback
            if frame not in frames:
                frames.append(frame)
        out.append(
            Failure(
                tool="node",
                kind="test-failure",
                message=message,
                frames=tuple(frames),
                test_id=m.group(1).strip(),
                outcome="failed",
                exception=exc or None,
                raw=line + "\n" + "\n".join(block),
            )
        )
    return out


__all__ = ["IGNORE", "RunOutcome", "failures_in", "run_tests", "scratch_copy", "tap_failures"]
