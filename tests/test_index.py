from __future__ import annotations

import numpy as np
import pytest

from embedmotion.errors import IndexError_, UsageError
from embedmotion.index import VectorIndex


def unit_rows(n: int, d: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, d)).astype("float32")
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_add_search_remove_update_roundtrip(kind: str, tmp_path) -> None:
    v = unit_rows(3000, 32)
    keys = np.arange(3000, dtype=np.int64) * 11 + 5
    ix = VectorIndex(32, kind=kind)
    ix.add(keys, v)
    assert len(ix) == 3000
    _, k = ix.search(v[:50], 1)
    assert (k[:, 0] == keys[:50]).mean() >= 0.9  # approximate kinds may miss a few
    assert ix.remove(keys[:10]) == 10
    assert len(ix) == 2990
    _, k = ix.search(v[:10], 5)
    assert not np.isin(k, keys[:10]).any()
    # update: re-adding a key replaces its vector
    ix.add(keys[20:21], v[0:1])
    _, k = ix.search(v[0:1], 1)
    assert k[0, 0] == keys[20]
    assert len(ix) == 2990
    ix.save(tmp_path / "ix.faiss")
    back = VectorIndex.load(tmp_path / "ix.faiss")
    assert len(back) == 2990 and back.kind == kind
    assert set(back.keys().tolist()) == set(ix.keys().tolist())


def test_auto_is_exact_for_small_sets() -> None:
    v = unit_rows(500, 16, seed=1)
    ix = VectorIndex(16)
    ix.add(np.arange(500), v)
    assert ix.kind == "flat"
    q = unit_rows(20, 16, seed=2)
    s, k = ix.search(q, 10)
    exact = np.argsort(-(q @ v.T), axis=1)[:, :10]
    # tolerant to ties: the scores must match the exact top-10 scores
    np.testing.assert_allclose(np.sort(s, axis=1), np.sort(np.take_along_axis(q @ v.T, exact, 1), axis=1),
                               rtol=1e-5, atol=1e-6)


def test_hnsw_recall_against_exact() -> None:
    v = unit_rows(5000, 32, seed=3)
    q = unit_rows(100, 32, seed=4)
    ix = VectorIndex(32, kind="hnsw")
    ix.add(np.arange(5000), v)
    _, k = ix.search(q, 10)
    exact = np.argsort(-(q @ v.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(k, exact)])
    assert recall >= 0.9


def test_errors_are_clear(tmp_path) -> None:
    ix = VectorIndex(8)
    with pytest.raises(IndexError_, match="8-dimensional"):
        ix.add(np.arange(2), np.zeros((2, 4), "float32"))
    with pytest.raises(IndexError_, match="duplicate"):
        ix.add(np.array([1, 1]), np.zeros((2, 8), "float32"))
    with pytest.raises(UsageError, match="'k' parameter"):
        ix.search(np.zeros((1, 8), "float32"), 0)
    with pytest.raises(UsageError, match="'kind' parameter"):
        VectorIndex(8, kind="bogus")  # type: ignore[arg-type]
    ix.add(np.arange(3), unit_rows(3, 8))
    ix.save(tmp_path / "a.faiss")
    (tmp_path / "a.faiss").write_bytes(b"not an index")
    with pytest.raises(IndexError_, match="damaged"):
        VectorIndex.load(tmp_path / "a.faiss")
    with pytest.raises(IndexError_, match="No index file"):
        VectorIndex.load(tmp_path / "missing.faiss")


def test_empty_index_search_returns_no_keys() -> None:
    s, k = VectorIndex(4).search(np.ones((2, 4), "float32"), 3)
    assert (k == -1).all() and np.isneginf(s).all()
