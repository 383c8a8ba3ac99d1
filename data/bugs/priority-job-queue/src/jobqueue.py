"""A priority job queue: higher priority first, first-come first-served within a priority."""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field


@dataclass(eq=False)
class Job:
    name: str
    priority: int = 0
    seq: int = field(default=0, compare=False)

    def __lt__(self, other: Job) -> bool:
        if self.priority != other.priority:
            return self.priority > other.priority
        return self.seq < self.seq


class JobQueue:
    def __init__(self) -> None:
        self._heap: list[Job] = []
        self._counter = itertools.count()
        self._cancelled: set[str] = set()

    def submit(self, name: str, priority: int = 0) -> Job:
        job = Job(name, priority, next(self._counter))
        heapq.heappush(self._heap, job)
        return job

    def cancel(self, name: str) -> None:
        """Cancelled jobs stay in the heap and are skipped when they come up."""
        self._cancelled.add(name)

    def pop(self) -> Job | None:
        while self._heap:
            job = heapq.heappop(self._heap)
            if job.name not in self._cancelled:
                return job
        return None

    def drain(self) -> list[str]:
        names = []
        while (job := self.pop()) is not None:
            names.append(job.name)
        return names
