"""Curated data sets shipped with embedmotion.

The curated edit corpus (``data/curated/*.jsonl``, described in
``data/README.md``) holds hand-written before → after edits in several
languages and categories (``less-flaky``, ``null-safety``, ...), many with the
failure output that motivated them::

    from embedmotion import load_edits
    table = load_edits("curated")                     # a pandas DataFrame, one row per edit
    table.groupby("category").size()
    edits = curated_edits(categories=["less-flaky"])  # Edit objects, ready to embed

``build_curated_corpus(path)`` embeds them into a :class:`~embedmotion.corpus.Corpus`.
The data directory is found next to the package (a source checkout or an
editable install) or through ``$EMBEDMOTION_DATA``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import InputError, UsageError
from .fragments import Fragment

if TYPE_CHECKING:
    from .corpus import Corpus
    from .edits import Edit
    from .embedding import Embedder

DATA_ENV = "EMBEDMOTION_DATA"
CURATED_COLUMNS = [
    "id",
    "language",
    "category",
    "subkind",
    "project",
    "message",
    "before",
    "after",
    "failure_tool",
    "failure",
]
DATASETS = ("curated",)
_EXT = {"python": ".py", "javascript": ".js", "typescript": ".ts", "tsx": ".tsx", "java": ".java",
        "go": ".go", "rust": ".rs", "c": ".c", "cpp": ".cpp"}


def data_dir() -> Path:
    """The directory holding embedmotion's data sets."""
    env = os.environ.get(DATA_ENV)
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve().parent
    candidates += [here / "data", here.parent / "data"]
    for c in candidates:
        if (c / "curated").is_dir():
            return c
    raise InputError(
        "Cannot find embedmotion's data directory (looked in "
        + ", ".join(str(c) for c in candidates)
        + ").",
        fix=f"Run from a source checkout (pip install -e .) or set ${DATA_ENV} to the data/ folder.",
    )


def load_edits(
    name: str = "curated",
    *,
    categories: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The edits of a data set as a table (one row per edit, columns ``CURATED_COLUMNS``).

    ``name`` is ``"curated"`` or a path to a JSONL file / directory of JSONL
    files in the same schema.
    """
    if name in DATASETS:
        files = sorted((data_dir() / name).glob("*.jsonl"))
    else:
        p = Path(name)
        if p.is_dir():
            files = sorted(p.glob("*.jsonl"))
        elif p.is_file():
            files = [p]
        else:
            raise UsageError(
                f"The 'name' parameter of load_edits must be one of {DATASETS} or a JSONL path. "
                f"Got {name!r} instead."
            )
    rows: list[dict[str, Any]] = []
    for fp in files:
        with open(fp, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"{fp}:{lineno} is not valid JSON ({exc.msg}).",
                        fix="Fix or remove that line; each line must be one JSON object.",
                    ) from exc
                fail = rec.get("failure") or {}
                rows.append(
                    {
                        "id": rec.get("id", f"{fp.stem}-{lineno}"),
                        "language": rec.get("language", ""),
                        "category": rec.get("category", fp.stem),
                        "subkind": rec.get("subkind", ""),
                        "project": rec.get("project", ""),
                        "message": rec.get("message", ""),
                        "before": rec.get("before", ""),
                        "after": rec.get("after", ""),
                        "failure_tool": fail.get("tool", "") if isinstance(fail, dict) else "",
                        "failure": fail.get("text", "") if isinstance(fail, dict) else str(fail),
                    }
                )
    df = pd.DataFrame(rows, columns=CURATED_COLUMNS)
    if categories is not None:
        df = df[df["category"].isin(list(categories))]
    if languages is not None:
        df = df[df["language"].isin(list(languages))]
    return df.reset_index(drop=True)


def _fragment(code: str, language: str, path: str, fallback_name: str) -> Fragment:
    """The main fragment of a curated snippet (its outermost definition), or the whole snippet."""
    from .parsing import extract_fragments

    try:
        frags = extract_fragments(code, language, path)
    except Exception:  # an unknown language in a user file: keep the text
        frags = []
    top = [f for f in frags if f.kind != "module"]
    if top:
        best = max(top, key=lambda f: (f.end_byte - f.start_byte, -f.start_byte))
        if best.end_byte - best.start_byte >= 0.6 * len(code.encode()):
            return Fragment(
                language,
                best.kind,
                best.name,
                path,
                0,
                len(code.encode()),
                1,
                code.count("\n") + 1,
                code,
                best.has_error,
            )
    return Fragment(
        language,
        "module",
        fallback_name,
        path,
        0,
        len(code.encode()),
        1,
        code.count("\n") + 1,
        code,
    )


def table_to_edits(df: pd.DataFrame, *, source_column: str = "project") -> list[Edit]:
    """Turn a curated-schema table into :class:`~embedmotion.edits.Edit` objects."""
    from .edits import Edit

    out: list[Edit] = []
    for r in df.to_dict("records"):
        # the path must not carry the id or category: diff texts embed it
        path = f"{r['project']}/snippet{_EXT.get(r['language'], '.txt')}"
        before = _fragment(r["before"], r["language"], path, r["id"])
        after = _fragment(r["after"], r["language"], path, before.name)
        out.append(
            Edit(
                before,
                after,
                "modified",
                message=r["message"],
                labels=(r["category"],),
                source=str(r.get(source_column) or r["language"]),
                commit=r["id"],
                category=r["category"],
                subkind=r["subkind"],
                failure=r["failure"] or "",
                failure_tool=r["failure_tool"] or "",
            )
        )
    return out


def curated_edits(
    *,
    categories: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
) -> list[Edit]:
    """The curated edits as :class:`~embedmotion.edits.Edit` objects."""
    return table_to_edits(load_edits("curated", categories=categories, languages=languages))


def build_curated_corpus(
    path: str | os.PathLike[str],
    *,
    embedder: Embedder | None = None,
    model: str | None = None,
    categories: Sequence[str] | None = None,
    show_progress_bar: bool | None = None,
) -> Corpus:
    """Embed the curated edits into a corpus at ``path`` (created, or updated if it exists)."""
    from .corpus import Corpus

    p = Path(path)
    if (p / "manifest.json").exists():
        corpus = Corpus.open(p, embedder=embedder, model=model)
    else:
        corpus = Corpus.empty(p, embedder=embedder, model=model)
    corpus.add_edits(curated_edits(categories=categories), show_progress_bar=show_progress_bar)
    return corpus
