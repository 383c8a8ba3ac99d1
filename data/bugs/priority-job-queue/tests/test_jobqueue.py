from jobqueue import JobQueue


def test_higher_priority_first():
    q = JobQueue()
    q.submit("thumbnail", 1)
    q.submit("payment", 10)
    q.submit("email", 5)
    assert q.drain() == ["payment", "email", "thumbnail"]


def test_fifo_within_a_priority():
    q = JobQueue()
    for name in ["a", "b", "c", "d", "e", "f"]:
        q.submit(name, 3)
    q.submit("urgent", 9)
    assert q.drain() == ["urgent", "a", "b", "c", "d", "e", "f"]


def test_cancelled_jobs_are_skipped():
    q = JobQueue()
    q.submit("report", 2)
    q.submit("backup", 2)
    q.cancel("report")
    assert q.pop().name == "backup"
    assert q.pop() is None
