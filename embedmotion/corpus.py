"""A Corpus: fragments (and edits) with their vectors and a FAISS index, in one directory.

Build one from a source tree, reopen it later, update it when files change, and
ask it gensim-style questions::

    from embedmotion import Corpus
    corpus = Corpus.build("src/", "my-corpus")          # parse, embed, index
    corpus.most_similar("src/app.py::Cache.get", topn=5)
    corpus.most_similar(positive=["retry with backoff"], negative=["time.sleep"])
    corpus = Corpus.open("my-corpus")                    # later: same model, checked
    corpus.update()                                      # re-parse; embeds only what changed

On disk (``schema`` 1)::

    my-corpus/
      manifest.json            schema, model id + fingerprint, dimension, counts, file names
      fragments.<gen>.parquet  one row per fragment (Fragment fields)
      vectors.<gen>.npy        float32 (n, dimension), row i ↔ fragments row i (memory-mapped)
      index.<gen>.faiss        FAISS index keyed by Fragment.key
      edits.<gen>.parquet ...  edit tables and vectors, when edits were added

``manifest.json`` is the commit point: every write goes to new ``<gen>`` files
first, then the manifest is replaced atomically (write + rename), then the old
generation is deleted.  An interrupted build or update leaves the previous
corpus intact.  A corpus remembers the model it was built with; opening it
with another is a :class:`~embedmotion.errors.ModelMismatchError`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .algebra import Match, combine, top_matches
from .errors import (
    CorpusNotFoundError,
    CorruptCorpusError,
    IndexError_,
    ModelMismatchError,
    UsageError,
    check_param,
)
from .fragments import Fragment, ParseReport
from .index import VectorIndex

if TYPE_CHECKING:
    from .embedding import Embedder

SCHEMA_VERSION = 1
FORMAT = "embedmotion-corpus"
FRAGMENT_COLUMNS = [
    "id",
    "language",
    "kind",
    "name",
    "path",
    "start_byte",
    "end_byte",
    "start_line",
    "end_line",
    "text",
    "has_error",
]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)



def _new_manifest(
    embedder: Embedder, model: str | None, index_kind: str, *, root: str | None = None,
    languages: list[str] | None = None, max_bytes: int | None = None,
) -> dict[str, Any]:
    """The manifest of a new, empty corpus (generation 0: nothing written yet)."""
    return {
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "generation": 0,
        "created": _now(),
        "model": {"spec": model or "default", "id": embedder.model_id,
                  "fingerprint": embedder.fingerprint},
        "dimension": int(embedder.dimension),
        "index_kind": index_kind,
        "root": root,
        "languages": languages,
        "max_bytes": max_bytes,
        "counts": {"fragments": 0},
        "files": {},
        "extra": {},
    }

def fragments_to_frame(fragments: Sequence[Fragment]) -> pd.DataFrame:
    rows = [f.to_dict() for f in fragments]
    df = pd.DataFrame(rows, columns=FRAGMENT_COLUMNS)
    return df.astype(
        {
            "start_byte": "int64",
            "end_byte": "int64",
            "start_line": "int64",
            "end_line": "int64",
            "has_error": "bool",
        }
    )


def frame_to_fragments(df: pd.DataFrame) -> list[Fragment]:
    return [Fragment.from_dict({str(k): v for k, v in r.items()}) for r in df.to_dict("records")]


class Corpus:
    """Fragments + vectors + index of one source tree; see the module docstring."""

    def __init__(self, path: Path, manifest: dict[str, Any], embedder: Embedder | None) -> None:
        self.path = path
        self.manifest = manifest
        self._embedder = embedder
        self._fragments: pd.DataFrame | None = None
        self._vectors: np.ndarray | None = None
        self._index: VectorIndex | None = None
        self._by_id: dict[str, int] | None = None
        self._by_ref: dict[str, int] | None = None
        self._by_key: dict[int, int] | None = None
        self.last_report: ParseReport | None = None
        self.last_update: dict[str, int] = {}

    # -- construction -------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        root: str | os.PathLike[str],
        path: str | os.PathLike[str],
        *,
        embedder: Embedder | None = None,
        model: str | None = None,
        languages: Sequence[str] | None = None,
        max_bytes: int | None = None,
        index_kind: str = "auto",
        show_progress_bar: bool | None = None,
    ) -> Corpus:
        """Parse ``root``, embed every fragment and write a corpus to ``path``.

        When ``path`` already holds a corpus it is updated incrementally (only new
        or changed fragments are embedded) — the same as :meth:`update`.
        """
        path = Path(path)
        if (path / "manifest.json").exists():
            corpus = cls.open(path, embedder=embedder, model=model)
            corpus.update(
                root, languages=languages, max_bytes=max_bytes, show_progress_bar=show_progress_bar
            )
            return corpus
        if path.exists() and path.is_file():
            raise CorruptCorpusError(
                f"{path} is a file, not a corpus directory.",
                fix="Choose another --corpus path.",
            )
        if path.exists() and any(path.iterdir()):
            raise CorruptCorpusError(
                f"{path} exists, is not empty and holds no manifest.json: it is not an embedmotion corpus.",
                fix="Choose an empty or new directory for --corpus.",
            )
        if embedder is None:
            from .embedding import load_embedder

            embedder = load_embedder(model)
        path.mkdir(parents=True, exist_ok=True)
        manifest = _new_manifest(
            embedder, model, index_kind, root=str(Path(root).resolve()),
            languages=list(languages) if languages else None, max_bytes=max_bytes,
        )
        corpus = cls(path, manifest, embedder)
        corpus.update(
            root, languages=languages, max_bytes=max_bytes, show_progress_bar=show_progress_bar
        )
        return corpus

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        embedder: Embedder | None = None,
        model: str | None = None,
    ) -> Corpus:
        """Open a corpus; the embedder (given, or the one it was built with) must match it."""
        path = Path(path)
        mpath = path / "manifest.json"
        if not mpath.exists():
            if not path.exists():
                raise CorpusNotFoundError(
                    f"There is no corpus at {path}.",
                    fix="Build one with `embedmotion index PATH --corpus "
                    f"{path}` (or Corpus.build), or point --corpus / EMBEDMOTION_CORPUS at an existing one.",
                )
            raise CorruptCorpusError(
                f"{path} is not an embedmotion corpus (it has no manifest.json).",
                fix="Point --corpus at a directory made by `embedmotion index`, or rebuild it there.",
            )
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorruptCorpusError(
                f"The manifest of the corpus at {path} is unreadable ({exc}).",
                fix=f"Delete {path} and rebuild it with `embedmotion index`.",
            ) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise CorruptCorpusError(
                f"{mpath} is not an embedmotion corpus manifest.",
                fix="Point --corpus at a directory made by `embedmotion index`.",
            )
        if manifest.get("schema") != SCHEMA_VERSION:
            raise CorruptCorpusError(
                f"The corpus at {path} has schema {manifest.get('schema')}; this embedmotion reads "
                f"schema {SCHEMA_VERSION}.",
                fix="Rebuild it with this version: `embedmotion index PATH --corpus DIR`.",
            )
        for name in manifest.get("files", {}).values():
            if not (path / name).exists():
                raise CorruptCorpusError(
                    f"The corpus at {path} is missing {name}, which its manifest lists.",
                    fix=f"Delete {path} and rebuild it with `embedmotion index`.",
                )
        want = manifest["model"]
        if embedder is None:
            spec = model if model is not None else want.get("spec")
            from .embedding import load_embedder

            embedder = load_embedder(None if spec in (None, "default") else spec)
        if embedder.fingerprint != want["fingerprint"]:
            raise ModelMismatchError(
                f"The corpus at {path} was built with model {want['id']} "
                f"(fingerprint {want['fingerprint']}), but the model in use is "
                f"{embedder.model_id} (fingerprint {embedder.fingerprint}); their vectors do not compare.",
                fix=f"Use --model {want.get('spec', want['id'])}, or build a separate corpus for the "
                "other model with --corpus NEWDIR.",
            )
        return cls(path, manifest, embedder)

    @classmethod
    def empty(
        cls,
        path: str | os.PathLike[str],
        *,
        embedder: Embedder | None = None,
        model: str | None = None,
        index_kind: str = "auto",
    ) -> Corpus:
        """A new corpus with no fragments (e.g. to hold mined or curated edits)."""
        path = Path(path)
        if (path / "manifest.json").exists():
            raise CorruptCorpusError(
                f"{path} already holds a corpus.",
                fix="Open it with Corpus.open or pick a new path.",
            )
        if path.exists() and (path.is_file() or any(path.iterdir())):
            raise CorruptCorpusError(
                f"{path} exists and is not an empty directory.",
                fix="Choose an empty or new directory for the corpus.",
            )
        if embedder is None:
            from .embedding import load_embedder

            embedder = load_embedder(model)
        path.mkdir(parents=True, exist_ok=True)
        manifest = _new_manifest(embedder, model, index_kind)
        corpus = cls(path, manifest, embedder)
        corpus._commit(
            {"fragments": fragments_to_frame([])},
            {"vectors": np.zeros((0, corpus.dimension), dtype=np.float32)},
            VectorIndex(corpus.dimension, kind=index_kind),  # type: ignore[arg-type]
        )
        return corpus

    # -- lazy state -------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        assert self._embedder is not None
        return self._embedder

    @property
    def dimension(self) -> int:
        return int(self.manifest["dimension"])

    @property
    def fragments(self) -> pd.DataFrame:
        """The fragment table (one row per fragment, columns as Fragment's fields)."""
        if self._fragments is None:
            name = self.manifest["files"].get("fragments")
            if name is None:
                self._fragments = fragments_to_frame([])
            else:
                try:
                    self._fragments = pd.read_parquet(self.path / name)
                except Exception as exc:  # pyarrow raises several kinds
                    raise CorruptCorpusError(
                        f"The fragment table {self.path / name} is unreadable ({exc}).",
                        fix=f"Delete {self.path} and rebuild it with `embedmotion index`.",
                    ) from exc
        return self._fragments

    @property
    def vectors(self) -> np.ndarray:
        """Fragment vectors, float32 (n, dimension), memory-mapped, row-aligned with ``fragments``."""
        if self._vectors is None:
            name = self.manifest["files"].get("vectors")
            if name is None:
                self._vectors = np.zeros((0, self.dimension), dtype=np.float32)
            else:
                try:
                    v = np.load(self.path / name, mmap_mode="r")
                except (OSError, ValueError) as exc:
                    raise CorruptCorpusError(
                        f"The vectors file {self.path / name} is unreadable ({exc}).",
                        fix=f"Delete {self.path} and rebuild it with `embedmotion index`.",
                    ) from exc
                if v.ndim != 2 or v.shape != (len(self.fragments), self.dimension):
                    raise CorruptCorpusError(
                        f"The vectors file {self.path / name} has shape {v.shape}, but the corpus has "
                        f"{len(self.fragments)} fragments of dimension {self.dimension}.",
                        fix=f"Delete {self.path} and rebuild it with `embedmotion index`.",
                    )
                self._vectors = v
        return self._vectors

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            name = self.manifest["files"].get("index")
            ix: VectorIndex | None = None
            if name is not None:
                with contextlib.suppress(IndexError_):
                    ix = VectorIndex.load(self.path / name)
            if ix is None or len(ix) != len(self.fragments) or ix.dimension != self.dimension:
                # the vectors are the source of truth: rebuild a missing/damaged index from them
                ix = VectorIndex(self.dimension, kind=self.manifest.get("index_kind", "auto"))  # type: ignore[arg-type]
                if len(self.fragments):
                    ix.add(self._keys(), np.asarray(self.vectors))
            self._index = ix
        return self._index

    def _keys(self) -> np.ndarray:
        from .fragments import key_of

        return np.array([key_of(i) for i in self.fragments["id"]], dtype=np.int64)

    def _maps(self) -> None:
        if self._by_id is None:
            df = self.fragments
            self._by_id = {i: n for n, i in enumerate(df["id"])}
            self._by_ref = {}
            for n, (p, name) in enumerate(zip(df["path"], df["name"])):
                self._by_ref.setdefault(f"{p}::{name}", n)
            keys = self._keys()
            self._by_key = {int(k): n for n, k in enumerate(keys)}

    def __len__(self) -> int:
        return len(self.fragments)

    def __repr__(self) -> str:
        return (
            f"Corpus({str(self.path)!r}, fragments={len(self)}, "
            f"model={self.manifest['model']['id']!r})"
        )

    def fragment(self, ref: str) -> Fragment:
        """A fragment by id, by ``path::qualified.name``, or by a unique name suffix."""
        self._maps()
        assert self._by_id is not None and self._by_ref is not None
        row = self._by_id.get(ref)
        if row is None:
            row = self._by_ref.get(ref)
        if row is None and "::" in ref:
            p, name = ref.split("::", 1)
            cands = [
                n
                for r, n in self._by_ref.items()
                if r.split("::", 1)[0].endswith(p)
                and (r.split("::", 1)[1] == name or r.split("::", 1)[1].endswith("." + name))
            ]
            if len(cands) == 1:
                row = cands[0]
            elif len(cands) > 1:
                names = sorted(r for r, n in self._by_ref.items() if n in cands)[:5]
                raise UsageError(
                    f"{ref!r} matches {len(cands)} fragments ({', '.join(names)}).",
                    fix="Give the full path::qualified.name.",
                )
        if row is None:
            raise UsageError(
                f"No fragment {ref!r} in the corpus at {self.path}.",
                fix="List them with `embedmotion fragments PATH` and use path::qualified.name or an id.",
            )
        return Fragment.from_dict({str(k): v for k, v in self.fragments.iloc[row].to_dict().items()})

    # -- building -----------------------------------------------------------------------
    def update(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        languages: Sequence[str] | None = None,
        max_bytes: int | None = None,
        show_progress_bar: bool | None = None,
    ) -> Corpus:
        """Re-parse the tree and bring the corpus up to date.

        Unchanged fragments keep their vectors; only new or changed ones are
        embedded (and those hit the embedding cache when their text was seen
        before).  Removed fragments leave the index.  ``self.last_update`` counts
        added / removed / kept fragments.
        """
        from .parsing import DEFAULT_MAX_BYTES, parse_tree

        if root is None and not self.manifest.get("root"):
            raise UsageError(
                f"The corpus at {self.path} was not built from a source tree, so it has nothing to update.",
                fix="Pass the tree to index: `embedmotion index PATH --corpus DIR`.",
            )
        root = Path(root) if root is not None else Path(self.manifest["root"])
        if not root.exists():
            raise UsageError(
                f"Cannot index {root}: no such file or directory.",
                fix="Pass an existing directory or file.",
            )
        langs = languages if languages is not None else self.manifest.get("languages")
        mb = (
            max_bytes
            if max_bytes is not None
            else (self.manifest.get("max_bytes") or DEFAULT_MAX_BYTES)
        )
        report = parse_tree(
            root, languages=langs, max_bytes=mb, show_progress_bar=show_progress_bar
        )
        self.last_report = report
        # one row per fragment id (identical definitions at the same path+name collapse)
        new: dict[str, Fragment] = {}
        for f in report.fragments:
            new.setdefault(f.id, f)
        old_df = self.fragments
        old_ids = list(old_df["id"])
        old_pos = {i: n for n, i in enumerate(old_ids)}
        kept = [i for i in new if i in old_pos]
        added = [i for i in new if i not in old_pos]
        removed = [i for i in old_ids if i not in new]
        frags = [new[i] for i in new]
        vecs = np.zeros((len(frags), self.dimension), dtype=np.float32)
        if kept:
            old_vecs = np.asarray(self.vectors)
            for n, f in enumerate(frags):
                if f.id in old_pos:
                    vecs[n] = old_vecs[old_pos[f.id]]
        if added:
            add_rows = [n for n, f in enumerate(frags) if f.id not in old_pos]
            emb = self.embedder.encode(
                [frags[n].text for n in add_rows],
                show_progress_bar=show_progress_bar,
                normalize=True,
            )
            vecs[add_rows] = emb
        index = (
            self.index
            if len(old_df)
            else VectorIndex(self.dimension, kind=self.manifest.get("index_kind", "auto"))
        )
        from .fragments import key_of

        if removed:
            index.remove(np.array([key_of(i) for i in removed], dtype=np.int64))
        if added:
            rows = [n for n, f in enumerate(frags) if f.id not in old_pos]
            index.add(np.array([frags[n].key for n in rows], dtype=np.int64), vecs[rows])
        self.manifest["root"] = str(root.resolve())
        self.manifest["counts"]["fragments"] = len(frags)
        self.manifest["counts"]["files"] = report.files_parsed
        self.manifest["counts"]["skipped_files"] = len(report.skipped)
        self._commit({"fragments": fragments_to_frame(frags)}, {"vectors": vecs}, index)
        self.last_update = {
            "added": len(added),
            "removed": len(removed),
            "kept": len(kept),
            "files": report.files_parsed,
            "skipped": len(report.skipped),
        }
        return self

    # -- atomic write ---------------------------------------------------------------------
    def _commit(
        self,
        tables: dict[str, pd.DataFrame],
        arrays: dict[str, np.ndarray],
        index: VectorIndex | None = None,
    ) -> None:
        """Write new-generation files, then swap the manifest, then drop old files."""
        gen = int(self.manifest.get("generation", 0)) + 1
        files = dict(self.manifest.get("files", {}))
        written: list[Path] = []
        try:
            for name, df in tables.items():
                fn = f"{name}.{gen}.parquet"
                tmp = self.path / f".tmp-{fn}"
                df.to_parquet(tmp, index=False)
                os.replace(tmp, self.path / fn)
                written.append(self.path / fn)
                files[name] = fn
            for name, arr in arrays.items():
                fn = f"{name}.{gen}.npy"
                tmp = self.path / f".tmp-{fn}"
                with open(tmp, "wb") as fh:
                    np.save(fh, np.ascontiguousarray(arr, dtype=np.float32))
                os.replace(tmp, self.path / fn)
                written.append(self.path / fn)
                files[name] = fn
            if index is not None:
                fn = f"index.{gen}.faiss"
                index.save(self.path / fn)
                written.extend([self.path / fn, self.path / (fn + ".json")])
                files["index"] = fn
            manifest = dict(self.manifest)
            manifest["generation"] = gen
            manifest["files"] = files
            manifest["updated"] = _now()
            atomic_write_bytes(
                self.path / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode()
            )
        except BaseException:
            for p in written:
                with contextlib.suppress(OSError):
                    p.unlink()
            raise
        old_files = set(self.manifest.get("files", {}).values())
        self.manifest = manifest
        live = set(files.values())
        for fn in old_files - live:
            for p in (self.path / fn, self.path / (fn + ".json")):
                with contextlib.suppress(OSError):
                    p.unlink()
        self._sweep()
        self._fragments = tables.get("fragments", self._fragments)
        if "vectors" in arrays:
            self._vectors = None
        if index is not None:
            self._index = index
        self._by_id = self._by_ref = self._by_key = None
        for key in list(vars(self)):
            if key.startswith("_cache_"):
                delattr(self, key)

    def _sweep(self) -> None:
        """Delete leftovers of interrupted writes (files no manifest points to)."""
        live = set(self.manifest.get("files", {}).values())
        live |= {f + ".json" for f in live}
        live.add("manifest.json")
        for p in self.path.iterdir():
            if (
                p.is_file()
                and p.name not in live
                and (
                    p.name.startswith(".tmp-")
                    or p.suffix in (".parquet", ".npy", ".faiss", ".json")
                )
            ):
                with contextlib.suppress(OSError):
                    p.unlink()

    def write_extra(
        self,
        tables: dict[str, pd.DataFrame],
        arrays: dict[str, np.ndarray],
        *,
        counts: dict[str, int] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Store extra tables/arrays (edits, failures) atomically beside the fragments."""
        if counts:
            self.manifest["counts"].update(counts)
        if extra:
            self.manifest.setdefault("extra", {}).update(extra)
        self._commit(tables, arrays, None)

    def read_table(self, name: str) -> pd.DataFrame | None:
        fn = self.manifest.get("files", {}).get(name)
        if fn is None:
            return None
        try:
            return pd.read_parquet(self.path / fn)
        except Exception as exc:
            raise CorruptCorpusError(
                f"The table {self.path / fn} is unreadable ({exc}).",
                fix=f"Delete {self.path} and rebuild it.",
            ) from exc

    def read_array(self, name: str) -> np.ndarray | None:
        fn = self.manifest.get("files", {}).get(name)
        if fn is None:
            return None
        try:
            return np.load(self.path / fn, mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise CorruptCorpusError(
                f"The array {self.path / fn} is unreadable ({exc}).",
                fix=f"Delete {self.path} and rebuild it.",
            ) from exc

    # -- queries --------------------------------------------------------------------------
    def vector(self, item: Any) -> tuple[np.ndarray, str | None]:
        """Resolve a query item to ``(vector, fragment id or None)``.

        Items: a fragment id, ``path::qualified.name``, a :class:`Fragment`, a
        vector, or any other string (embedded as text).
        """
        if isinstance(item, np.ndarray):
            v = np.asarray(item, dtype=np.float32).ravel()
            if v.shape[0] != self.dimension:
                raise UsageError(
                    f"A query vector has dimension {v.shape[0]}; this corpus has {self.dimension}.",
                    fix="Embed queries with the corpus's model.",
                )
            return v, None
        self._maps()
        assert self._by_id is not None and self._by_ref is not None
        if isinstance(item, Fragment):
            row = self._by_id.get(item.id)
            if row is not None:
                return np.asarray(self.vectors[row]), item.id
            return self.embedder.encode([item.text])[0], None
        if isinstance(item, str):
            row = self._by_id.get(item)
            if row is None:
                row = self._by_ref.get(item)
            if row is None and "::" in item and "\n" not in item:
                with contextlib.suppress(UsageError):
                    f = self.fragment(item)
                    row = self._by_id[f.id]
            if row is not None:
                return np.asarray(self.vectors[row]), str(self.fragments["id"].iat[row])
            return self.embedder.encode([item])[0], None
        raise UsageError(
            f"Cannot use {type(item).__name__} as a query item.",
            fix="Pass a fragment id, path::name, Fragment, text or vector (optionally as (item, weight)).",
        )

    def most_similar(
        self,
        positive: Any = None,
        negative: Any = None,
        *,
        topn: int = 10,
        exclude_inputs: bool = True,
        kinds: Iterable[str] | None = None,
        languages: Iterable[str] | None = None,
    ) -> list[Match]:
        """Fragments nearest to ``mean(unit(positive)) - mean(unit(negative))``.

        Returns :class:`~embedmotion.algebra.Match` ``(id, score)`` tuples with the
        :class:`Fragment` in ``.item``.  Stored inputs are left out of the results
        unless ``exclude_inputs=False``.  ``kinds`` / ``languages`` filter results.
        """
        check_param(
            isinstance(topn, int) and topn > 0, "topn", "most_similar", "a positive integer", topn
        )
        q, keys = combine(positive, negative, self.vector)
        return self.similar_by_vector(
            q,
            topn=topn,
            exclude=keys if exclude_inputs else set(),
            kinds=kinds,
            languages=languages,
        )

    def similar_by_vector(
        self,
        vector: np.ndarray,
        *,
        topn: int = 10,
        exclude: set[str] | None = None,
        kinds: Iterable[str] | None = None,
        languages: Iterable[str] | None = None,
    ) -> list[Match]:
        """Fragments nearest to ``vector`` (cosine), best first."""
        check_param(
            isinstance(topn, int) and topn > 0,
            "topn",
            "similar_by_vector",
            "a positive integer",
            topn,
        )
        if len(self) == 0:
            return []
        exclude = exclude or set()
        kinds_s = set(kinds) if kinds else None
        langs_s = set(languages) if languages else None
        filtered = kinds_s is not None or langs_s is not None
        self._maps()
        assert self._by_key is not None
        df = self.fragments
        k = min(len(self), topn + len(exclude) + (max(200, 20 * topn) if filtered else 0))
        while True:
            scores, keys = self.index.search(np.asarray(vector, dtype=np.float32)[None, :], k)
            rows = [self._by_key[int(x)] for x in keys[0] if int(x) in self._by_key]
            sc = [float(s) for s, x in zip(scores[0], keys[0]) if int(x) in self._by_key]
            if filtered:
                keep = [
                    i
                    for i, r in enumerate(rows)
                    if (kinds_s is None or df["kind"].iat[r] in kinds_s)
                    and (langs_s is None or df["language"].iat[r] in langs_s)
                ]
                rows = [rows[i] for i in keep]
                sc = [sc[i] for i in keep]
            if len(rows) >= topn + len(exclude) or k >= len(self):
                break
            k = min(len(self), k * 4)
        ids = [str(df["id"].iat[r]) for r in rows]
        items = [Fragment.from_dict({str(k): v for k, v in df.iloc[r].to_dict().items()}) for r in rows]
        return top_matches(np.array(sc), ids, items, topn, exclude)

    def similarity(self, a: Any, b: Any) -> float:
        """Cosine similarity of two items (ids, refs, texts, fragments or vectors)."""
        va, _ = self.vector(a)
        vb, _ = self.vector(b)
        na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
        return float(va @ vb / (na * nb)) if na and nb else 0.0

    # -- edits ----------------------------------------------------------------------------
    @property
    def edits(self) -> pd.DataFrame:
        """The edit table (see :func:`embedmotion.edits.edits_to_frame`); empty when none."""
        cached = getattr(self, "_cache_edits", None)
        if cached is None:
            df = self.read_table("edits")
            if df is None:
                from .edits import edits_to_frame

                df = edits_to_frame([])
            self._cache_edits = df
            cached = df
        return cached

    def edit_objects(self) -> list[Any]:
        """The edits as :class:`~embedmotion.edits.Edit` objects."""
        from .edits import edits_from_frame

        return edits_from_frame(self.edits)

    def edit_vectors(self, name: str) -> np.ndarray:
        """Raw edit-side vectors, row-aligned with :attr:`edits`.

        ``name``: one of :data:`embedmotion.edit_vectors.EDIT_ARRAYS`
        (``edit_before``, ``edit_after``, ``edit_hunk_before``, ``edit_hunk_after``,
        ``edit_diff``).  Zero rows stand for a missing side (added / removed).
        """
        from .edit_vectors import EDIT_ARRAYS

        if name not in EDIT_ARRAYS:
            raise UsageError(
                f"The 'name' parameter of edit_vectors must be one of {EDIT_ARRAYS}. Got {name!r} instead."
            )
        arr = self.read_array(name)
        if arr is None:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if arr.shape != (len(self.edits), self.dimension):
            raise CorruptCorpusError(
                f"{name} in {self.path} has shape {arr.shape}, but there are {len(self.edits)} edits.",
                fix=f"Delete {self.path} and rebuild it.",
            )
        return arr

    def add_edits(
        self,
        edits: Sequence[Any],
        *,
        embed: bool = True,
        show_progress_bar: bool | None = None,
        extra: dict[str, Any] | None = None,
        tables: dict[str, pd.DataFrame] | None = None,
    ) -> int:
        """Store ``edits`` (already-stored ids are skipped); returns how many were new.

        With ``embed=False`` their vectors are left as NaN rows, filled later by
        :meth:`embed_edits` (mining a long history first, embedding after).
        """
        from .edit_vectors import EDIT_ARRAYS, embed_edits
        from .edits import edits_to_frame

        have = set(self.edits["id"]) if len(self.edits) else set()
        seen: set[str] = set()
        new = []
        for e in edits:
            if e.id not in have and e.id not in seen:
                seen.add(e.id)
                new.append(e)
        if not new and not extra and not tables:
            return 0
        if embed:
            vecs = embed_edits(new, self.embedder, show_progress_bar=show_progress_bar)
        else:
            vecs = {n: np.full((len(new), self.dimension), np.nan, np.float32) for n in EDIT_ARRAYS}
        table = (
            pd.concat([self.edits, edits_to_frame(new)], ignore_index=True)
            if len(self.edits)
            else edits_to_frame(new)
        )
        arrays = {}
        for name in EDIT_ARRAYS:
            old = (
                np.asarray(self.edit_vectors(name))
                if len(self.edits)
                else np.zeros((0, self.dimension), np.float32)
            )
            arrays[name] = np.concatenate([old, vecs[name]]) if len(old) else vecs[name]
        self.write_extra(
            {"edits": table, **(tables or {})}, arrays, counts={"edits": len(table)}, extra=extra
        )
        return len(new)

    def pending_edits(self) -> int:
        """How many stored edits have no vectors yet (mined with ``embed=False``)."""
        if not len(self.edits):
            return 0
        return int(np.isnan(np.asarray(self.edit_vectors("edit_diff"))[:, 0]).sum())

    def embed_edits(self, *, show_progress_bar: bool | None = None) -> int:
        """Embed the stored edits that have no vectors yet; returns how many."""
        from .edit_vectors import EDIT_ARRAYS, embed_edits
        from .edits import edits_from_frame

        if not self.pending_edits():
            return 0
        arrays = {n: np.array(self.edit_vectors(n)) for n in EDIT_ARRAYS}
        rows = np.flatnonzero(np.isnan(arrays["edit_diff"][:, 0]))
        todo = edits_from_frame(self.edits.iloc[rows])
        vecs = embed_edits(todo, self.embedder, show_progress_bar=show_progress_bar)
        for n in EDIT_ARRAYS:
            arrays[n][rows] = vecs[n]
        self.write_extra({}, arrays)
        return len(rows)
