"""Tests for embedmotion.remedy: from a failure to a direction.

Real inputs throughout: failures parsed from real tool output, the curated
(failure, fix) pairs, the packaged model.  To stay fast the models are fitted on
the pairs of three categories only (the failure texts are embedded once per
session).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embedmotion.errors import NotFittedError, UsageError
from embedmotion.failures import detect_flaky, parse_failures
from embedmotion.remedy import (
    METHODS,
    RemedyModel,
    direction_for_failures,
    kind_category,
    pair_failure_text,
)
from embedmotion.rewrites import generate
from embedmotion.suggest import Ranker

FIXTURES = Path(__file__).parent / "fixtures" / "failures"
CATEGORIES = ("null-safety", "resource-cleanup", "type-annotations")

NPE_JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.acme.billing.LabelPrinterTest" tests="2" failures="0" errors="1" skipped="0" time="0.041">
  <testcase name="printsCity" classname="com.acme.billing.LabelPrinterTest" time="0.012">
    <error message="Cannot invoke &quot;com.acme.billing.Address.getCity()&quot; because &quot;address&quot; is null" type="java.lang.NullPointerException">java.lang.NullPointerException: Cannot invoke "com.acme.billing.Address.getCity()" because "address" is null
\tat com.acme.billing.LabelPrinter.format(LabelPrinter.java:42)
\tat com.acme.billing.LabelPrinterTest.printsCity(LabelPrinterTest.java:19)
</error>
  </testcase>
  <testcase name="printsStreet" classname="com.acme.billing.LabelPrinterTest" time="0.003"/>
</testsuite>
"""

NPE_TRACE = """Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.trim()" because "name" is null
\tat com.acme.crm.ContactImporter.normalise(ContactImporter.java:88)
\tat com.acme.crm.ContactImporter.importRow(ContactImporter.java:61)
\tat com.acme.crm.Main.main(Main.java:14)
"""

MYPY = """src/shop/cart.py:27: error: Argument 1 to "apply_discount" has incompatible type "str"; expected "Decimal"  [arg-type]
src/shop/cart.py:41: error: Function is missing a return type annotation  [no-untyped-def]
Found 2 errors in 1 file (checked 12 source files)
"""

RESOURCE_WARNING = """=================================== FAILURES ===================================
_____________________________ test_export_closes ______________________________

    def test_export_closes():
>       export_rows(tmp_rows(), "out.csv")

tests/test_export.py:31:
E   ResourceWarning: unclosed file <_io.TextIOWrapper name='out.csv' mode='w' encoding='UTF-8'>
=========================== short test summary info ============================
FAILED tests/test_export.py::test_export_closes - ResourceWarning: unclosed file <_io.TextIOWrapper name='out.csv' mode='w' encoding='UTF-8'>
========================= 1 failed, 2 passed in 0.21s ==========================
"""

RESOURCE_WARNING_PLAIN = """/srv/app/reports.py:52: ResourceWarning: unclosed file <_io.BufferedReader name='/var/data/q3.parquet'>
  data = open(path, "rb").read()
ResourceWarning: Enable tracemalloc to get the object allocation traceback
"""


# ------------------------------------------------------------------------------ kind rules
@pytest.mark.parametrize(
    ("text", "category", "parses"),
    [
        (NPE_TRACE, "null-safety", False),
        (NPE_JUNIT, "null-safety", True),
        (MYPY, "type-annotations", True),
        (RESOURCE_WARNING, "resource-cleanup", True),
        (RESOURCE_WARNING_PLAIN, "resource-cleanup", False),
    ],
    ids=["npe-trace", "npe-junit", "mypy", "resource-warning-pytest", "resource-warning-log"],
)
def test_kind_category_reads_real_failures(text: str, category: str, parses: bool) -> None:
    """The raw text, and each Failure parsed from it (where the format is one we parse)."""
    assert kind_category(text) == category
    if parses:
        parsed = parse_failures(text).failures
        assert parsed, "the log parses into at least one failure"
        assert {kind_category(f) for f in parsed} == {category}


def test_kind_category_of_a_flaky_outcome() -> None:
    runs = [parse_failures(p) for p in sorted((FIXTURES / "flaky").glob("run*"))]
    flaky = detect_flaky(runs)
    assert flaky and all(f.kind == "flaky" for f in flaky)
    # the failing runs show a plain assertion; the flaky outcome is what names the category
    assert {kind_category(f) for f in flaky} == {"less-flaky"}


def test_kind_category_edge_cases() -> None:
    assert kind_category("everything is fine") is None
    # a type checker mentioning a 'timeout' parameter is still a typing problem
    assert (
        kind_category(
            'src/proc.py:20: error: Incompatible default for argument "timeout" '
            '(default has type "None", argument has type "float")  [assignment]'
        )
        == "type-annotations"
    )
    # 'constraint' is not 'const'
    assert kind_category('IntegrityError: duplicate key value violates unique constraint "u"') != (
        "const-correctness"
    )


# ------------------------------------------------------------------------------ models
@pytest.fixture(scope="module")
def train_mask(curated_space) -> np.ndarray:
    return np.isin(curated_space.labels(), CATEGORIES)


@pytest.fixture(scope="module")
def models(curated_space, default_embedder, train_mask) -> dict[str, RemedyModel]:
    return {
        m: RemedyModel(m).fit(curated_space, embedder=default_embedder, mask=train_mask)  # type: ignore[arg-type]
        for m in METHODS
    }


