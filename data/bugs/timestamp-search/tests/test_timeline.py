import pytest
from timeline import Event, Timeline, first_at_or_after


@pytest.fixture
def log():
    t = Timeline()
    for at, kind in [(10, "login"), (20, "view"), (20, "view"), (35, "buy"), (50, "logout")]:
        t.append(Event(at, kind))
    return t


def test_search_positions():
    stamps = [10, 20, 20, 35, 50]
    assert first_at_or_after(stamps, 5) == 0
    assert first_at_or_after(stamps, 20) == 1
    assert first_at_or_after(stamps, 36) == 4
    assert first_at_or_after(stamps, 99) == 5
    assert first_at_or_after([], 1) == 0


def test_window_in_the_middle(log):
    assert [e.kind for e in log.between(15, 40)] == ["view", "view", "buy"]


def test_window_reaching_past_the_end(log):
    assert [e.kind for e in log.between(30, 1000)] == ["buy", "logout"]
    assert log.count("logout", 0, 60) == 1


def test_out_of_order_append_is_refused(log):
    with pytest.raises(ValueError):
        log.append(Event(1, "late"))
