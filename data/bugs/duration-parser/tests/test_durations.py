import pytest
from durations import format_duration, parse_duration


@pytest.mark.parametrize(
    "text, seconds",
    [("90s", 90), ("1h30m", 5400), ("2d 4h", 187_200), (" 15 m ", 900), ("0s", 0)],
)
def test_parse(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "10", "5x", "1h30", "1h 2q", "30m1h", "1h1h"])
def test_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_round_trip():
    for seconds in (0, 59, 3_601, 93_784):
        assert parse_duration(format_duration(seconds)) == seconds
