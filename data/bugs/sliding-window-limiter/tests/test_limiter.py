import pytest
from limiter import SlidingWindowLimiter


def test_limit_within_the_window():
    rl = SlidingWindowLimiter(limit=3, window=10)
    assert [rl.allow("app", t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert rl.retry_after("app", 3) == 7


def test_requests_slide_out_of_the_window():
    rl = SlidingWindowLimiter(limit=2, window=10)
    assert rl.allow("app", 0) and rl.allow("app", 5)
    assert not rl.allow("app", 9)
    assert rl.allow("app", 10)
    assert not rl.allow("app", 12)


def test_clients_are_independent():
    rl = SlidingWindowLimiter(limit=1, window=60)
    assert rl.allow("a", 0) and rl.allow("b", 0)
    assert not rl.allow("a", 1)
    assert rl.retry_after("b", 30) == 30


def test_bad_settings():
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0, 1)
