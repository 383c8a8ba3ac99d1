"""embedmotion — the geometry of code edits.

Parse code into fragments with tree-sitter, embed them, index them with FAISS,
and treat edits (after − before) as vectors you can average into directions,
add, subtract and follow::

    import embedmotion as em
    corpus = em.Corpus.build("src/", "my-corpus")
    corpus.most_similar("src/app.py::Cache.get", topn=5)

Names are imported lazily, so ``import embedmotion`` is cheap; heavy
dependencies (torch, faiss) load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # values
    "Fragment": "fragments",
    "ParseReport": "fragments",
    "SkippedFile": "fragments",
    "Match": "algebra",
    # parsing
    "LANGUAGES": "languages",
    "get_language": "languages",
    "language_for_path": "languages",
    "extract_fragments": "parsing",
    "parse_file": "parsing",
    "parse_tree": "parsing",
    "enclosing_fragment": "parsing",
    "find_fragment": "parsing",
    # embedding
    "Embedder": "embedding",
    "SentenceTransformerEmbedder": "embedding",
    "LexicalEmbedder": "embedding",
    "CachedEmbedder": "embedding",
    "load_embedder": "embedding",
    "default_model_path": "embedding",
    # index and corpus
    "VectorIndex": "index",
    "Corpus": "corpus",
    # edits and mining
    "Edit": "edits",
    "edits_to_frame": "edits",
    "edits_from_frame": "edits",
    "KeywordLabeller": "labels",
    "mine_repository": "mining",
    "mine_patch": "mining",
    "mine_pair": "mining",
    "MiningResult": "mining",
    "load_edits": "datasets",
    # geometry
    "EditSpace": "geometry",
    "Direction": "geometry",
    "get_direction": "directions",
    "DirectionStore": "directions",
    "evaluate": "metrics",
    "Report": "metrics",
    # failures, suggestions, the fitness loop
    "parse_failures": "failures",
    "detect_flaky": "failures",
    "blame": "failures",
    "Failure": "failures",
    "RemedyModel": "remedy",
}
# (``suggest`` and ``climb`` are also module names: use ``from embedmotion.suggest import suggest``
# and ``from embedmotion.climb import climb``.)

__all__ = sorted([*_EXPORTS, "__version__", "errors"])


def __getattr__(name: str) -> Any:
    if name == "errors":
        return importlib.import_module(".errors", __name__)
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'embedmotion' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{mod}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .algebra import Match
    from .corpus import Corpus
    from .fragments import Fragment, ParseReport, SkippedFile
    from .index import VectorIndex
