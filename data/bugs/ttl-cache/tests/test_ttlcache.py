import time

import pytest
from ttlcache import TTLCache


def test_entry_lives_for_its_ttl():
    cache = TTLCache(ttl_seconds=1.0)
    cache.put("https://api.example.com/rates", {"EUR": 1.0})
    time.sleep(0.5)
    assert cache.get("https://api.example.com/rates") == {"EUR": 1.0}


def test_entry_expires():
    cache = TTLCache()
    cache.put("k", "v", ttl=0.1)
    time.sleep(0.15)
    assert cache.get("k", "gone") == "gone"


def test_full_cache_drops_the_entry_closest_to_expiry():
    cache = TTLCache(ttl_seconds=30, max_entries=2)
    cache.put("a", 1, ttl=5)
    cache.put("b", 2)
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, 2, 3)
    with pytest.raises(ValueError):
        TTLCache(ttl_seconds=0)
