from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from embedmotion.errors import NotFittedError, UsageError
from embedmotion.geometry import Direction, EditSpace
from embedmotion.metrics import auc, evaluate, separation

DIM = 24


def synthetic_space(n_per_label: int = 40, *, planted: bool = True, seed: int = 0,
                    n_groups: int = 4) -> tuple[EditSpace, dict[str, np.ndarray]]:
    """Edit vectors = noise + (a label's planted direction), spread over groups."""
    rng = np.random.default_rng(seed)
    labels = ["a", "b", "c"]
    dirs = {lab: rng.standard_normal(DIM).astype("float32") for lab in labels}
    for k in dirs:
        dirs[k] /= np.linalg.norm(dirs[k])
    rows, before, after = [], [], []
    for lab in labels:
        for i in range(n_per_label):
            b = rng.standard_normal(DIM).astype("float32")
            shift = (2.0 * dirs[lab] if planted else 0) + 0.7 * rng.standard_normal(DIM)
            before.append(b)
            after.append(b + shift)
            rows.append({"id": f"{lab}{i}", "category": lab, "labels": (lab,),
                         "source": f"g{i % n_groups}", "language": "python",
                         "before_text": "x = 1\n", "after_text": "x = 2\n"})
    B, A = np.array(before, "float32"), np.array(after, "float32")
    arrays_ = {"edit_before": B, "edit_after": A, "edit_hunk_before": B, "edit_hunk_after": A,
               "edit_diff": A - B}
    return EditSpace(pd.DataFrame(rows), arrays_, representation="fragment"), dirs


@pytest.mark.parametrize("method", ["mean", "contrast", "probe", "pca"])
def test_planted_direction_is_recovered(method: str) -> None:
    space, dirs = synthetic_space()
    d = Direction(method=method).fit(space, label="a")
    # mean/pca recover the planted direction; contrast/probe the discriminative one
    target = dirs["a"] if method in ("mean", "pca") else dirs["a"] - (dirs["b"] + dirs["c"]) / 2
    target = target / np.linalg.norm(target)
    assert float(d.vector_ @ target) > (0.8 if method != "probe" else 0.7)
    assert d.provenance_["label"] == "a" and d.provenance_["n_positive"] == 40
    s = separation(space, "a", method=method, representation="fragment", n_boot=50)
    assert s["auc"] > 0.95 and s["auc_ci"][0] > 0.9 and s["p"] < 0.05


def test_random_labels_give_chance_with_ci_covering_it() -> None:
    space, _ = synthetic_space(n_per_label=60, planted=False, seed=3)
    s = separation(space, "a", method="mean", representation="fragment", n_boot=200)
    lo, hi = s["auc_ci"]
    assert lo <= 0.5 <= hi
    assert s["p"] > 0.05


def test_evaluate_report_renders() -> None:
    space, _ = synthetic_space()
    rep = evaluate(space, representations=("fragment", "diff"), n_boot=30)
    df = rep.to_frame()
    assert set(df["label"]) == {"a", "b", "c", "(all labels)"}
    allrow = df[(df["label"] == "(all labels)") & (df["representation"] == "fragment")].iloc[0]
    assert allrow["knn_f1"] > 0.9 > allrow["chance_f1"]
    text = str(rep)
    assert "auc_mean" in text and "analogy" in text
    assert rep.to_markdown().count("\n|") >= 8
    assert '"rows"' in rep.to_json()


def test_space_queries() -> None:
    space, dirs = synthetic_space()
    d = Direction("mean").fit(space, label="b")
    top = space.most_similar(positive=[d], topn=10)
    assert sum(m.item["category"] == "b" for m in top) >= 9
    scores = space.project(direction=d)
    assert auc(scores, space.has_label("b")) > 0.95
    # an edit id as the query excludes itself unless asked
    res = space.most_similar(positive=["b0"], topn=3)
    assert "b0" not in [m.key for m in res]
    assert space.most_similar(positive=["b0"], topn=1, exclude_inputs=False)[0].key == "b0"


unit_vecs = arrays(np.float32, DIM, elements=st.floats(-1, 1, width=32)).filter(
    lambda v: float(np.linalg.norm(v)) > 0.1)


