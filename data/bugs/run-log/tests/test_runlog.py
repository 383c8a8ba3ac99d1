import time

import pytest
from runlog import RunLog, runs_of


def test_one_run_writes_one_file(tmp_path):
    log = RunLog(tmp_path, "nightly-import")
    for step in ("download", "validate", "transform"):
        log.write(step)
        time.sleep(0.2)  # each step takes a while
    log.write("load")
    files = runs_of(tmp_path, "nightly-import")
    assert len(files) == 1
    lines = files[0].read_text().splitlines()
    assert [line.split()[-1] for line in lines] == ["download", "validate", "transform", "load"]


def test_file_name_carries_the_start_time(tmp_path):
    log = RunLog(tmp_path, "report")
    log.write("hello", level="WARN")
    assert log.path.name == log.started.strftime("report-%Y%m%d-%H%M%S.log")
    assert "WARN" in log.path.read_text()


def test_job_names_are_checked(tmp_path):
    with pytest.raises(ValueError):
        RunLog(tmp_path, "a/b")
