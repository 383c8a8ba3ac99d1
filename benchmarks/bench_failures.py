"""How fast, and in how much memory, does a huge failure log parse?

Writes a ~100 MB pytest log to a temporary directory -- the failure sections
of a real pytest run (``tests/fixtures/failures/pytest/plain.txt``, default
``--tb=long`` style, chained exceptions and library frames included) repeated
with fresh test names, then a short test summary line per failure -- and
parses it with :func:`embedmotion.failures.iter_failures` (streaming: one
failure at a time) and, with ``--collect``, :func:`parse_failures` (all
failures kept in a list).  Prints throughput and peak RSS::

    python benchmarks/bench_failures.py                 # ~100 MB
    python benchmarks/bench_failures.py --mb 20 --collect

Peak RSS is ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, the high-water
mark of the whole process: the first figure (after imports and writing the
log) is the baseline the parse adds to.  Memory while streaming is bounded by
the sections pytest has not yet matched with their summary line (at most
``pytest_text.MAX_PENDING``), the read buffer, and ~100 bytes per failing
test id remembered to avoid duplicates -- not by the size of the log.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script from a checkout: import the checkout's package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embedmotion.failures import iter_failures, parse_failures

FIXTURE = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "fixtures"
    / "failures"
    / "pytest"
    / "plain.txt"
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_log(path: Path, target_bytes: int) -> int:
    """A pytest log of about ``target_bytes``; returns the number of failing tests in it."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    start = (
        lines.index(
            "=================================== FAILURES ==================================="
        )
        + 1
    )
    end = next(i for i, x in enumerate(lines) if "short test summary info" in x)
    sections: list[list[str]] = []
    for line in lines[start:end]:
        if line.startswith("____") and line.endswith("____"):
            sections.append([])
        sections[-1].append(line)
    n = sum(1 for x in lines[:start] if x.startswith("____"))  # the run's own ERRORS sections
    written = 0
    generated: list[int] = []
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines[:start]) + "\n")
        while written < target_bytes:
            for sec in sections:
                n += 1
                generated.append(n)
                title = f"_____________________________ test_generated_{n} _____________________________"
                chunk = "\n".join([title, *sec[1:]]) + "\n"
                out.write(chunk)
                written += len(chunk)
        out.write(
            "=========================== short test summary info ============================\n"
        )
        for i in generated:
            out.write(
                f"FAILED tests/test_generated.py::test_generated_{i} - AssertionError: boom\n"
            )
        out.write(f"=============== {n} failed, 5 passed in 123.45s ===============\n")
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=100.0, help="size of the generated log (MB)")
    ap.add_argument(
        "--collect", action="store_true", help="also time parse_failures (keeps every failure)"
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pytest.log"
        t0 = time.perf_counter()
        expected = write_log(path, int(args.mb * 1e6))
        size = path.stat().st_size / 1e6
        print(
            f"generated {size:.1f} MB, {expected:,} failing tests in {time.perf_counter() - t0:.1f}s"
        )
        base = _rss_mb()
        print(f"peak RSS before parsing (imports, log writer): {base:.1f} MB")

        t0 = time.perf_counter()
        c0 = time.process_time()
        count = sum(1 for f in iter_failures(path) if f.is_problem)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"iter_failures (streaming): {count:,} failures, {dt:.1f}s wall, {cpu:.1f}s CPU, "
            f"{size / dt:.1f} MB/s wall ({size / cpu:.1f} MB/s CPU), "
            f"peak RSS {_rss_mb():.1f} MB (+{_rss_mb() - base:.1f} MB)"
        )
        if count != expected:
            print(f"MISMATCH: expected {expected:,} failures")
            return 1
        if args.collect:
            t0, c0 = time.perf_counter(), time.process_time()
            report = parse_failures(path)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(
                f"parse_failures (all kept): {len(report.failures):,} failures, {dt:.1f}s wall, "
                f"{size / cpu:.1f} MB/s CPU, peak RSS {_rss_mb():.1f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
