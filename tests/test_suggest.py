from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from embedmotion.errors import LanguageError, UsageError
from embedmotion.geometry import Direction
from embedmotion.suggest import DEFAULT_CLOSENESS, Ranker, suggest, transfer_edit

FLAKY = """def test_report_is_written(tmp_path):
    start_export(tmp_path / "out.csv")
    time.sleep(2)
    assert (tmp_path / "out.csv").exists()
"""
WAIT = """def test_report_is_written(tmp_path):
    start_export(tmp_path / "out.csv")
    wait_until(lambda: (tmp_path / "out.csv").exists(), timeout=10)
    assert (tmp_path / "out.csv").exists()
"""
NOISE = """def test_report_is_written(tmp_path):
    start_export(tmp_path / "out.csv")
    time.sleep(2)
    print("checking")
    assert (tmp_path / "out.csv").exists()
"""
REWRITE_ALL = """def test_everything_else():
    client = make_client()
    assert client.ping() == "pong"
"""


@pytest.fixture(scope="module")
def less_flaky(curated_space):
    return Direction("contrast").fit(curated_space, label="less-flaky")


def test_user_candidates_ranked_as_documented(less_flaky, default_embedder) -> None:
    res = suggest(
        FLAKY,
        less_flaky,
        language="python",
        sources=(),
        candidates=[NOISE, WAIT, REWRITE_ALL],
        embedder=default_embedder,
        k=3,
    )
    assert [s.text for s in res.suggestions][0] == WAIT
    assert len(res.suggestions) == 3
    for s in res.suggestions:
        assert s.score == pytest.approx(
            s.parts["align"] + DEFAULT_CLOSENESS * s.parts["closeness"], abs=1e-6
        )
        assert s.source == "user" and s.diff.startswith("--- a/")
    scores = [s.score for s in res.suggestions]
    assert scores == sorted(scores, reverse=True)
    # the trade-off is tunable: with a huge closeness weight the nearest candidate wins
    res2 = suggest(
        FLAKY,
        less_flaky,
        language="python",
        sources=(),
        candidates=[NOISE, WAIT, REWRITE_ALL],
        embedder=default_embedder,
        k=3,
        closeness_weight=50.0,
    )
    assert res2.suggestions[0].text == NOISE
    # deterministic
    res3 = suggest(
        FLAKY,
        less_flaky,
        language="python",
        sources=(),
        candidates=[REWRITE_ALL, WAIT, NOISE],
        embedder=default_embedder,
        k=3,
    )
    assert [s.text for s in res3.suggestions] == [s.text for s in res.suggestions]


def test_ranker_parts_match_geometry(less_flaky, default_embedder) -> None:
    r = Ranker(default_embedder, less_flaky)
    (parts,) = r.score(FLAKY, [WAIT])
    from embedmotion.edits import Edit
    from embedmotion.fragments import Fragment

    hb, ha = Edit(Fragment.from_text(FLAKY), Fragment.from_text(WAIT), "modified").hunk_texts(
        context=2
    )
    vb, va = default_embedder.encode([hb, ha])
    m = va - vb
    assert parts["align"] == pytest.approx(float(m @ less_flaky.vector_), abs=1e-5)
    assert parts["cosine"] == pytest.approx(
        float(m @ less_flaky.vector_ / np.linalg.norm(m)), abs=1e-5
    )


def test_transfer_edit_reindents_and_applies() -> None:
    ex_before = "def test_a():\n    run()\n    time.sleep(1)\n    assert ok()\n"
    ex_after = "def test_a():\n    run()\n    wait_until(ok, timeout=5)\n    assert ok()\n"
    target = "class T:\n    def test_b(self):\n        go()\n        time.sleep(1)\n        assert ok()\n"
    out = transfer_edit(ex_before, ex_after, target)
    assert out is not None
    assert "        wait_until(ok, timeout=5)\n" in out and "time.sleep" not in out
    assert transfer_edit(ex_before, ex_after, "def f():\n    return 1\n") is None


def test_history_and_rewrites_sources(less_flaky, curated_space, default_embedder) -> None:
    res = suggest(
        FLAKY, less_flaky, language="python", embedder=default_embedder, space=curated_space, k=5
    )
    assert res.suggestions and res.exemplars
    assert {s.source for s in res.suggestions} <= {"rewrites", "history"}
    from embedmotion.languages import get_language

    parser = get_language("python").parser()
    for s in res.suggestions:
        assert not parser.parse(s.text.encode()).root_node.has_error


