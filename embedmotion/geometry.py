"""Edit geometry: edits as vectors, kinds of edits as directions.

An edit moves a fragment through embedding space; its *edit vector* is where
it went.  :class:`EditSpace` holds the edit vectors of a set of edits under
each **representation**:

``fragment``  Δ of whole fragments: ``embed(after) − embed(before)``
``hunk``      Δ of the changed lines with two lines of context (the default:
              on real histories it carries more signal than whole fragments)
``diff``      the embedding of the unified diff text itself
``lexical``   the baseline: a hashed bag of tokens on added lines minus those on
              removed lines (no neural model at all)

``normalize=True`` scales each edit vector to unit length (the magnitude of a
Δ mostly says how *big* an edit is, not what kind).

A :class:`Direction` is a unit vector with a provenance, fitted like a
scikit-learn estimator::

    space = EditSpace.from_corpus(corpus)                 # or EditSpace.from_edits(edits)
    d = Direction(method="mean").fit(space, label="less-flaky")
    d.provenance_                                          # method, label, counts, model
    space.project(direction=d)                             # a score per edit
    space.most_similar(positive=[d], topn=5)               # edits that move that way

Methods: ``mean`` (the word2vec relation vector: mean edit vector of a label),
``contrast`` (mean of the label minus mean of all other edits), ``probe``
(logistic regression on edit vectors; the weight vector), ``pca`` (the first
uncentred principal axis of the label's edits, signed to agree with their mean).
Directions can also come from a few before/after examples
(:meth:`Direction.from_examples`), from text (:meth:`Direction.from_text`:
"flaky test with sleeps" → "deterministic test"), or from two sets of
fragments (:meth:`Direction.from_sets`: flaky tests vs stable tests).

Directions add, subtract, scale, and project out another direction
(:meth:`Direction.orthogonalize`); they save to JSON + ``.npy``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .algebra import Match, combine, top_matches, unit
from .errors import InputError, NotFittedError, UsageError, check_param

if TYPE_CHECKING:
    from .corpus import Corpus
    from .embedding import Embedder

Representation = Literal["fragment", "hunk", "diff", "lexical"]
REPRESENTATIONS: tuple[str, ...] = ("fragment", "hunk", "diff", "lexical")
DEFAULT_REPRESENTATION: Representation = "hunk"
Method = Literal["mean", "contrast", "probe", "pca"]
METHODS: tuple[str, ...] = ("mean", "contrast", "probe", "pca")
LEXICAL_DIM = 2048


def _lexical_edit_vectors(frame: pd.DataFrame, dim: int = LEXICAL_DIM) -> np.ndarray:
    """Hashed bag of tokens on added lines minus tokens on removed lines."""
    import difflib

    from .embedding import LexicalEmbedder

    lex = LexicalEmbedder(dimension=dim)
    added, removed = [], []
    for b, a in zip(frame["before_text"].fillna(""), frame["after_text"].fillna("")):
        plus, minus = [], []
        for line in difflib.ndiff(b.splitlines(), a.splitlines()):
            if line.startswith("+ "):
                plus.append(line[2:])
            elif line.startswith("- "):
                minus.append(line[2:])
        added.append("\n".join(plus))
        removed.append("\n".join(minus))
    va = lex.encode(added, normalize=False)
    vr = lex.encode(removed, normalize=False)
    return (va - vr).astype(np.float32)


class EditSpace:
    """Edit vectors of a set of edits, under each representation.

    Build it with :meth:`from_corpus` or :meth:`from_edits`.  ``frame`` is the
    edit table (see :func:`embedmotion.edits.edits_to_frame`); ``arrays`` maps
    the names in :data:`embedmotion.edit_vectors.EDIT_ARRAYS` to row-aligned
    side vectors.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        arrays: dict[str, np.ndarray],
        *,
        embedder: Embedder | None = None,
        model_id: str = "",
        representation: Representation = DEFAULT_REPRESENTATION,
        normalize: bool = True,
    ) -> None:
        check_param(
            representation in REPRESENTATIONS,
            "representation",
            "EditSpace",
            f"one of {REPRESENTATIONS}",
            representation,
        )
        self.frame = frame.reset_index(drop=True)
        self.arrays = arrays
        self.embedder = embedder
        self.model_id = model_id or (embedder.model_id if embedder is not None else "")
        self.representation: Representation = representation
        self.normalize = normalize
        self._cache: dict[tuple[str, bool], np.ndarray] = {}
        self._id_row = {str(i): n for n, i in enumerate(self.frame["id"])}

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_corpus(cls, corpus: Corpus, **kwargs: Any) -> EditSpace:
        from .edit_vectors import EDIT_ARRAYS

        if not len(corpus.edits):
            raise UsageError(
                f"The corpus at {corpus.path} holds no edits.",
                fix="Add some with `embedmotion mine REPO --corpus DIR` (or use the curated corpus).",
            )
        corpus.embed_edits()
        arrays = {n: np.asarray(corpus.edit_vectors(n)) for n in EDIT_ARRAYS}
        return cls(
            corpus.edits,
            arrays,
            embedder=corpus.embedder,
            model_id=corpus.manifest["model"]["id"],
            **kwargs,
        )

    @classmethod
    def from_edits(
        cls,
        edits: Sequence[Any],
        *,
        embedder: Embedder | None = None,
        show_progress_bar: bool | None = None,
        **kwargs: Any,
    ) -> EditSpace:
        from .edit_vectors import embed_edits
        from .edits import edits_to_frame

        if embedder is None:
            from .embedding import load_embedder

            embedder = load_embedder()
        arrays = embed_edits(list(edits), embedder, show_progress_bar=show_progress_bar)
        return cls(edits_to_frame(list(edits)), arrays, embedder=embedder, **kwargs)

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return (
            f"EditSpace(edits={len(self)}, representation={self.representation!r}, "
            f"normalize={self.normalize})"
        )

    def subset(self, mask: np.ndarray | Sequence[bool]) -> EditSpace:
        """A space over the rows where ``mask`` is true (same options)."""
        m = np.asarray(mask, dtype=bool)
        sub = EditSpace(
            self.frame[m],
            {k: v[m] for k, v in self.arrays.items()},
            embedder=self.embedder,
            model_id=self.model_id,
            representation=self.representation,
            normalize=self.normalize,
        )
        return sub

    # -- vectors --------------------------------------------------------------------------
    def vectors(
        self, representation: Representation | None = None, *, normalize: bool | None = None
    ) -> np.ndarray:
        """Edit vectors (n, d) under a representation (default: the space's)."""
        rep = representation or self.representation
        check_param(
            rep in REPRESENTATIONS,
            "representation",
            "EditSpace.vectors",
            f"one of {REPRESENTATIONS}",
            rep,
        )
        norm = self.normalize if normalize is None else normalize
        key = (rep, norm)
        if key not in self._cache:
            if rep == "fragment":
                v = self.arrays["edit_after"] - self.arrays["edit_before"]
            elif rep == "hunk":
                v = self.arrays["edit_hunk_after"] - self.arrays["edit_hunk_before"]
            elif rep == "diff":
                v = np.array(self.arrays["edit_diff"], dtype=np.float32)
            else:
                v = _lexical_edit_vectors(self.frame)
            v = np.asarray(v, dtype=np.float32)
            if norm:
                n = np.linalg.norm(v, axis=1, keepdims=True)
                v = np.divide(v, n, out=np.zeros_like(v), where=n > 0)
            self._cache[key] = v
        return self._cache[key]

    def labels(self, column: str = "category") -> np.ndarray:
        """A label per edit: ``category`` when set, else the first of ``labels``."""
        if column == "category" and "category" in self.frame:
            cat = self.frame["category"].fillna("").astype(str)
            if "labels" in self.frame:
                first = self.frame["labels"].map(lambda x: x[0] if len(x) else "")
                cat = cat.where(cat != "", first)
            return cat.to_numpy()
        return self.frame[column].fillna("").astype(str).to_numpy()

    def has_label(self, label: str) -> np.ndarray:
        """Boolean mask of edits carrying ``label`` (category or any of ``labels``)."""
        cats = self.frame["category"] if "category" in self.frame else pd.Series([""] * len(self))
        m = np.array(cats.fillna("").astype(str).to_numpy() == label, dtype=bool)
        if "labels" in self.frame:
            m |= np.array(self.frame["labels"].map(lambda xs: label in tuple(xs)).to_numpy(), dtype=bool)
        return m

    def groups(self) -> np.ndarray:
        """The project/source of each edit: split train/test on it, never on rows."""
        return self.frame["source"].fillna("").astype(str).to_numpy()

    # -- items ----------------------------------------------------------------------------
    def _embed(self, texts: list[str]) -> np.ndarray:
        if self.embedder is None:
            raise UsageError(
                "This EditSpace has no embedder, so it cannot embed new text.",
                fix="Build it with EditSpace.from_corpus or pass embedder=.",
            )
        return self.embedder.encode(texts, normalize=True)

    def edit_vector(self, before: str, after: str) -> np.ndarray:
        """The edit vector of a new before → after pair, in this space's representation."""
        from .edits import Edit
        from .fragments import Fragment

        e = Edit(Fragment.from_text(before), Fragment.from_text(after), "modified")
        rep = self.representation
        if rep == "lexical":
            from .edits import edits_to_frame

            v = _lexical_edit_vectors(edits_to_frame([e]))[0]
        elif rep == "diff":
            v = self._embed([e.diff(context=2)])[0]
        elif rep == "hunk":
            hb, ha = e.hunk_texts(context=2)
            vb, va = self._embed([hb, ha])
            v = va - vb
        else:
            vb, va = self._embed([before, after])
            v = va - vb
        return unit(v) if self.normalize else v.astype(np.float32)

    def _resolve(self, item: Any) -> tuple[np.ndarray, str | None]:
        if isinstance(item, Direction):
            return item.vector_, None
        if isinstance(item, np.ndarray):
            return np.asarray(item, dtype=np.float32).ravel(), None
        if isinstance(item, str) and item in self._id_row:
            return self.vectors()[self._id_row[item]], item
        if hasattr(item, "before") and hasattr(item, "after") and hasattr(item, "id"):
            if item.id in self._id_row:
                return self.vectors()[self._id_row[item.id]], item.id
            return self.edit_vector(item.before_text, item.after_text), None
        if isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item):
            return self.edit_vector(item[0], item[1]), None
        raise UsageError(
            f"Cannot use {item!r:.60} as an edit.",
            fix="Pass an edit id, an Edit, a (before, after) pair of texts, a Direction or a vector.",
        )

    # -- queries --------------------------------------------------------------------------
    def most_similar(
        self,
        positive: Any = None,
        negative: Any = None,
        *,
        topn: int = 10,
        exclude_inputs: bool = True,
    ) -> list[Match]:
        """Edits whose vectors are nearest to ``mean(positive) − mean(negative)``.

        Items: edit ids, :class:`~embedmotion.edits.Edit`, ``(before, after)`` text
        pairs, :class:`Direction` or vectors (optionally ``(item, weight)``).
        Results: ``(edit id, cosine)`` with the edit's table row in ``.item``.
        """
        check_param(
            isinstance(topn, int) and topn > 0,
            "topn",
            "EditSpace.most_similar",
            "a positive integer",
            topn,
        )
        q, keys = combine(positive, negative, self._resolve, owner="EditSpace.most_similar")
        X = self.vectors()
        n = np.linalg.norm(X, axis=1)
        scores = (X @ q) / np.where(n > 0, n, 1.0)
        rows = [r for _, r in self.frame.iterrows()]
        return top_matches(
            scores,
            [str(i) for i in self.frame["id"]],
            rows,
            topn,
            keys if exclude_inputs else set(),
        )

    def project(
        self, items: Any = None, direction: Direction | np.ndarray | None = None
    ) -> np.ndarray:
        """Scores along ``direction``: of every edit here (``items=None``), of edit ids,
        or of fragment texts / vectors (a fragment's position on the axis)."""
        if direction is None:
            raise UsageError(
                "project needs a direction.", fix="Pass direction=Direction(...).fit(...)."
            )
        d = direction.vector_ if isinstance(direction, Direction) else unit(np.asarray(direction))
        if items is None:
            return self.vectors() @ d
        vecs = []
        texts = []
        for it in items:
            if isinstance(it, str) and it in self._id_row:
                vecs.append(self.vectors()[self._id_row[it]])
            elif isinstance(it, np.ndarray):
                vecs.append(it.astype(np.float32))
            elif isinstance(it, str):
                texts.append((len(vecs), it))
                vecs.append(np.zeros_like(d))
            else:
                vecs.append(self._resolve(it)[0])
        if texts:
            emb = self._embed([t for _, t in texts])
            for (slot, _), v in zip(texts, emb):
                vecs[slot] = v
        return np.stack(vecs) @ d if vecs else np.zeros(0, dtype=np.float32)

    def analogy(
        self,
        a_before: str,
        a_after: str,
        b_before: str,
        *,
        candidates: Sequence[str] | None = None,
        topn: int = 5,
    ) -> list[Match]:
        """ "``a_before : a_after :: b_before : ?``" — rank candidate after-versions of b.

        The query is ``embed(b_before) + (embed(a_after) − embed(a_before))``;
        candidates default to every after-side in the space.  ``b_before`` itself
        is never returned.  Results are ``(candidate text, cosine)``.
        """
        if candidates is None:
            candidates = [t for t in self.frame["after_text"].fillna("") if t]
        cands = [c for c in dict.fromkeys(candidates) if c.strip() != b_before.strip()]
        if not cands:
            raise UsageError("analogy needs at least one candidate other than b_before.")
        va_b, va_a, vb_b = self._embed([a_before, a_after, b_before])
        q = unit(vb_b + (va_a - va_b))
        C = self._embed(list(cands))
        return top_matches(C @ q, list(cands), list(cands), topn, set())


