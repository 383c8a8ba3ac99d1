"""Tokenise support tickets and count their word n-grams, to spot recurring phrases."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset({"a", "an", "the", "is", "to", "of", "and", "my", "i"})


def tokenize(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """Lower-case word tokens; apostrophes stay inside words ("can't")."""
    tokens = _TOKEN.findall(text.lower())
    if drop_stopwords:
        tokens = [t for t in tokens if t not in STOPWORDS]
    return tokens


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    """Every run of ``n`` consecutive tokens, in order."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n)]


def top_phrases(texts: Iterable[str], n: int = 2, k: int = 3) -> list[tuple[str, int]]:
    """The ``k`` commonest n-grams over all texts, as ("word word", count), ties alphabetical."""
    counts: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        counts.update(ngrams(tokenize(text, drop_stopwords=True), n))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(" ".join(gram), count) for gram, count in ranked[:k]]
