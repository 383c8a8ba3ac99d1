from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from embedmotion.corpus import Corpus
from embedmotion.embedding import CachedEmbedder, LexicalEmbedder
from embedmotion.errors import (
    CorpusNotFoundError,
    CorruptCorpusError,
    ModelMismatchError,
    UsageError,
)
from embedmotion.fragments import Fragment


@pytest.fixture()
def built(sample_tree: Path, tmp_path: Path, default_embedder) -> Corpus:
    return Corpus.build(sample_tree, tmp_path / "corpus", embedder=default_embedder,
                        show_progress_bar=False)


def test_build_reopen_query(built: Corpus, default_embedder) -> None:
    names = set(built.fragments["name"])
    assert {"Cache", "Cache.get", "Cache.put", "fetch_json", "retry", "cartTotal",
            "Store.Get", "TestStoreGet"} <= names
    assert built.vectors.shape == (len(built), 384)
    assert np.allclose(np.linalg.norm(built.vectors, axis=1), 1, atol=1e-4)
    manifest = json.loads((built.path / "manifest.json").read_text())
    assert manifest["counts"]["fragments"] == len(built)
    assert manifest["dimension"] == 384
    assert manifest["model"]["fingerprint"] == default_embedder.fingerprint
    again = Corpus.open(built.path, embedder=default_embedder)
    assert len(again) == len(built)
    assert isinstance(again.vectors, np.memmap)
    top = again.most_similar("app/cache.py::Cache.get", topn=3)
    assert top[0].item.name != "Cache.get"  # the input itself is excluded by default
    assert all(m.item.ref != "app/cache.py::Cache.get" for m in top)
    incl = again.most_similar("app/cache.py::Cache.get", topn=1, exclude_inputs=False)
    assert incl[0].item.ref == "app/cache.py::Cache.get"
    assert incl[0].score == pytest.approx(1.0, abs=1e-4)


def test_calling_conventions_agree(built: Corpus) -> None:
    ref = "app/http.py::retry"
    frag = built.fragment(ref)
    by_ref = built.most_similar(ref, topn=4)
    by_id = built.most_similar(positive=[frag.id], topn=4)
    by_frag = built.most_similar(positive=[frag], topn=4)
    by_weight = built.most_similar(positive=[(ref, 2.0)], topn=4)
    vec, _ = built.vector(ref)
    by_vec = built.similar_by_vector(vec, topn=4, exclude={frag.id})
    keys = [m.key for m in by_ref]
    for other in (by_id, by_frag, by_weight, by_vec):
        assert [m.key for m in other] == keys
    # gensim-style unpacking
    key, score = by_ref[0]
    assert key == keys[0] and isinstance(score, float)
    # positive/negative algebra: the query vector is the mean of signed unit vectors
    a, b = "app/http.py::retry", "app/cache.py::Cache.put"
    va, vb = built.vector(a)[0], built.vector(b)[0]
    q = va / np.linalg.norm(va) - vb / np.linalg.norm(vb)
    expect = built.similar_by_vector(q / np.linalg.norm(q), topn=3, exclude={built.fragment(a).id,
                                                                            built.fragment(b).id})
    got = built.most_similar(positive=[a], negative=[b], topn=3)
    assert [m.key for m in got] == [m.key for m in expect]
    # a free-text query works and filters by kind
    tests = built.most_similar("a unit test", topn=3, kinds=["test"])
    assert tests and all(m.item.kind == "test" for m in tests)


def test_update_embeds_only_changed(built: Corpus, sample_tree: Path, st_model, tmp_path: Path) -> None:
    counting = CachedEmbedder(st_model, cache_dir=tmp_path / "fresh-cache")
    c = Corpus.open(built.path, embedder=counting)
    before_ids = set(c.fragments["id"])
    f = sample_tree / "app" / "http.py"
    f.write_text(f.read_text().replace("attempts=3", "attempts=5"), encoding="utf-8")
    (sample_tree / "web" / "cart.js").unlink()
    c.update()
    assert c.last_update["added"] == 1  # only retry changed
    assert c.last_update["removed"] == 1 + 6  # old retry + the six fragments of cart.js
    assert counting.stats.misses == 1  # exactly one text was embedded
    after = Corpus.open(built.path, embedder=counting)
    assert "cartTotal" not in set(after.fragments["name"])
    assert len(set(after.fragments["id"]) - before_ids) == 1
    hit = after.most_similar(positive=[after.fragment("app/http.py::retry")], topn=1,
                             exclude_inputs=False)
    assert hit[0].item.text.count("attempts=5") == 1
    assert len(after.index) == len(after)


