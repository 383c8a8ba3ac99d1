"""A flaky test, for `make demo`: it sleeps and hopes the export thread is done."""

import threading
import time
from pathlib import Path


def export_report(path: Path) -> None:
    time.sleep(0.1)
    path.write_text("id,total\n1,42\n", encoding="utf-8")


def test_report_is_exported(tmp_path):
    out = tmp_path / "report.csv"
    worker = threading.Thread(target=export_report, args=(out,))
    worker.start()
    time.sleep(0.2)
    assert out.read_text(encoding="utf-8").startswith("id,total")
