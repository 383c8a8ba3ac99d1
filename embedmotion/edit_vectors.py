"""Embedding the sides of edits under several text views.

Which view of an edit carries the signal is an empirical question, so a corpus
stores the raw vectors of each, row-aligned with its edit table:

``edit_before`` / ``edit_after``
    the whole fragment before and after (Δ fragment = after − before)
``edit_hunk_before`` / ``edit_hunk_after``
    only the changed lines with :data:`HUNK_CONTEXT` lines of context around each
    change (Δ hunk), so a one-line fix in a long function is not drowned out
``edit_diff``
    the unified diff text itself, embedded as one text

A missing side (added or removed fragments) is a zero row.  Texts go through
the corpus's (cached) embedder, so re-adding the same edits costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .embedding import Embedder

HUNK_CONTEXT = 2
DIFF_CONTEXT = 2
EDIT_ARRAYS = ("edit_before", "edit_after", "edit_hunk_before", "edit_hunk_after", "edit_diff")


def edit_texts(edit: Any) -> dict[str, str]:
    """The texts each array embeds for one edit (empty string: no such side)."""
    hb, ha = edit.hunk_texts(context=HUNK_CONTEXT)
    return {
        "edit_before": edit.before_text,
        "edit_after": edit.after_text,
        "edit_hunk_before": hb if edit.before is not None else "",
        "edit_hunk_after": ha if edit.after is not None else "",
        "edit_diff": edit.diff(context=DIFF_CONTEXT),
    }


def embed_edits(
    edits: Sequence[Any], embedder: Embedder, *, show_progress_bar: bool | None = None
) -> dict[str, np.ndarray]:
    """Unit vectors for every array in :data:`EDIT_ARRAYS` (zeros for empty texts)."""
    d = int(embedder.dimension)
    out = {name: np.zeros((len(edits), d), dtype=np.float32) for name in EDIT_ARRAYS}
    if not edits:
        return out
    texts: list[str] = []
    where: list[tuple[str, int]] = []
    index_of: dict[str, int] = {}
    slots: list[int] = []
    for row, e in enumerate(edits):
        for name, text in edit_texts(e).items():
            if not text.strip():
                continue
            if text not in index_of:
                index_of[text] = len(texts)
                texts.append(text)
            where.append((name, row))
            slots.append(index_of[text])
    if texts:
        vecs = embedder.encode(texts, show_progress_bar=show_progress_bar, normalize=True)
        for (name, row), slot in zip(where, slots):
            out[name][row] = vecs[slot]
    return out
