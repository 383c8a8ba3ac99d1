"""Candidates: the edits a climb may try, and the order each strategy tries them in.

:mod:`embedmotion.climb` asks this module four things:

* **which edits** — :func:`generate_candidates` runs the rewrite operators
  (:mod:`embedmotion.rewrites`) on a fragment; a method that does not parse on
  its own (a JavaScript or Java method, a Rust ``impl`` item) is wrapped in a
  class for the operators and unwrapped again.  :func:`families_for` picks the
  operator families by failure kind: ``less-flaky`` for a flaky suite, else
  ``repair`` plus ``null-safety``, ``error-handling`` or ``resource-cleanup``
  when :func:`embedmotion.remedy.kind_category` says the failures are of that
  kind.  Every strategy gets the same candidates;
* **which way** — :func:`direction_for`: ``less-flaky`` (the curated
  category's contrast direction) for a flaky suite, else the remedy direction
  of the failures (:class:`embedmotion.remedy.RemedyModel`, ``nearest``: the
  fixes of the curated failures most like these).  :func:`stable_failures`
  first removes what changes from run to run (scratch paths, addresses,
  timings), so the same failure always gives the same direction;
* **in which order** — :func:`score_candidates` fills each candidate's score
  parts: with a direction, :class:`embedmotion.suggest.Ranker`'s ``align``
  (cosine of the candidate's motion with the direction), ``closeness``,
  ``decode`` and ``score``; without one (``nearest``), ``closeness`` only; and
  the fragment's ``suspicion``.  :func:`rank_order` sorts by ``score`` (or
  ``closeness``) plus ``SUSPICION_WEIGHT`` x suspicion, ties by generation order;
* **what the outcome teaches** — :func:`nudge` pulls the direction towards the
  motion of a candidate that helped (``WARMER``) or removes part of the motion
  of one that made things worse (``COLDER``; ``COLDER_NEUTRAL`` for one that
  changed nothing).

Embeddings go through an :class:`EmbeddingMemo` (an in-memory memo in front of
the embedder: re-ranking after every attempt re-scores the same texts).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .algebra import unit
from .errors import EmbedmotionError, UsageError

if TYPE_CHECKING:
    from .embedding import Embedder
    from .failures import Failure
    from .geometry import Direction, EditSpace
    from .remedy import RemedyModel

COLDER = 0.5  # how much of a worse candidate's motion is removed from the direction
COLDER_NEUTRAL = 0.2  # the same for a candidate that changed nothing
WARMER = 0.3  # how far the direction is pulled towards an accepted candidate's motion
SUSPICION_WEIGHT = 0.2  # ranking bonus of the most suspect fragment (direction, nearest)
#: Wrappers that make a method fragment parse on its own (JS/TS methods, Java members ...).
WRAPPERS: dict[str, tuple[str, str]] = {
    "javascript": ("class __Climb {\n", "\n}\n"),
    "typescript": ("class __Climb {\n", "\n}\n"),
    "tsx": ("class __Climb {\n", "\n}\n"),
    "java": ("class __Climb {\n", "\n}\n"),
    "cpp": ("struct __Climb {\n", "\n};\n"),
    "rust": ("impl __Climb {\n", "\n}\n"),
}
_FAMILY_OF_CATEGORY = {
    "null-safety": "null-safety",
    "error-handling": "error-handling",
    "resource-cleanup": "resource-cleanup",
}


# ------------------------------------------------------------------------------ candidates
@dataclass
class Candidate:
    """One edit of one suspect (``site``: its index), with its score ``parts``."""

    site: int
    text: str
    operator: str
    family: str
    description: str
    parts: dict[str, float] = field(default_factory=dict)


def generate_candidates(
    text: str, language: str, families: Sequence[str] | None, limit: int
) -> list[tuple[str, str, str, str]]:
    """(text, operator, family, description) per candidate; wraps fragments that need it."""
    from .rewrites import generate

    try:
        return [
            (c.text, c.operator, c.family, c.description)
            for c in generate(text, language, families=families, limit=limit)
        ]
    except UsageError:
        raise
    except EmbedmotionError:
        pass
    if language not in WRAPPERS:
        return []
    pre, suf = WRAPPERS[language]
    try:
        cands = generate(pre + text + suf, language, families=families, limit=limit)
    except UsageError:
        raise
    except EmbedmotionError:
        return []
    out = []
    for c in cands:
        if c.text.startswith(pre) and c.text.endswith(suf):
            inner = c.text[len(pre) : len(c.text) - len(suf)]
            if inner != text:
                out.append((inner, c.operator, c.family, c.description))
    return out


def families_for(flaky: bool, failures: Sequence[Failure], language: str) -> list[str]:
    """Operator families for the failures: ``less-flaky``, or ``repair`` plus the kind's family."""
    from .remedy import kind_category
    from .rewrites import operators_for

    if flaky:
        wanted = ["less-flaky"]
    else:
        wanted = ["repair"]
        for f in failures:
            fam = _FAMILY_OF_CATEGORY.get(kind_category(f) or "")
            if fam and fam not in wanted:
                wanted.append(fam)
    try:
        have = {op.family for op in operators_for(language)}
    except EmbedmotionError:
        return wanted
    return [f for f in wanted if f in have] or wanted


