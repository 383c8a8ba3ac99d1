import pytest
from grid import count_paths, parse, reachable


def test_open_floor():
    assert count_paths(parse("...\n...\n...")) == 6


def test_blocked_cells_remove_routes():
    plan = """
    ...
    .#.
    ...
    """
    assert count_paths(parse(plan)) == 2


def test_single_row_and_column():
    assert count_paths(["...."]) == 1
    assert count_paths([".", ".", "."]) == 1


def test_walled_off_exit():
    assert not reachable("..\n.#")
    assert reachable("..#\n...")


def test_bad_plans():
    with pytest.raises(ValueError):
        parse("..\n...")
    with pytest.raises(ValueError):
        parse("..x")
