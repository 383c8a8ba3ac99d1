"""The curated corpus: schema, counts, and every before/after parses in its language."""

from __future__ import annotations

import json

import pytest

from embedmotion.datasets import curated_edits, data_dir, load_edits
from embedmotion.errors import InputError, UsageError
from embedmotion.languages import get_language

LESS_FLAKY_SUBKINDS = {
    "seed-randomness", "sleep-to-wait", "order-unordered", "freeze-time",
    "isolate-shared-state", "await-async", "timeout-retry", "network-isolation",
}


@pytest.fixture(scope="module")
def table():
    return load_edits("curated")


def test_counts_and_coverage(table) -> None:
    assert len(table) >= 600
    assert table["id"].is_unique
    cats = table.groupby("category")
    assert len(cats) >= 12
    assert table["language"].nunique() >= 5
    for cat, g in cats:
        assert len(g) >= 30, cat
        assert g["language"].nunique() >= 2, cat
    flaky = table[table["category"] == "less-flaky"]
    assert set(flaky["subkind"]) >= LESS_FLAKY_SUBKINDS
    assert {"rename", "extract-function"} <= set(table["category"])
    assert table["project"].nunique() >= 10
    assert (table["failure"] != "").mean() > 0.4


def test_every_side_parses(table) -> None:
    bad = []
    for r in table.itertuples():
        parser = get_language(r.language).parser()
        for side in (r.before, r.after):
            if parser.parse(side.encode()).root_node.has_error:
                bad.append(r.id)
        assert r.before.strip() != r.after.strip(), r.id
    assert not bad


def test_filters_and_edit_objects(table) -> None:
    sub = load_edits("curated", categories=["less-flaky"], languages=["python"])
    assert len(sub) > 10 and set(sub["category"]) == {"less-flaky"}
    edits = curated_edits(categories=["null-safety"])
    assert len(edits) == (table["category"] == "null-safety").sum()
    e = edits[0]
    assert e.category == "null-safety" and e.labels == ("null-safety",)
    assert e.before is not None and e.after is not None and e.source
    assert e.diff().startswith("---")


def test_user_jsonl_and_errors(tmp_path) -> None:
    p = tmp_path / "mine.jsonl"
    p.write_text(json.dumps({"id": "x1", "language": "python", "category": "demo",
                             "before": "def f():\n    return 1\n", "after": "def f():\n    return 2\n"})
                 + "\n")
    df = load_edits(str(p))
    assert list(df["id"]) == ["x1"] and df["failure"].iat[0] == ""
    p.write_text("{broken\n")
    with pytest.raises(InputError, match="mine.jsonl:1"):
        load_edits(str(p))
    with pytest.raises(UsageError, match="'name' parameter"):
        load_edits("no-such-dataset")
    assert (data_dir() / "curated").is_dir()
