"""Word2vec-style vector algebra shared by fragment and edit queries.

``most_similar(positive=[a, b], negative=[c])`` looks for the items nearest to
``unit(a) + unit(b) - unit(c)`` (each input normalised first, then the mean,
as gensim's ``KeyedVectors.most_similar`` does).  Inputs may carry weights as
``(item, weight)`` pairs.  Results are :class:`Match` objects: 2-tuples
``(key, score)`` — so ``for key, score in results`` works as in gensim — that
also carry the matched item as ``match.item``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from .errors import UsageError


class Match(tuple):  # type: ignore[type-arg]
    """``(key, score)`` plus the matched object in ``.item`` (a Fragment, an Edit, ...)."""

    item: Any

    def __new__(cls, key: str, score: float, item: Any = None) -> Match:
        self = super().__new__(cls, (key, float(score)))
        self.item = item
        return self

    @property
    def key(self) -> str:
        return str(self[0])

    @property
    def score(self) -> float:
        return float(self[1])

    def __repr__(self) -> str:
        return f"Match({self[0]!r}, {self[1]:.4f})"


def unit(v: np.ndarray) -> np.ndarray:
    """``v / |v|`` in float32 (a zero vector stays zero)."""
    v = np.asarray(v, dtype=np.float32)
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def split_weighted(items: Any, default: float) -> list[tuple[Any, float]]:
    """Normalise the many calling conventions to ``[(item, weight), ...]``.

    Accepts ``None``, one item, a list of items, or ``(item, weight)`` pairs.
    A bare string or vector counts as one item.
    """
    if items is None:
        return []
    if isinstance(items, (str, np.ndarray)) or not isinstance(items, Iterable):
        return [(items, default)]
    out: list[tuple[Any, float]] = []
    for it in items:
        if (
            isinstance(it, tuple)
            and len(it) == 2
            and isinstance(it[1], (int, float, np.floating))
            and not isinstance(it[1], bool)
        ):
            out.append((it[0], float(it[1])))
        else:
            out.append((it, default))
    return out


def combine(
    positive: Any,
    negative: Any,
    resolve: Callable[[Any], tuple[np.ndarray, str | None]],
    *,
    owner: str = "most_similar",
) -> tuple[np.ndarray, set[str]]:
    """The query vector of ``positive``/``negative`` and the keys of stored inputs.

    ``resolve(item)`` returns ``(vector, key_or_None)``: a key when the item is
    something stored (so it can be excluded from the results).
    """
    pos = split_weighted(positive, 1.0)
    neg = [(it, -w) for it, w in split_weighted(negative, 1.0)]
    if not pos and not neg:
        raise UsageError(
            f"{owner} needs at least one item in 'positive' or 'negative'. Got none.",
        )
    vecs: list[np.ndarray] = []
    keys: set[str] = set()
    for item, w in pos + neg:
        v, key = resolve(item)
        vecs.append(w * unit(v))
        if key is not None:
            keys.add(key)
    q = np.mean(np.stack(vecs), axis=0)
    return unit(q).astype(np.float32), keys


def top_matches(
    scores: np.ndarray,
    keys: Sequence[str],
    items: Sequence[Any] | None,
    topn: int,
    exclude: set[str],
) -> list[Match]:
    """Best ``topn`` by score (ties broken by key for a deterministic order)."""
    order = sorted(range(len(keys)), key=lambda i: (-float(scores[i]), keys[i]))
    out: list[Match] = []
    for i in order:
        if keys[i] in exclude:
            continue
        out.append(Match(keys[i], float(scores[i]), None if items is None else items[i]))
        if len(out) >= topn:
            break
    return out
