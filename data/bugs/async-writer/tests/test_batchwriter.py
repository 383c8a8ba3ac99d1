import random
import time

from batchwriter import BatchWriter


class SlowDisk:
    """A sink with realistic, uneven write latency (0-20 ms per record)."""

    def __init__(self):
        self.lines = []

    def write(self, record):
        time.sleep(random.uniform(0, 0.02))
        self.lines.append(record)


def test_flush_waits_for_every_record():
    disk = SlowDisk()
    writer = BatchWriter(disk)
    for event in ["login ada", "view invoice-7", "pay invoice-7", "logout ada", "login bo"]:
        writer.submit(event)
    writer.flush()
    assert [line.split(" ", 1)[1] for line in disk.lines] == [
        "login ada",
        "view invoice-7",
        "pay invoice-7",
        "logout ada",
        "login bo",
    ]
    assert writer.written == 5


def test_flush_with_nothing_pending_returns():
    writer = BatchWriter(SlowDisk())
    writer.flush()
    assert writer.written == 0
