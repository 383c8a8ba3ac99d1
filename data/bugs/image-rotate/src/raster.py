"""Tiny raster operations on images stored as lists of pixel rows."""

from __future__ import annotations

Pixel = int
Image = list[list[Pixel]]


def size(image: Image) -> tuple[int, int]:
    """(width, height); every row must be as wide as the first."""
    height = len(image)
    width = len(image[0]) if image else 0
    if any(len(row) != width for row in image):
        raise ValueError("ragged image: rows differ in width")
    return width, height


def rotate_clockwise(image: Image) -> Image:
    """The image turned a quarter turn clockwise: a W x H image becomes H x W."""
    width, height = size(image)
    return [[image[height - 1 - y][x] for y in range(height)] for x in range(height)]


def flip_horizontal(image: Image) -> Image:
    return [list(reversed(row)) for row in image]


def crop(image: Image, left: int, top: int, width: int, height: int) -> Image:
    """The ``width`` x ``height`` region whose top-left corner is (left, top)."""
    full_w, full_h = size(image)
    if left < 0 or top < 0 or left + width > full_w or top + height > full_h:
        raise ValueError("crop box lies outside the image")
    return [row[left : left + width] for row in image[top : top + height]]
