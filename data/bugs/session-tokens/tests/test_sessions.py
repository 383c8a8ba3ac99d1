from sessions import SessionStore


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_fresh_session_is_returned_and_touched():
    clock = FakeClock()
    store = SessionStore(idle_timeout=60, clock=clock)
    sid = store.create("ada")
    clock.now += 50
    assert store.get(sid).user == "ada"
    clock.now += 50
    assert store.get(sid) is not None


def test_idle_session_expires():
    clock = FakeClock()
    store = SessionStore(idle_timeout=60, clock=clock)
    sid = store.create("ada")
    clock.now += 61
    assert store.get(sid) is None
    assert store.get("nope") is None


def test_purge():
    clock = FakeClock()
    store = SessionStore(idle_timeout=60, clock=clock)
    store.create("old")
    clock.now += 30
    keep = store.create("new")
    clock.now += 40
    assert store.purge() == 1
    assert store.get(keep).user == "new"
