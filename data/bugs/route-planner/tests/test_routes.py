import math

import pytest
from routes import road_graph, shortest_route

ROADS = [
    ("depot", "ashby", 4),
    ("depot", "bristow", 1),
    ("bristow", "ashby", 2),
    ("ashby", "carden", 5),
    ("bristow", "carden", 9),
    ("island", "ferry", 3),
]


def test_detour_is_shorter():
    assert shortest_route(road_graph(ROADS), "depot", "carden") == (
        8,
        ["depot", "bristow", "ashby", "carden"],
    )


def test_start_is_goal():
    assert shortest_route(road_graph(ROADS), "ashby", "ashby") == (0.0, ["ashby"])


def test_unreachable():
    assert shortest_route(road_graph(ROADS), "depot", "island") == (math.inf, [])


def test_errors():
    with pytest.raises(ValueError):
        road_graph([("a", "b", -1)])
    with pytest.raises(KeyError):
        shortest_route(road_graph(ROADS), "depot", "nowhere")
