"""Shortest delivery routes on a road graph (Dijkstra's algorithm with a binary heap)."""

from __future__ import annotations

import heapq
import math

Graph = dict[str, dict[str, float]]


def road_graph(roads: list[tuple[str, str, float]]) -> Graph:
    """An undirected graph from (town, town, km) triples."""
    graph: Graph = {}
    for a, b, km in roads:
        if km < 0:
            raise ValueError(f"negative length on {a}-{b}")
        graph.setdefault(a, {})[b] = km
        graph.setdefault(b, {})[a] = km
    return graph


def shortest_route(graph: Graph, start: str, goal: str) -> tuple[float, list[str]]:
    """(km, towns) of a shortest route; (inf, []) when the goal cannot be reached."""
    if start not in graph or goal not in graph:
        raise KeyError("unknown town")
    best = {start: 0.0}
    previous: dict[str, str] = {}
    heap = [(0.0, start)]
    while heap:
        km, town = heapq.heappop(heap)
        if town == goal:
            break
        if km > best[town]:
            continue
        for neighbour, length in graph[town].items():
            candidate = best.get(neighbour, math.inf) + length
            if candidate < best.get(neighbour, math.inf):
                best[neighbour] = candidate
                previous[neighbour] = town
                heapq.heappush(heap, (candidate, neighbour))
    if goal not in best:
        return math.inf, []
    path = [goal]
    while path[-1] != start:
        path.append(previous[path[-1]])
    return best[goal], path[::-1]
