"""A small FAISS wrapper with stable 64-bit ids.

Vectors are compared by inner product; embedmotion normalises its vectors, so
scores are cosine similarities.  Three index kinds:

``flat``
    exact search (``IndexIDMap2(IndexFlatIP)``); removal is native.
``hnsw``
    approximate graph search (``IndexHNSWFlat``, M=32, efSearch=128 by default);
    FAISS cannot delete from HNSW, so removed ids become *tombstones* that are
    filtered from results and purged by a rebuild once they pass 10% of the index
    (and before every save).
``ivf``
    inverted lists (``IndexIVFFlat``, ``nlist ≈ 4·√n``, ``nprobe=16``), trained
    on the first vectors added; removal is native.

``kind="auto"`` picks ``flat`` below :data:`AUTO_FLAT_LIMIT` vectors (exact and
fast enough there: ~10 ms per query at 100k × 384 on two cores) and ``hnsw``
above.  The choice is made when the first vectors are added and re-made by
:meth:`VectorIndex.rebuild`.

>>> import numpy as np
>>> ix = VectorIndex(4)
>>> ix.add(np.array([10, 20]), np.eye(4, dtype="float32")[:2])
>>> scores, keys = ix.search(np.eye(4, dtype="float32")[:1], 1)
>>> int(keys[0, 0])
10
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .errors import IndexError_, check_param

IndexKind = Literal["auto", "flat", "hnsw", "ivf"]
AUTO_FLAT_LIMIT = 100_000
HNSW_M = 32
HNSW_EF_SEARCH = 128
IVF_NPROBE = 16
SMALL_BATCH = 16  # below this many queries, search single-threaded


def _faiss():  # imported lazily: faiss pulls in OpenMP and takes a moment
    import faiss

    return faiss


def _as_matrix(vectors: np.ndarray, dimension: int, owner: str) -> np.ndarray:
    v = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if v.ndim == 1:
        v = v[None, :]
    if v.ndim != 2 or v.shape[1] != dimension:
        raise IndexError_(
            f"{owner} got vectors of shape {tuple(np.shape(vectors))}, but the index holds "
            f"{dimension}-dimensional vectors.",
            fix="Embed with the same model the index was built with, or rebuild the index.",
        )
    return v


class VectorIndex:
    """FAISS index over unit vectors with stable int64 keys; see the module docstring."""

    def __init__(self, dimension: int, *, kind: IndexKind = "auto") -> None:
        check_param(
            isinstance(dimension, int) and dimension > 0,
            "dimension",
            "VectorIndex",
            "a positive integer",
            dimension,
        )
        check_param(
            kind in ("auto", "flat", "hnsw", "ivf"),
            "kind",
            "VectorIndex",
            "one of 'auto', 'flat', 'hnsw', 'ivf'",
            kind,
        )
        self.dimension = dimension
        self.requested_kind: IndexKind = kind
        self.kind: str | None = None if kind == "auto" else kind
        self._index: Any = None
        self._tombstones: set[int] = set()

    # -- construction -------------------------------------------------------------------
    def _make(self, kind: str, train: np.ndarray | None) -> object:
        faiss = _faiss()
        if kind == "flat":
            return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))
        if kind == "hnsw":
            inner = faiss.IndexHNSWFlat(self.dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = 80
            inner.hnsw.efSearch = HNSW_EF_SEARCH
            return faiss.IndexIDMap2(inner)
        # ivf
        n = 0 if train is None else len(train)
        nlist = max(1, min(int(4 * math.sqrt(max(n, 1))), max(1, n // 39)))
        quantizer = faiss.IndexFlatIP(self.dimension)
        ivf = faiss.IndexIVFFlat(quantizer, self.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        if train is not None and n:
            ivf.train(train)
        ivf.nprobe = min(IVF_NPROBE, nlist)
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
        return ivf

    def __len__(self) -> int:
        return 0 if self._index is None else int(self._index.ntotal) - len(self._tombstones)  # type: ignore[attr-defined]

    def keys(self) -> np.ndarray:
        """All live keys (int64), in insertion order where the index keeps one."""
        if self._index is None:
            return np.zeros(0, dtype=np.int64)
        faiss = _faiss()
        if self.kind == "ivf":
            invlists = self._index.invlists  # type: ignore[attr-defined]
            parts = []
            for lst in range(invlists.nlist):
                sz = invlists.list_size(lst)
                if sz:
                    ids = faiss.rev_swig_ptr(invlists.get_ids(lst), sz).copy()
                    parts.append(ids)
            allk = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        else:
            allk = faiss.vector_to_array(self._index.id_map).astype(np.int64)  # type: ignore[attr-defined]
        if self._tombstones:
            allk = allk[~np.isin(allk, np.fromiter(self._tombstones, dtype=np.int64))]
        return allk

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under ``keys``; keys already present are replaced (an update)."""
        k = np.ascontiguousarray(np.asarray(keys, dtype=np.int64).ravel())
        v = _as_matrix(vectors, self.dimension, "VectorIndex.add")
        if len(k) != len(v):
            raise IndexError_(
                f"VectorIndex.add got {len(k)} keys for {len(v)} vectors.",
                fix="Pass exactly one key per vector.",
            )
        if len(np.unique(k)) != len(k):
            raise IndexError_(
                "VectorIndex.add got duplicate keys.", fix="Deduplicate keys before adding."
            )
        if not len(k):
            return
        if self._index is None:
            if self.kind is None:
                self.kind = "flat" if len(k) < AUTO_FLAT_LIMIT else "hnsw"
            self._index = self._make(self.kind, v if self.kind == "ivf" else None)
        elif self.kind == "hnsw":
            live = self.keys()
            if np.isin(k, live).any():
                # HNSW cannot replace a vector in place: rebuild without the old versions
                keep = live[~np.isin(live, k)]
                old = (
                    self.reconstruct(keep)
                    if len(keep)
                    else np.zeros((0, self.dimension), "float32")
                )
                self._index = self._make("hnsw", None)
                self._tombstones = set()
                if len(keep):
                    self._index.add_with_ids(old, keep)  # type: ignore[attr-defined]
        else:
            self.remove(k)
        self._index.add_with_ids(v, k)  # type: ignore[attr-defined]
        if self.kind == "hnsw" and len(self._tombstones) > 0.1 * max(1, len(self)):
            self.rebuild()

    def remove(self, keys: np.ndarray) -> int:
        """Remove ``keys`` (missing keys are ignored); returns how many were present."""
        if self._index is None:
            return 0
        k = np.asarray(keys, dtype=np.int64).ravel()
        if not len(k):
            return 0
        if self.kind == "hnsw":
            present = set(self.keys().tolist()) & {int(x) for x in k}
            self._tombstones.update(present)
            if len(self._tombstones) > 0.1 * max(1, int(self._index.ntotal)):  # type: ignore[attr-defined]
                self.rebuild()
            return len(present)
        faiss = _faiss()
        k = np.ascontiguousarray(k)
        sel = (
            faiss.IDSelectorArray(len(k), faiss.swig_ptr(k))
            if self.kind == "ivf"
            else faiss.IDSelectorBatch(k)
        )
        return int(self._index.remove_ids(sel))  # type: ignore[attr-defined]

    def reconstruct(self, keys: np.ndarray) -> np.ndarray:
        """The stored vectors of ``keys`` (an IndexError_ for unknown keys)."""
        if self._index is None:
            raise IndexError_("The index is empty.", fix="Add vectors first.")
        out = np.zeros((len(keys), self.dimension), dtype=np.float32)
        try:
            for i, key in enumerate(np.asarray(keys, dtype=np.int64)):
                if int(key) in self._tombstones:
                    raise RuntimeError("removed")
                out[i] = self._index.reconstruct(int(key))  # type: ignore[attr-defined]
        except RuntimeError as exc:
            raise IndexError_(f"Key {int(key)} is not in the index.", fix="Check the id.") from exc
        return out

    def rebuild(self, *, kind: IndexKind | None = None) -> None:
        """Rebuild from the stored vectors: purges tombstones, re-chooses ``auto`` kinds."""
        keys = self.keys()
        vecs = self.reconstruct(keys) if len(keys) else np.zeros((0, self.dimension), "float32")
        if kind is not None:
            self.requested_kind = kind
        self.kind = None if self.requested_kind == "auto" else self.requested_kind
        self._index = None
        self._tombstones = set()
        self.add(keys, vecs)

    # -- search -------------------------------------------------------------------------
    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, keys) per query row, best first; missing slots have key -1."""
        check_param(
            isinstance(k, int) and k > 0, "k", "VectorIndex.search", "a positive integer", k
        )
        q = _as_matrix(queries, self.dimension, "VectorIndex.search")
        if self._index is None or len(self) == 0:
            return (
                np.full((len(q), k), -np.inf, dtype=np.float32),
                np.full((len(q), k), -1, np.int64),
            )
        extra = len(self._tombstones)
        kk = min(k + extra, int(self._index.ntotal))  # type: ignore[attr-defined]
        faiss = _faiss()
        threads = faiss.omp_get_max_threads()
        if len(q) < SMALL_BATCH:  # OpenMP costs more than it gives for a few queries
            faiss.omp_set_num_threads(1)
        try:
            scores, keys = self._index.search(q, kk)  # type: ignore[attr-defined]
        finally:
            faiss.omp_set_num_threads(threads)
        if extra:
            dead = np.isin(keys, np.fromiter(self._tombstones, dtype=np.int64))
            scores = np.where(dead, -np.inf, scores)
            keys = np.where(dead, -1, keys)
            order = np.argsort(-scores, axis=1, kind="stable")
            scores = np.take_along_axis(scores, order, axis=1)
            keys = np.take_along_axis(keys, order, axis=1)
        out_s = np.full((len(q), k), -np.inf, dtype=np.float32)
        out_k = np.full((len(q), k), -1, dtype=np.int64)
        w = min(k, scores.shape[1])
        out_s[:, :w] = scores[:, :w]
        out_k[:, :w] = keys[:, :w]
        out_s[out_k < 0] = -np.inf
        return out_s, out_k

    def set_search_effort(self, value: int) -> None:
        """efSearch for ``hnsw``, nprobe for ``ivf`` (higher: better recall, slower)."""
        if self._index is None:
            return
        faiss = _faiss()
        if self.kind == "hnsw":
            faiss.downcast_index(self._index.index).hnsw.efSearch = int(value)  # type: ignore[attr-defined]
        elif self.kind == "ivf":
            self._index.nprobe = int(value)  # type: ignore[attr-defined]

    # -- persistence --------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write atomically to ``path`` (a temporary file, then a rename) plus ``path.json``."""
        if self._tombstones:
            self.rebuild()
        faiss = _faiss()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "dimension": self.dimension,
            "kind": self.kind,
            "requested_kind": self.requested_kind,
        }
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".faiss")
        os.close(fd)
        try:
            if self._index is not None:
                faiss.write_index(self._index, tmp)
            else:
                Path(tmp).write_bytes(b"")
            _atomic_write_text(path.with_name(path.name + ".json"), json.dumps(meta))
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> VectorIndex:
        """Read an index written by :meth:`save`; a damaged file is an :class:`IndexError_`."""
        faiss = _faiss()
        path = Path(path)
        fix = "Delete it and rebuild (a corpus rebuilds its index from its vectors: `embedmotion index`)."
        try:
            meta = json.loads(path.with_name(path.name + ".json").read_text())
            ix = cls(int(meta["dimension"]), kind=meta.get("requested_kind", "auto"))
            ix.kind = meta.get("kind")
            if path.stat().st_size:
                ix._index = faiss.read_index(str(path))
                if int(ix._index.d) != ix.dimension:  # type: ignore[attr-defined]
                    raise ValueError("dimension disagrees with its metadata")
                if ix.kind == "hnsw":
                    faiss.downcast_index(ix._index.index).hnsw.efSearch = HNSW_EF_SEARCH  # type: ignore[attr-defined]
        except FileNotFoundError as exc:
            raise IndexError_(
                f"No index file at {path} ({exc.filename} is missing).", fix=fix
            ) from exc
        except (RuntimeError, ValueError, KeyError, json.JSONDecodeError) as exc:
            raise IndexError_(f"The index file {path} is damaged ({exc}).", fix=fix) from exc
        return ix


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
