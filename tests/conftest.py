"""Shared fixtures: the real default model (offline), loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A per-session embedding cache (or $EMBEDMOTION_TEST_CACHE to reuse one across runs)."""
    env = os.environ.get("EMBEDMOTION_TEST_CACHE")
    if env:
        Path(env).mkdir(parents=True, exist_ok=True)
        return Path(env)
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(scope="session")
def st_model():
    """The packaged all-MiniLM-L6-v2, uncached."""
    from embedmotion.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def default_embedder(st_model, cache_dir):
    """The default model behind a persistent cache (what the CLI uses)."""
    from embedmotion.embedding import CachedEmbedder

    return CachedEmbedder(st_model, cache_dir=cache_dir)


@pytest.fixture(scope="session")
def curated_space(default_embedder):
    """The curated edits embedded with the default model (once per session)."""
    from embedmotion.datasets import curated_edits
    from embedmotion.geometry import EditSpace

    return EditSpace.from_edits(curated_edits(), embedder=default_embedder, show_progress_bar=False)


SAMPLE_TREE = {
    "app/cache.py": '''
import time


class Cache:
    """A small TTL cache."""

    def __init__(self, ttl=60):
        self.ttl = ttl
        self.items = {}

    def get(self, key):
        value, stamp = self.items.get(key, (None, 0))
        if time.time() - stamp > self.ttl:
            return None
        return value

    def put(self, key, value):
        self.items[key] = (value, time.time())


def test_cache_roundtrip():
    c = Cache()
    c.put("a", 1)
    assert c.get("a") == 1
''',
    "app/http.py": '''
import urllib.request


def fetch_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode("utf-8")


def retry(fn, attempts=3):
    last = None
    for _ in range(attempts):
        try:
            return fn()
        except OSError as exc:
            last = exc
    raise last
''',
    "web/cart.js": '''
function cartTotal(items) {
  return items.reduce((sum, item) => sum + item.price * item.qty, 0);
}

class Cart {
  constructor() { this.items = []; }
  add(item) { this.items.push(item); }
  total() { return cartTotal(this.items); }
}

test("cart total adds prices", () => {
  const c = new Cart();
  c.add({ price: 2, qty: 3 });
  expect(c.total()).toBe(6);
});
''',
    "svc/handler.go": '''
package svc

import "testing"

type Store struct{ data map[string]string }

func (s *Store) Get(key string) (string, bool) {
	v, ok := s.data[key]
	return v, ok
}

func TestStoreGet(t *testing.T) {
	s := &Store{data: map[string]string{"a": "b"}}
	if v, _ := s.Get("a"); v != "b" {
		t.Fatalf("got %q", v)
	}
}
''',
}


@pytest.fixture()
def sample_tree(tmp_path: Path) -> Path:
    """A small multi-language source tree."""
    root = tmp_path / "src"
    for rel, text in SAMPLE_TREE.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text.lstrip("\n"), encoding="utf-8")
    return root
