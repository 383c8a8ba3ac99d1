import pytest
from ratings import stars_label, summarize


def test_summary_of_reviews():
    s = summarize([5, 4, 4, 1])
    assert (s.count, s.mean) == (4, 3.5)
    assert s.distribution == {1: 1, 2: 0, 3: 0, 4: 2, 5: 1}
    assert stars_label(s) == "3.5 out of 5 (4 reviews)"


def test_few_reviews_are_smoothed():
    assert summarize([5]).bayesian == 3.75


def test_product_without_reviews():
    s = summarize([])
    assert s.mean is None and s.count == 0
    assert s.bayesian == 3.5
    assert stars_label(s) == "No reviews yet"


def test_invalid_stars():
    with pytest.raises(ValueError):
        summarize([0, 6])
