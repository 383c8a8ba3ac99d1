"""The notebooks in notebooks/: paired, offline, public-API only.

These checks are fast and run with the rest of the suite.  *Executing* the notebooks is a
separate step (a few minutes each on two cores with a warm embedding cache; the first run
embeds the curated corpus)::

    HF_HUB_OFFLINE=1 .venv/bin/python -m pytest --nbmake notebooks/*.ipynb

The ``.py`` files (jupytext ``py:percent``) are the source; after editing one, regenerate
its pair with ``jupytext --to ipynb notebooks/NAME.py`` (and ``pytest --nbmake --overwrite``
to store fresh outputs).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def test_the_four_notebooks_exist() -> None:
    names = [p.stem for p in SOURCES]
    assert names == ["01_tour", "02_edit_geometry", "03_less_flaky", "04_your_repository"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_is_paired_offline_and_public(source: Path) -> None:
    jupytext = pytest.importorskip("jupytext")
    py = jupytext.read(source)
    pair = source.with_suffix(".ipynb")
    assert pair.exists(), f"run: jupytext --to ipynb {source}"
    nb = jupytext.read(pair)

    def code(notebook) -> list[str]:
        return [c.source.strip() for c in notebook.cells if c.cell_type == "code"]

    assert code(py) == code(nb), f"{pair.name} is out of date: jupytext --to ipynb {source}"
    first = code(py)[0]
    assert 'os.environ["HF_HUB_OFFLINE"] = "1"' in first  # offline before anything loads
    text = "\n".join(code(py))
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("embedmotion"):
            private = [a.name for a in node.names if a.name.startswith("_")]
            assert not private, f"{source.name} imports private names {private}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            is_private = node.attr.startswith("_") and not node.attr.startswith("__")
            assert not (node.value.id in {"em", "embedmotion"} and is_private)
    markdown = "\n".join(c.source for c in py.cells if c.cell_type == "markdown")
    assert "Findings" in markdown or "What this shows" in markdown
    assert not re.search(r"PLACEHOLDER|TODO", markdown)
