import pytest
from wrap import fill, wrap


def test_words_fill_lines_exactly():
    assert wrap("the quick brown fox", 9) == ["the quick", "brown fox"]


def test_short_width_breaks_between_words():
    assert wrap("jumps over the lazy dog", 10) == ["jumps over", "the lazy", "dog"]


def test_long_words_are_cut():
    assert wrap("internationalisation rocks", 8) == ["internat", "ionalisa", "tion", "rocks"]


def test_fill_indents_paragraphs():
    text = "one two three\n\nfour five"
    assert fill(text, 10, indent="  ") == "  one two\n  three\n\n  four\n  five"


def test_bad_width():
    with pytest.raises(ValueError):
        wrap("x", 0)