# ------------------------------------------------------------------------------ embedding
class EmbeddingMemo:
    """An in-memory memo in front of an embedder: the loop re-scores the same texts."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.fingerprint = inner.fingerprint
        self.dimension = inner.dimension
        self._memo: dict[tuple[str, bool], np.ndarray] = {}

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        show_progress_bar: bool | None = None,
        normalize: bool = True,
    ) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if (t, normalize) not in self._memo]
        if todo:
            V = self.inner.encode(
                todo, batch_size=batch_size, show_progress_bar=False, normalize=normalize
            )
            for t, v in zip(todo, V):
                self._memo[(t, normalize)] = np.asarray(v, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._memo[(t, normalize)] for t in texts])


_SPACES: dict[str, tuple[Any, EditSpace]] = {}
_REMEDIES: dict[str, tuple[Any, RemedyModel]] = {}


def _key(emb: Any) -> str:
    return f"{id(emb)}:{emb.fingerprint}"  # the caches hold emb: its id is not reused


def _curated(emb: Any) -> EditSpace:
    key = _key(emb)
    if key not in _SPACES:
        from .directions import curated_space

        _SPACES[key] = (emb, curated_space(embedder=emb))
    return _SPACES[key][1]


def direction_for(flaky: bool, failures: Sequence[Failure], emb: Any) -> Direction:
    """``less-flaky`` for a flaky suite, else the remedy direction of the failures."""
    from .geometry import Direction
    from .remedy import RemedyModel, direction_for_failures

    emb = getattr(emb, "inner", emb)  # cached per embedder, not per climb's memo
    space = _curated(emb)
    if flaky or not failures:
        label = "less-flaky" if flaky else "bugfix"
        d = Direction("contrast", name=label).fit(space, label=label)
        d.provenance_.update({"source": "curated", "name": label})
        return d
    key = _key(emb)
    if key not in _REMEDIES:
        _REMEDIES[key] = (emb, RemedyModel(method="nearest").fit(space, embedder=emb))
    return direction_for_failures(list(failures)[:5], model=_REMEDIES[key][1])


_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_DURATION = re.compile(r"\b\d+(\.\d+)?\s?(ms|s)\b")


def stable_failures(failures: Sequence[Failure], scratch: Path) -> list[Failure]:
    """The failures without what changes from run to run (scratch paths, addresses, timings).

    Their text is embedded into the direction: the same failure must give the same one.
    """
    prefixes = sorted(
        {str(scratch) + os.sep, str(scratch.resolve()) + os.sep}, key=len, reverse=True
    )

    def clean(text: str) -> str:
        for p in prefixes:
            text = text.replace(p, "")
        return _DURATION.sub("<t>", _ADDRESS.sub("0x…", text))

    return [
        dataclasses.replace(f, message=clean(f.message), raw=clean(f.raw), id="") for f in failures
    ]


def motion_of(before: str, after: str, emb: Any) -> np.ndarray:
    from .edits import Edit
    from .fragments import Fragment

    hb, ha = Edit(Fragment.from_text(before), Fragment.from_text(after), "modified").hunk_texts(2)
    vb, va = emb.encode([hb, ha], normalize=True)
    return unit(va - vb)


def nudge(direction: Direction, motion: np.ndarray, weight: float, event: str) -> Direction:
    """Pull the direction towards ``motion`` (weight > 0) or remove part of it (weight < 0)."""
    from .geometry import Direction as D

    d = direction.vector_
    if weight < 0:
        along = float(d @ motion)
        if along <= 0:
            return direction
        v = d + weight * along * motion
    else:
        v = d + weight * motion
    if not np.isfinite(v).all() or float(np.linalg.norm(v)) < 1e-6:
        return direction
    prov: dict[str, Any] = dict(direction.provenance_)
    prov[event] = int(prov.get(event) or 0) + 1
    return D.from_vector(unit(v), provenance=prov)


def score_candidates(
    cands: list[Candidate],
    bases: Sequence[tuple[str, float]],
    direction: Direction | None,
    emb: Any,
) -> None:
    """Fill the candidates' score parts (``direction``: the Ranker's; else closeness only)."""
    from .suggest import Ranker

    for s, (base, suspicion) in enumerate(bases):
        mine = [c for c in cands if c.site == s]
        if not mine:
            continue
        texts = [c.text for c in mine]
        if direction is not None:
            rows = Ranker(emb, direction).score(base, texts)
        else:
            V = emb.encode([base, *texts], normalize=True)
            rows = [{"closeness": float(v @ V[0])} for v in V[1:]]
        for c, row in zip(mine, rows):
            c.parts = {k: round(float(v), 6) for k, v in row.items()}
            c.parts["suspicion"] = round(suspicion, 6)


def rank_order(cands: list[Candidate], idx: list[int], strategy: str) -> list[int]:
    def key(i: int) -> tuple[float, int]:
        p = cands[i].parts
        base = (
            p.get("score", p.get("closeness", 0.0))
            if strategy == "direction"
            else p.get("closeness", 0.0)
        )
        return (-(base + SUSPICION_WEIGHT * p.get("suspicion", 0.0)), i)

    return sorted(idx, key=key)


__all__ = [
    "COLDER",
    "COLDER_NEUTRAL",
    "SUSPICION_WEIGHT",
    "WARMER",
    "WRAPPERS",
    "Candidate",
    "EmbeddingMemo",
    "direction_for",
    "families_for",
    "generate_candidates",
    "motion_of",
    "nudge",
    "rank_order",
    "score_candidates",
    "stable_failures",
]
