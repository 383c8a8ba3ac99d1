import pytest
from ngrams import ngrams, tokenize, top_phrases


def test_tokenize_keeps_apostrophes():
    assert tokenize("I can't log in!") == ["i", "can't", "log", "in"]


def test_bigrams_include_the_last_pair():
    assert ngrams(["reset", "my", "password"], 2) == [("reset", "my"), ("my", "password")]


def test_unigrams_and_too_short():
    assert ngrams(["a", "b"], 1) == [("a",), ("b",)]
    assert ngrams(["a", "b"], 3) == []
    with pytest.raises(ValueError):
        ngrams(["a"], 0)


def test_top_phrases():
    tickets = [
        "Password reset link expired",
        "the password reset link is broken",
        "Cannot find the password reset page",
    ]
    assert top_phrases(tickets, 2, 2) == [("password reset", 3), ("reset link", 2)]
