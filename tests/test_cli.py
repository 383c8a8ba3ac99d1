from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from embedmotion.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _env(monkeypatch, cache_dir: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("EMBEDMOTION_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("EMBEDMOTION_DIRECTIONS", str(tmp_path / "directions"))
    monkeypatch.delenv("EMBEDMOTION_CORPUS", raising=False)
    monkeypatch.delenv("EMBEDMOTION_MODEL", raising=False)


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def test_index_fragments_similar(sample_tree: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    code, out, _ = run("index", str(sample_tree), "--corpus", str(corpus), "--quiet", "--json")
    assert code == 0, out
    info = json.loads(out)
    assert info["fragments"] >= 15 and info["added"] == info["fragments"]
    # incremental: nothing new on a re-run
    code, out, _ = run("index", str(sample_tree), "--corpus", str(corpus), "--quiet", "--json")
    assert json.loads(out)["added"] == 0 and json.loads(out)["kept"] == info["fragments"]

    code, out, _ = run("fragments", str(sample_tree / "app" / "cache.py"), "--json")
    assert code == 0
    names = {f["name"] for f in json.loads(out)["fragments"]}
    assert {"Cache", "Cache.get", "test_cache_roundtrip"} <= names

    code, out, _ = run("similar", "app/http.py::retry", "--corpus", str(corpus), "--json", "-k", "3")
    assert code == 0
    res = json.loads(out)
    assert len(res) == 3 and all(r["ref"] != "app/http.py::retry" for r in res)
    code, out, _ = run("similar", "--positive", "app/http.py::retry", "--negative",
                       "app/cache.py::Cache.put", "--corpus", str(corpus), "--json")
    assert code == 0 and json.loads(out)
    code, out, _ = run("similar", "read a url and decode the response", "--corpus", str(corpus))
    assert code == 0 and "fetch_json" in out


def test_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    code, out, err = run("similar", "x", "--corpus", str(tmp_path / "none"))
    assert code == 2
    assert "There is no corpus" in err and "Traceback" not in err + out
    code, _, err = run("index", str(tmp_path / "missing"))
    assert code == 2 and "no such file" in err
    code, _, err = run("similar", "x", "--topn", "0", "--corpus", str(tmp_path))
    assert code == 2 and "'topn' parameter" in err


def test_fragments_negative_result_exits_1(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("")
    code, _, err = run("fragments", str(tmp_path / "empty.py"))
    assert code == 1
    assert "empty" in err


def test_mine_pair_edits_and_directions(tmp_path: Path) -> None:
    before, after = tmp_path / "before.py", tmp_path / "after.py"
    before.write_text("import time\n\ndef test_job():\n    start()\n    time.sleep(2)\n    assert done()\n")
    after.write_text("def test_job():\n    start()\n    wait_until(done, timeout=5)\n    assert done()\n")
    corpus = tmp_path / "edits"
    code, out, err = run("mine", "--pair", str(before), str(after), "--corpus", str(corpus), "--json")
    assert code == 0, err
    assert json.loads(out)["edits_new"] == 1
    code, out, _ = run("edits", "--corpus", str(corpus), "--json")
    assert code == 0
    e = json.loads(out)["edits"][0]
    assert e["name"] == "test_job" and "wait_until" in e["diff"]

    ex = tmp_path / "ex.jsonl"
    ex.write_text(json.dumps({"before": before.read_text(), "after": after.read_text()}) + "\n")
    code, out, err = run("direction", "fit", "wait-not-sleep", "--examples", str(ex), "--json")
    assert code == 0, err
    code, out, _ = run("direction", "list", "--json")
    listing = json.loads(out)
    assert "wait-not-sleep" in listing["saved"] and "less-flaky" in listing["builtin"]
    code, out, _ = run("project", str(before), "--direction", "wait-not-sleep", "--json")
    assert code == 0 and json.loads(out)["scores"][0]["ref"].endswith("test_job")
    code, _, _ = run("direction", "rm", "wait-not-sleep")
    assert code == 0
    code, _, err = run("direction", "show", "no-such-direction")
    assert code == 2 and "Built-in" in err