def test_every_method_gives_a_unit_direction_with_provenance(models) -> None:
    failure = parse_failures(NPE_JUNIT).failures[0]
    for method, model in models.items():
        d = model.direction(failure)
        assert d.vector_.dtype == np.float32
        assert float(np.linalg.norm(d.vector_)) == pytest.approx(1.0, abs=1e-5)
        prov = d.provenance_
        assert prov["method"] == f"remedy:{method}"
        assert prov["representation"] == model.representation == "fragment"
        assert "NullPointerException" in prov["failure"]
    near = models["nearest"].direction(failure).provenance_
    assert len(near["neighbours"]) == models["nearest"].k
    assert near["label"] in CATEGORIES
    kind = models["kind"].direction(failure).provenance_
    assert kind["label"] == "null-safety" and kind["rule_fired"] is True
    assert models["ridge"].direction(failure).provenance_["n_pairs"] == len(models["ridge"].rows_)
    explained = models["nearest"].explain(failure, topn=2)
    assert len(explained) == 2 and explained[0]["similarity"] >= explained[1]["similarity"]


def test_nearest_direction_points_at_the_failure_category(models) -> None:
    """A NullPointerException's neighbours are null-safety fixes; a mypy error's are typing fixes."""
    npe = models["nearest"].direction(NPE_TRACE).provenance_
    typ = models["nearest"].direction(MYPY).provenance_
    assert npe["label"] == "null-safety"
    assert typ["label"] == "type-annotations"


def test_kind_direction_is_fitted_without_the_held_out_edits(
    curated_space, default_embedder
) -> None:
    """``mask`` also restricts the edits the category direction of ``kind`` is fitted on."""
    cats = curated_space.labels()
    full = RemedyModel("kind").fit(
        curated_space, embedder=default_embedder, mask=np.isin(cats, CATEGORIES)
    )
    groups = curated_space.groups()
    project = groups[np.flatnonzero(cats == "null-safety")[0]]
    part = RemedyModel("kind").fit(
        curated_space,
        embedder=default_embedder,
        mask=np.isin(cats, CATEGORIES) & (groups != project),
    )
    a, b = full.direction(NPE_TRACE), part.direction(NPE_TRACE)
    n_full, n_part = a.provenance_["n_positive"], b.provenance_["n_positive"]
    assert isinstance(n_full, int) and isinstance(n_part, int) and n_part < n_full
    assert not np.allclose(a.vector_, b.vector_)


def test_bad_use(curated_space, default_embedder) -> None:
    with pytest.raises(NotFittedError):
        RemedyModel().direction("boom")
    with pytest.raises(UsageError, match="'method' parameter"):
        RemedyModel("psychic").fit(curated_space, embedder=default_embedder)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="'k' parameter"):
        RemedyModel("nearest", k=0).fit(curated_space, embedder=default_embedder)
    with pytest.raises(UsageError, match="'representation' parameter"):
        RemedyModel(representation="lexical").fit(curated_space, embedder=default_embedder)
    with pytest.raises(UsageError, match="'mask' parameter"):
        RemedyModel().fit(curated_space, embedder=default_embedder, mask=np.ones(3, dtype=bool))
    with pytest.raises(UsageError, match="at least two"):
        RemedyModel().fit(
            curated_space, embedder=default_embedder, mask=np.zeros(len(curated_space), dtype=bool)
        )
    with pytest.raises(UsageError, match="at least one failure"):
        direction_for_failures([])


# ------------------------------------------------------------------------------ held out
def test_held_out_failure_ranks_the_true_fix_above_trivial_rewrites(
    curated_space, default_embedder, train_mask
) -> None:
    """For curated failures whose project is held out, the ``nearest`` direction puts the
    developer's fix above the before-version's rewrite candidates more often than chance."""
    frame = curated_space.frame
    cats, groups = curated_space.labels(), curated_space.groups()
    fails = frame["failure"].fillna("").astype(str).to_numpy()
    rng = np.random.default_rng(7)
    picked: list[int] = []
    for cat in CATEGORIES:
        rows = [int(i) for i in np.flatnonzero((cats == cat) & (fails != "")) if i not in picked]
        picked.extend(int(i) for i in rng.choice(rows, size=2, replace=False))
    wins, pairs, chance_hits, hits = 0, 0, 0.0, 0
    for row in picked:
        before, after = frame["before_text"].iat[row], frame["after_text"].iat[row]
        lang = frame["before_language"].iat[row]
        model = RemedyModel("nearest").fit(
            curated_space, embedder=default_embedder, mask=train_mask & (groups != groups[row])
        )
        failure = pair_failure_text(str(frame["failure_tool"].iat[row]), fails[row])
        assert groups[row] not in {groups[model.rows_[i]] for i in range(len(model.rows_))}
        trivial = [
            c.text for c in generate(before, lang, limit=8) if c.text.strip() != after.strip()
        ]
        scores = Ranker(default_embedder, model.direction(failure)).score(before, [after, *trivial])
        s = np.array([x["score"] for x in scores])
        wins += int((s[0] > s[1:]).sum())
        pairs += len(trivial)
        hits += int(s[0] >= s.max())
        chance_hits += 1.0 / len(s)
    assert pairs >= 20
    # the fix beats a trivial rewrite in most comparisons (chance: half) ...
    assert wins / pairs > 0.6, (wins, pairs)
    # ... and comes first more often than a random order would put it first
    assert hits > chance_hits, (hits, chance_hits)
