import pytest
from lru import LRUCache


def test_oldest_entry_is_evicted():
    evicted = []
    cache = LRUCache(2, on_evict=lambda k, v: evicted.append(k))
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert evicted == ["a"]
    assert "a" not in cache and len(cache) == 2


def test_reading_an_entry_keeps_it():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert "a" in cache
    assert "b" not in cache


def test_statistics():
    cache = LRUCache(1)
    cache.put("x", 1)
    cache.get("x")
    cache.get("y")
    assert (cache.hits, cache.misses, cache.hit_rate()) == (1, 1, 0.5)


def test_capacity():
    with pytest.raises(ValueError):
        LRUCache(0)
