import math

from histogram import bin_edges, histogram, render


def test_edges_cover_the_range():
    assert bin_edges(100.0, 200.0, 4) == [100.0, 125.0, 150.0, 175.0, 200.0]


def test_counts_per_bin_for_latencies():
    latencies = [101, 110, 130, 149.9, 150, 160, 199, 200]
    counts, outside = histogram(latencies, 100.0, 200.0, 4)
    assert counts == [2, 2, 2, 2]
    assert outside == 0


def test_outside_and_nan():
    counts, outside = histogram([5, 150, 250, math.nan], 100.0, 200.0, 2)
    assert counts == [0, 1]
    assert outside == 3


def test_render_scales_to_peak():
    text = render([1, 2], [0.0, 1.0, 2.0], width=4)
    assert text.splitlines()[1].endswith("####")