class Direction:
    """A direction in embedding space, fitted like a scikit-learn estimator.

    Parameters
    ----------
    method : "mean" | "contrast" | "probe" | "pca"
    representation : which edit vectors to fit on (default: the space's)
    C : inverse regularisation of the ``probe`` (logistic regression)
    random_state : seed for the probe's solver

    Fitted attributes (trailing underscore): ``vector_`` (unit, float32),
    ``intercept_`` (probe only, else 0), ``provenance_`` (dict: method, label,
    counts, model, representation), ``threshold_`` (midpoint between the class
    means of the projections, for a yes/no reading).
    """

    def __init__(
        self,
        method: Method = "mean",
        *,
        representation: Representation | None = None,
        C: float = 1.0,
        random_state: int | None = 0,
        name: str | None = None,
    ) -> None:
        self.method = method
        self.representation = representation
        self.C = C
        self.random_state = random_state
        self.name = name

    def __repr__(self) -> str:
        state = f", fitted on {self.provenance_.get('label')!r}" if self._fitted() else ""
        return f"Direction(method={self.method!r}{state})"

    def _fitted(self) -> bool:
        return hasattr(self, "vector_")

    def _check(self) -> None:
        if not self._fitted():
            raise NotFittedError(
                "This Direction is not fitted yet.",
                fix="Call fit(...) or use one of Direction.from_examples / from_text / from_sets.",
            )

    # -- fitting --------------------------------------------------------------------------
    def fit(
        self,
        X: EditSpace | np.ndarray,
        y: Sequence[bool] | np.ndarray | None = None,
        *,
        label: str | None = None,
        model_id: str = "",
    ) -> Direction:
        """Fit on an :class:`EditSpace` and a ``label``, or on vectors ``X`` and a mask ``y``.

        ``y`` marks the edits of the kind (``True``); with ``method="mean"`` or
        ``"pca"`` and ``y=None`` every row of ``X`` counts.
        """
        check_param(self.method in METHODS, "method", "Direction", f"one of {METHODS}", self.method)
        rep = self.representation
        if isinstance(X, EditSpace):
            rep = rep or X.representation
            model_id = model_id or X.model_id
            if label is not None:
                y = X.has_label(label)
            vecs = X.vectors(rep)
        else:
            vecs = np.asarray(X, dtype=np.float32)
        if vecs.ndim != 2 or not len(vecs):
            raise UsageError("Direction.fit needs a non-empty 2-D array of vectors.")
        mask = np.ones(len(vecs), dtype=bool) if y is None else np.asarray(y, dtype=bool)
        n_pos, n_neg = int(mask.sum()), int((~mask).sum())
        if n_pos == 0:
            raise UsageError(
                f"Direction.fit found no edits labelled {label!r}."
                if label
                else "Direction.fit got no positive rows in y.",
                fix="Check the label name (`embedmotion edits --json` lists categories and labels).",
            )
        needs_neg = self.method in ("contrast", "probe")
        if needs_neg and n_neg == 0:
            raise UsageError(
                f"Method {self.method!r} contrasts the label with other edits, but there are none.",
                fix="Fit on a space with other edits too, or use method='mean'.",
            )
        pos = vecs[mask]
        intercept = 0.0
        if self.method == "mean":
            v = pos.mean(axis=0)
        elif self.method == "contrast":
            v = pos.mean(axis=0) - vecs[~mask].mean(axis=0)
        elif self.method == "pca":
            # uncentred: the axis the label's edits share (centring would remove it)
            mu = pos.mean(axis=0)
            _, _, vt = np.linalg.svd(pos, full_matrices=False)
            v = vt[0] if float(vt[0] @ mu) >= 0 else -vt[0]
        else:
            from sklearn.linear_model import LogisticRegression

            clf = LogisticRegression(
                C=self.C, max_iter=2000, class_weight="balanced", random_state=self.random_state
            )
            clf.fit(vecs, mask)
            w = clf.coef_[0]
            nw = float(np.linalg.norm(w))
            v = w
            intercept = float(clf.intercept_[0]) / nw if nw else 0.0
        if float(np.linalg.norm(v)) == 0:
            raise UsageError(
                "The fitted direction is zero (the edits cancel out).",
                fix="Use another method or more edits.",
            )
        self.vector_ = unit(v).astype(np.float32)
        self.intercept_ = intercept
        proj = vecs @ self.vector_
        self.threshold_ = float((proj[mask].mean() + proj[~mask].mean()) / 2) if n_neg else 0.0
        self.provenance_ = {
            "method": self.method,
            "label": label,
            "representation": rep,
            "n_positive": n_pos,
            "n_negative": n_neg,
            "model": model_id,
            "name": self.name,
        }
        return self

    @classmethod
    def from_vector(
        cls,
        vector: np.ndarray,
        *,
        provenance: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> Direction:
        v = np.asarray(vector, dtype=np.float32).ravel()
        if not np.isfinite(v).all() or float(np.linalg.norm(v)) == 0:
            raise UsageError("A direction needs a finite, non-zero vector.")
        d = cls(provenance.get("method", "vector") if provenance else "mean", name=name)  # type: ignore[arg-type]
        d.vector_ = unit(v)
        d.intercept_ = 0.0
        d.threshold_ = 0.0
        d.provenance_ = dict(provenance or {"method": "vector"})
        d.provenance_.setdefault("name", name)
        return d

    @classmethod
    def from_examples(
        cls,
        pairs: Sequence[tuple[str, str]],
        *,
        embedder: Embedder | None = None,
        representation: Representation = DEFAULT_REPRESENTATION,
        name: str | None = None,
    ) -> Direction:
        """The mean edit vector of a few ``(before, after)`` example pairs."""
        if not pairs:
            raise UsageError("from_examples needs at least one (before, after) pair.")
        from .edits import Edit
        from .fragments import Fragment

        edits = [Edit(Fragment.from_text(b), Fragment.from_text(a), "modified") for b, a in pairs]
        space = EditSpace.from_edits(edits, embedder=embedder, representation=representation)
        d = cls("mean", name=name).fit(space)
        d.provenance_.update({"method": "examples", "n_positive": len(pairs)})
        return d

    @classmethod
    def from_text(
        cls,
        source: str | Sequence[str],
        target: str | Sequence[str],
        *,
        embedder: Embedder | None = None,
        name: str | None = None,
    ) -> Direction:
        """``mean(embed(target)) − mean(embed(source))``: e.g. "flaky test with sleeps" →
        "deterministic test"."""
        src = [source] if isinstance(source, str) else list(source)
        dst = [target] if isinstance(target, str) else list(target)
        if not src or not dst:
            raise UsageError("from_text needs at least one source and one target phrase.")
        emb = embedder or _default_embedder()
        v = emb.encode(dst).mean(axis=0) - emb.encode(src).mean(axis=0)
        return cls.from_vector(
            v,
            name=name,
            provenance={"method": "text", "source": src, "target": dst, "model": emb.model_id},
        )

    @classmethod
    def from_sets(
        cls,
        negative: Sequence[str],
        positive: Sequence[str],
        *,
        embedder: Embedder | None = None,
        name: str | None = None,
    ) -> Direction:
        """From two sets of fragments: ``mean(positive) − mean(negative)`` (e.g. stable −
        flaky tests gives a less-flaky axis)."""
        if not negative or not positive:
            raise UsageError("from_sets needs two non-empty sets of fragments.")
        emb = embedder or _default_embedder()
        v = emb.encode(list(positive)).mean(axis=0) - emb.encode(list(negative)).mean(axis=0)
        return cls.from_vector(
            v,
            name=name,
            provenance={
                "method": "sets",
                "n_positive": len(positive),
                "n_negative": len(negative),
                "model": emb.model_id,
            },
        )

    # -- use ------------------------------------------------------------------------------
    def score(self, X: np.ndarray) -> np.ndarray:
        """Projections of rows of ``X`` on the direction (plus the probe's intercept)."""
        self._check()
        return np.asarray(X, dtype=np.float32) @ self.vector_ + self.intercept_

    def cosine(self, X: np.ndarray) -> np.ndarray:
        """Cosine of each row of ``X`` with the direction."""
        self._check()
        X = np.asarray(X, dtype=np.float32)
        n = np.linalg.norm(X, axis=-1)
        return (X @ self.vector_) / np.where(n > 0, n, 1.0)

    # -- algebra --------------------------------------------------------------------------
    def _combine(self, other: Direction | np.ndarray, sign: float, op: str) -> Direction:
        self._check()
        ov = other.vector_ if isinstance(other, Direction) else np.asarray(other, np.float32)
        prov = {
            "method": op,
            "operands": [
                self.provenance_,
                other.provenance_ if isinstance(other, Direction) else "vector",
            ],
        }
        return Direction.from_vector(self.vector_ + sign * ov, provenance=prov)

    def __add__(self, other: Direction | np.ndarray) -> Direction:
        return self._combine(other, 1.0, "sum")

    def __sub__(self, other: Direction | np.ndarray) -> Direction:
        return self._combine(other, -1.0, "difference")

    def __mul__(self, k: float) -> ScaledDirection:
        self._check()
        return ScaledDirection(self, float(k))

    __rmul__ = __mul__

    def __neg__(self) -> Direction:
        self._check()
        return Direction.from_vector(
            -self.vector_, provenance={"method": "negation", "operands": [self.provenance_]}
        )

    def orthogonalize(self, other: Direction | np.ndarray) -> Direction:
        """This direction with ``other``'s component projected out (then re-normalised)."""
        self._check()
        o = unit(other.vector_ if isinstance(other, Direction) else np.asarray(other, np.float32))
        v = self.vector_ - float(self.vector_ @ o) * o
        if float(np.linalg.norm(v)) < 1e-6:
            raise UsageError(
                "The two directions are parallel: nothing is left after projecting out."
            )
        return Direction.from_vector(
            v,
            provenance={
                "method": "orthogonalize",
                "operands": [
                    self.provenance_,
                    other.provenance_ if isinstance(other, Direction) else "vector",
                ],
            },
        )

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``NAME.json`` (parameters + provenance) and ``NAME.npy`` (the vector)."""
        self._check()
        p = Path(path)
        base = p.with_suffix("") if p.suffix in (".json", ".npy") else p
        base.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": "embedmotion-direction",
            "version": 1,
            "method": self.method,
            "name": self.name,
            "intercept": self.intercept_,
            "threshold": self.threshold_,
            "dimension": int(self.vector_.shape[0]),
            "provenance": self.provenance_,
        }
        from .corpus import atomic_write_bytes

        npy = base.with_suffix(".npy")
        tmp = base.with_name(f".tmp-{base.name}.npy")
        with open(tmp, "wb") as fh:
            np.save(fh, self.vector_)
        os.replace(tmp, npy)
        atomic_write_bytes(
            base.with_suffix(".json"), json.dumps(meta, indent=2, default=str).encode()
        )
        return base.with_suffix(".json")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Direction:
        p = Path(path)
        base = p.with_suffix("") if p.suffix in (".json", ".npy") else p
        try:
            meta = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
            vec = np.load(base.with_suffix(".npy"))
        except (OSError, ValueError) as exc:
            raise InputError(
                f"Cannot read the direction at {base} ({exc}).",
                fix="Re-fit and save it, e.g. `embedmotion direction fit NAME ...`.",
            ) from exc
        if meta.get("format") != "embedmotion-direction" or vec.shape != (meta.get("dimension"),):
            raise InputError(
                f"{base}.json is not an embedmotion direction (or its vector is damaged).",
                fix="Re-fit and save it.",
            )
        d = cls.from_vector(vec, provenance=meta.get("provenance"), name=meta.get("name"))
        d.method = meta.get("method", d.method)
        d.intercept_ = float(meta.get("intercept", 0.0))
        d.threshold_ = float(meta.get("threshold", 0.0))
        return d


class ScaledDirection:
    """``k · direction``: an offset you can add to a vector (``v + 0.5 * d``)."""

    def __init__(self, direction: Direction, k: float) -> None:
        self.direction = direction
        self.k = k

    @property
    def vector_(self) -> np.ndarray:
        return self.k * self.direction.vector_

    def __radd__(self, v: np.ndarray) -> np.ndarray:
        return np.asarray(v, dtype=np.float32) + self.vector_

    __add__ = __radd__


def _default_embedder() -> Embedder:
    from .embedding import load_embedder

    return load_embedder()


def stack_directions(directions: Iterable[Direction]) -> np.ndarray:
    """Rows of unit vectors (for batch projections)."""
    return np.stack([d.vector_ for d in directions])