@settings(max_examples=60, deadline=None)
@given(unit_vecs, unit_vecs, st.floats(0.1, 5))
def test_direction_algebra(v1: np.ndarray, v2: np.ndarray, k: float) -> None:
    a, b = Direction.from_vector(v1), Direction.from_vector(v2)
    u1, u2 = v1 / np.linalg.norm(v1), v2 / np.linalg.norm(v2)
    s = u1 + u2
    if np.linalg.norm(s) > 1e-3:
        np.testing.assert_allclose((a + b).vector_, s / np.linalg.norm(s), atol=1e-4)
    dd = u1 - u2
    if np.linalg.norm(dd) > 1e-3:
        np.testing.assert_allclose((a - b).vector_, dd / np.linalg.norm(dd), atol=1e-4)
    np.testing.assert_allclose((k * a).vector_, k * u1, atol=1e-5)
    np.testing.assert_allclose((-a).vector_, -u1, atol=1e-6)
    if abs(float(u1 @ u2)) < 0.99:
        o = a.orthogonalize(b)
        assert abs(float(o.vector_ @ u2)) < 1e-4
        assert float(np.linalg.norm(o.vector_)) == pytest.approx(1.0, abs=1e-5)


@settings(max_examples=20, deadline=None)
@given(unit_vecs)
def test_direction_save_load_roundtrip(tmp_path_factory, v: np.ndarray) -> None:
    d = Direction.from_vector(v, provenance={"method": "mean", "label": "x"}, name="x")
    p = d.save(tmp_path_factory.mktemp("dirs") / "x")
    back = Direction.load(p)
    np.testing.assert_allclose(back.vector_, d.vector_, atol=1e-7)
    assert back.provenance_["label"] == "x"


def test_direction_errors(tmp_path) -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        Direction().score(np.zeros((1, 3)))
    space, _ = synthetic_space()
    with pytest.raises(UsageError, match="no edits labelled"):
        Direction().fit(space, label="nope")
    with pytest.raises(UsageError, match="parallel"):
        Direction.from_vector(np.ones(3)).orthogonalize(np.ones(3) * 2)
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(Exception, match="direction"):
        Direction.load(tmp_path / "bad")


# ---------------------------------------------------------------- with the real model and data
def test_text_examples_and_sets_directions(default_embedder) -> None:
    flaky = ["def test_job():\n    start()\n    time.sleep(2)\n    assert done()\n"]
    fixed = ["def test_job():\n    start()\n    wait_until(done, timeout=5)\n    assert done()\n"]
    d_ex = Direction.from_examples(list(zip(flaky, fixed)), embedder=default_embedder)
    d_txt = Direction.from_text("flaky test with sleeps", "deterministic test that waits for a condition",
                                embedder=default_embedder)
    d_sets = Direction.from_sets(flaky, fixed, embedder=default_embedder)
    for d in (d_ex, d_txt, d_sets):
        assert d.vector_.shape == (384,)
        assert float(np.linalg.norm(d.vector_)) == pytest.approx(1.0, abs=1e-5)
    assert d_ex.provenance_["method"] == "examples"
    assert d_txt.provenance_["method"] == "text"
    # the sets direction points from the flaky version to the fixed one
    v = default_embedder.encode(flaky + fixed)
    assert float(d_sets.score(v[1:2])[0]) > float(d_sets.score(v[0:1])[0])


def test_curated_directions_transfer_across_languages(curated_space) -> None:
    """A category direction fitted on other languages separates that category above chance."""
    assert len(curated_space) >= 100
    good = 0
    cats = sorted(set(curated_space.labels()))
    for cat in cats:
        s = separation(curated_space, cat, method="contrast", group_by="language", n_boot=50)
        if s["auc"] > 0.6 and s["auc_ci"][0] > 0.5:
            good += 1
    assert good >= max(1, len(cats) // 2)


def test_analogy_on_curated(curated_space) -> None:
    row = curated_space.frame.iloc[0]
    res = curated_space.analogy(row["before_text"], row["after_text"], row["before_text"], topn=3)
    assert len(res) == 3
    assert all(m.key.strip() != row["before_text"].strip() for m in res)
