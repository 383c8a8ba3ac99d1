import pytest
from retry import RetryPolicy, backoff_delay


def test_delay_doubles_until_the_cap():
    assert [backoff_delay(i, 1.0, 5.0) for i in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_policy_delays():
    assert RetryPolicy(attempts=6, base=0.5, cap=4.0).delays() == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_run_sleeps_between_failures():
    outcomes = [ConnectionError(), TimeoutError(), "ok"]
    slept = []

    def call():
        item = outcomes.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    assert RetryPolicy(base=0.25).run(call, sleep=slept.append) == "ok"
    assert slept == [0.25, 0.5]


def test_gives_up_and_does_not_retry_other_errors():
    calls = []

    def always_down():
        calls.append(1)
        raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        RetryPolicy(attempts=3).run(always_down, sleep=lambda s: None)
    assert len(calls) == 3
    with pytest.raises(KeyError):
        RetryPolicy().run(lambda: {}["x"], sleep=lambda s: None)
