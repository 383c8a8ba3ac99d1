"""One log file per batch run, named after the moment the run started.

Files look like ``nightly-import-20240517-023000.log`` so operators can find a run by time.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


class RunLog:
    def __init__(self, directory: Path, job: str) -> None:
        if not job or "/" in job:
            raise ValueError("job names are plain words like 'nightly-import'")
        self.directory = directory
        self.job = job
        self.started = datetime.now()
        self.lines = 0

    @property
    def path(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return self.directory / f"{self.job}-{stamp}.log"

    def write(self, message: str, *, level: str = "INFO") -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        elapsed = (datetime.now() - self.started).total_seconds()
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(f"+{elapsed:8.3f}s {level:<5} {message}\n")
        self.lines += 1


def runs_of(directory: Path, job: str) -> list[Path]:
    """Log files of ``job``, oldest first."""
    return sorted(directory.glob(f"{job}-*.log"))
