"""Named directions: the built-in ones from the curated corpus, and a store for your own.

Out of the box every category of the curated corpus is a direction by name
(``less-flaky``, ``null-safety``, ``resource-cleanup``, ...), fitted on the
curated edits the first time it is asked for (the embeddings are cached, so
later calls are fast)::

    from embedmotion.directions import get_direction, DirectionStore
    d = get_direction("less-flaky")
    store = DirectionStore()                 # ./.embedmotion/directions, or $EMBEDMOTION_DIRECTIONS
    store.save("my-dir", d)
    store.names()

A saved direction of the same name shadows the built-in one.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError
from .geometry import DEFAULT_REPRESENTATION, Direction, EditSpace

if TYPE_CHECKING:
    from .embedding import Embedder

DIRECTIONS_ENV = "EMBEDMOTION_DIRECTIONS"
DEFAULT_STORE = Path(".embedmotion") / "directions"
BUILTIN_METHOD = "mean"  # chosen on benchmarks/bench_suggest.py (see embedmotion.suggest)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise UsageError(
            f"{name!r} is not a valid direction name.",
            fix="Use letters, digits, '.', '_' and '-' (e.g. less-flaky).",
        )
    return name


class DirectionStore:
    """A directory of saved directions (``NAME.json`` + ``NAME.npy``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        env = os.environ.get(DIRECTIONS_ENV)
        self.path = Path(path) if path is not None else Path(env) if env else DEFAULT_STORE

    def names(self) -> list[str]:
        if not self.path.is_dir():
            return []
        return sorted(p.stem for p in self.path.glob("*.json") if p.with_suffix(".npy").exists())

    def __contains__(self, name: str) -> bool:
        return (self.path / f"{name}.json").exists()

    def save(self, name: str, direction: Direction) -> Path:
        check_name(name)
        direction.name = name
        direction.provenance_["name"] = name
        return direction.save(self.path / name)

    def load(self, name: str) -> Direction:
        check_name(name)
        return Direction.load(self.path / name)

    def remove(self, name: str) -> bool:
        check_name(name)
        found = False
        for suf in (".json", ".npy"):
            p = self.path / f"{name}{suf}"
            if p.exists():
                p.unlink()
                found = True
        return found


@lru_cache(maxsize=4)
def _curated_space(fingerprint: str, representation: str) -> EditSpace:
    from .datasets import curated_edits
    from .embedding import load_embedder

    emb = load_embedder()
    if emb.fingerprint != fingerprint:  # pragma: no cover - default changed under us
        raise UsageError("The default embedder changed while running.")
    return EditSpace.from_edits(curated_edits(), embedder=emb, representation=representation)  # type: ignore[arg-type]


def curated_space(
    *, embedder: Embedder | None = None, representation: str = DEFAULT_REPRESENTATION
) -> EditSpace:
    """The curated edits as an :class:`EditSpace` (embedded once, then from the cache)."""
    if embedder is None:
        from .embedding import load_embedder

        embedder = load_embedder()
        return _curated_space(embedder.fingerprint, representation)
    from .datasets import curated_edits

    return EditSpace.from_edits(curated_edits(), embedder=embedder, representation=representation)  # type: ignore[arg-type]


def builtin_names() -> list[str]:
    """The curated categories, each usable as a direction name."""
    from .datasets import load_edits

    return sorted(set(load_edits("curated")["category"]))


def get_direction(
    name: str,
    *,
    store: DirectionStore | None = None,
    embedder: Embedder | None = None,
    method: str = BUILTIN_METHOD,
    representation: str = DEFAULT_REPRESENTATION,
) -> Direction:
    """A saved direction by name, else the built-in direction of a curated category."""
    store = store or DirectionStore()
    if name in store:
        return store.load(name)
    names = builtin_names()
    if name not in names:
        saved = store.names()
        raise UsageError(
            f"There is no direction named {name!r}.",
            fix="Built-in: "
            + ", ".join(names)
            + (". Saved: " + ", ".join(saved) if saved else "")
            + ". Fit your own with `embedmotion direction fit NAME ...`.",
        )
    space = curated_space(embedder=embedder, representation=representation)
    d = Direction(method=method, name=name).fit(space, label=name)  # type: ignore[arg-type]
    d.provenance_.update({"source": "curated", "name": name})
    return d
