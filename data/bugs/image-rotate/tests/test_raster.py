import pytest
from raster import crop, flip_horizontal, rotate_clockwise, size

WIDE = [
    [1, 2, 3],
    [4, 5, 6],
]


def test_square_rotation():
    assert rotate_clockwise([[1, 2], [3, 4]]) == [[3, 1], [4, 2]]


def test_wide_image_becomes_tall():
    turned = rotate_clockwise(WIDE)
    assert turned == [[4, 1], [5, 2], [6, 3]]
    assert size(turned) == (2, 3)


def test_four_turns_is_identity():
    img = WIDE
    for _ in range(4):
        img = rotate_clockwise(img)
    assert img == WIDE


def test_flip_and_crop():
    assert flip_horizontal(WIDE) == [[3, 2, 1], [6, 5, 4]]
    assert crop(WIDE, 1, 0, 2, 2) == [[2, 3], [5, 6]]
    with pytest.raises(ValueError):
        crop(WIDE, 2, 0, 2, 1)