def test_bad_arguments(less_flaky, default_embedder) -> None:
    with pytest.raises(UsageError, match="'k' parameter"):
        suggest(FLAKY, less_flaky, language="python", k=0, embedder=default_embedder)
    with pytest.raises(UsageError, match="needs candidates"):
        suggest(FLAKY, less_flaky, language="python", sources=("user",), embedder=default_embedder)
    with pytest.raises(LanguageError):
        suggest(FLAKY, less_flaky, language="cobol", embedder=default_embedder)


def test_cli_apply_round_trip(tmp_path: Path, monkeypatch, cache_dir) -> None:
    from embedmotion.cli import app

    monkeypatch.setenv("EMBEDMOTION_CACHE_DIR", str(cache_dir))
    src = tmp_path / "test_export.py"
    header = "import time\n\n\n"
    src.write_text(header + FLAKY + "\n\ndef test_other():\n    assert True\n", encoding="utf-8")
    cands = tmp_path / "cands.jsonl"
    cands.write_text(json.dumps({"after": WAIT}) + "\n" + json.dumps({"after": NOISE}) + "\n")
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "suggest",
            f"{src}::test_report_is_written",
            "-d",
            "less-flaky",
            "--source",
            str(cands),
            "-k",
            "2",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["suggestions"][0]["text"] == WAIT
    r = runner.invoke(
        app,
        [
            "suggest",
            f"{src}::test_report_is_written",
            "-d",
            "less-flaky",
            "--source",
            str(cands),
            "-k",
            "2",
            "--apply",
            "1",
        ],
    )
    assert r.exit_code == 0, r.output
    new = src.read_text()
    assert new == header + WAIT + "\n\ndef test_other():\n    assert True\n"
    assert (tmp_path / "test_export.py.orig").read_text().startswith(header + FLAKY)
    r = runner.invoke(app, ["suggest", f"{src}::nope", "-d", "less-flaky"])
    assert r.exit_code == 2 and "No fragment named" in r.stderr


def test_operator_families_follow_builtin_directions(less_flaky) -> None:
    from embedmotion.suggest import operator_families

    assert operator_families("less-flaky") == ["less-flaky"]
    assert operator_families("bugfix") == ["repair"]
    assert operator_families("const-correctness") == ["const"]
    assert operator_families("security") is None  # no operators of its own: run them all
    assert operator_families(less_flaky) is None  # an unnamed Direction
    named = Direction.from_vector(less_flaky.vector_, name="null-safety")
    assert operator_families(named) == ["null-safety"]


def test_history_scan_finds_the_planted_edit(default_embedder) -> None:
    """On a large synthetic corpus the edit whose before is the target and whose motion is
    the direction comes first; the scan is vectorised (no per-row Python)."""
    import pandas as pd

    from embedmotion.edit_vectors import EDIT_ARRAYS
    from embedmotion.geometry import EditSpace
    from embedmotion.suggest import _history, _top

    n, dim = 20_000, int(default_embedder.dimension)
    rng = np.random.default_rng(0)
    arrays = {}
    for name in EDIT_ARRAYS:
        a = rng.standard_normal((n, dim)).astype(np.float32)
        arrays[name] = a / np.linalg.norm(a, axis=1, keepdims=True)
    d = rng.standard_normal(dim).astype(np.float32)
    d /= np.linalg.norm(d)
    direction = Direction.from_vector(d, provenance={"representation": "fragment"})
    vt = default_embedder.encode([FLAKY], normalize=True)[0]
    planted = 12_345
    arrays["edit_before"][planted] = vt
    arrays["edit_after"][planted] = vt + d
    frame = pd.DataFrame(
        {
            "id": [f"e{i}" for i in range(n)],
            "before_text": ["x = 1\n"] * n,
            "after_text": ["x = 2\n"] * n,
            "before_language": ["python"] * n,
            "after_language": ["python"] * n,
            "message": ["m"] * n,
        }
    )
    frame.loc[planted, ["before_text", "after_text"]] = [FLAKY, WAIT]
    space = EditSpace(frame, arrays, embedder=default_embedder)
    exemplars, transferred = _history(
        FLAKY, "python", direction, space, default_embedder, n_exemplars=3
    )
    assert exemplars[0].edit_id == f"e{planted}"
    assert exemplars[0].similarity == pytest.approx(1.0, abs=1e-5)
    assert any(s.exemplar == f"e{planted}" for s in transferred)
    scores = np.array([3.0, 1.0, 3.0, 2.0])
    assert _top(scores, 3).tolist() == [0, 2, 3]
