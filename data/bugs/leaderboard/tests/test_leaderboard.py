import pytest
from leaderboard import Leaderboard, Standing


@pytest.fixture
def board():
    b = Leaderboard()
    for player, score in [("zoe", 90), ("amir", 120), ("li", 90), ("kat", 75), ("zoe", 60)]:
        b.record(player, score)
    return b


def test_personal_bests():
    b = Leaderboard()
    assert b.record("zoe", 10) is True
    assert b.record("zoe", 5) is False


def test_competition_ranking(board):
    assert board.standings() == [
        Standing(1, "amir", 120),
        Standing(2, "li", 90),
        Standing(2, "zoe", 90),
        Standing(4, "kat", 75),
    ]


def test_top_and_rank_of(board):
    assert [s.player for s in board.standings(top=2)] == ["amir", "li"]
    assert board.rank_of("zoe") == 2
    assert board.rank_of("nobody") is None
