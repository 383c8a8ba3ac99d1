import pytest
from paging import page_count, page_links, paginate

ITEMS = [f"result-{i}" for i in range(1, 46)]


def test_first_page():
    page = paginate(ITEMS, 1, per_page=20)
    assert page.items[0] == "result-1"
    assert len(page.items) == 20
    assert not page.has_previous and page.has_next


def test_last_page_is_partial():
    page = paginate(ITEMS, 3, per_page=20)
    assert page.items == [f"result-{i}" for i in range(41, 46)]
    assert page.total_pages == 3 and not page.has_next


def test_out_of_range_pages():
    with pytest.raises(ValueError):
        paginate(ITEMS, 0)
    with pytest.raises(ValueError):
        paginate(ITEMS, 4, per_page=20)


def test_empty_results_have_one_page():
    assert page_count(0, 10) == 1
    assert paginate([], 1).items == []


def test_links_elide_far_pages():
    assert page_links(6, 12) == [1, "...", 4, 5, 6, 7, 8, "...", 12]
    assert page_links(1, 3) == [1, 2, 3]