def test_model_mismatch_is_an_error(built: Corpus) -> None:
    with pytest.raises(ModelMismatchError, match="was built with model") as exc:
        Corpus.open(built.path, embedder=LexicalEmbedder())
    assert "--model" in str(exc.value)


def test_missing_and_foreign_and_corrupt(tmp_path: Path, built: Corpus, default_embedder) -> None:
    with pytest.raises(CorpusNotFoundError, match="embedmotion index"):
        Corpus.open(tmp_path / "nope", embedder=default_embedder)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("hello")
    with pytest.raises(CorruptCorpusError, match="not an embedmotion corpus"):
        Corpus.open(foreign, embedder=default_embedder)
    with pytest.raises(CorruptCorpusError, match="not empty"):
        Corpus.build(tmp_path, foreign, embedder=default_embedder)
    m = built.path / "manifest.json"
    good = m.read_text()
    m.write_text("{ truncated")
    with pytest.raises(CorruptCorpusError, match="unreadable"):
        Corpus.open(built.path, embedder=default_embedder)
    m.write_text(good)
    vec_file = built.path / json.loads(good)["files"]["vectors"]
    vec_file.write_bytes(b"\x93NUMPY garbage")
    c = Corpus.open(built.path, embedder=default_embedder)
    with pytest.raises(CorruptCorpusError, match="vectors file"):
        _ = c.vectors
    vec_file.unlink()
    with pytest.raises(CorruptCorpusError, match="missing"):
        Corpus.open(built.path, embedder=default_embedder)


def test_damaged_index_is_rebuilt_from_vectors(built: Corpus, default_embedder) -> None:
    name = built.manifest["files"]["index"]
    (built.path / name).write_bytes(b"garbage")
    c = Corpus.open(built.path, embedder=default_embedder)
    assert c.most_similar("app/http.py::retry", topn=2)
    assert len(c.index) == len(c)


def test_interrupted_update_leaves_previous_corpus(built: Corpus, sample_tree: Path,
                                                   default_embedder, monkeypatch) -> None:
    from embedmotion import index as index_mod

    before = (built.path / "manifest.json").read_text()
    (sample_tree / "app" / "extra.py").write_text("def extra():\n    return 42\n")

    def boom(self, path):  # the process dies while writing the index
        raise KeyboardInterrupt

    monkeypatch.setattr(index_mod.VectorIndex, "save", boom)
    c = Corpus.open(built.path, embedder=default_embedder)
    with pytest.raises(KeyboardInterrupt):
        c.update()
    monkeypatch.undo()
    assert (built.path / "manifest.json").read_text() == before
    again = Corpus.open(built.path, embedder=default_embedder)
    assert "extra" not in set(again.fragments["name"])
    assert again.most_similar("app/http.py::retry", topn=1)
    leftovers = {p.name for p in built.path.iterdir()} - set(again.manifest["files"].values())
    assert all(n == "manifest.json" or n.endswith(".faiss.json") for n in leftovers)


def test_bad_queries(built: Corpus) -> None:
    with pytest.raises(UsageError, match="'topn' parameter"):
        built.most_similar("x", topn=0)
    with pytest.raises(UsageError, match="at least one item"):
        built.most_similar()
    with pytest.raises(UsageError, match="dimension"):
        built.most_similar(positive=[np.ones(3, dtype=np.float32)])
    with pytest.raises(UsageError, match="No fragment"):
        built.fragment("app/nothing.py::nope")


def test_fragment_from_text_is_embedded_on_the_fly(built: Corpus) -> None:
    f = Fragment.from_text("def fetch(url):\n    return urlopen(url).read()\n", language="python")
    res = built.most_similar(positive=[f], topn=1)
    assert res[0].item.name == "fetch_json"
