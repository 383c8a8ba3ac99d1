"""Semantic versions (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]) and their precedence."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(
    r"^(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+(?P<build>[0-9A-Za-z.-]+))?$"
)


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        m = _PATTERN.match(text.strip().lstrip("v"))
        if m is None:
            raise ValueError(f"not a semantic version: {text!r}")
        pre = tuple(m["pre"].split(".")) if m["pre"] else ()
        return cls(int(m["major"]), int(m["minor"]), int(m["patch"]), pre, m["build"] or "")


def _compare_identifiers(a: str, b: str) -> int:
    """Numeric identifiers compare as numbers and sort before alphanumeric ones."""
    if a.isdigit() and b.isdigit():
        x, y = int(a), int(b)
        return (x > y) - (x < y)
    if a.isdigit():
        return -1
    if b.isdigit():
        return 1
    return (a > b) - (a < b)


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as ``left`` has lower, equal or higher precedence than ``right``.

    Build metadata is ignored; a pre-release sorts before its release.
    """
    a, b = Version.parse(left), Version.parse(right)
    for x, y in ((a.major, b.major), (a.minor, b.minor), (a.patch, b.patch)):
        if x != y:
            return -1 if x > y else 1
    if a.prerelease == b.prerelease:
        return 0
    if not a.prerelease:
        return 1
    if not b.prerelease:
        return -1
    for x, y in zip(a.prerelease, b.prerelease):
        c = _compare_identifiers(x, y)
        if c:
            return c
    n, m = len(a.prerelease), len(b.prerelease)
    return (n > m) - (n < m)


def latest(versions: list[str], *, include_prereleases: bool = False) -> str:
    """The highest version in ``versions`` (pre-releases only when asked for)."""
    pool = [v for v in versions if include_prereleases or not Version.parse(v).prerelease]
    if not pool:
        raise ValueError("no candidate versions")
    best = pool[0]
    for v in pool[1:]:
        if compare(v, best) > 0:
            best = v
    return best
