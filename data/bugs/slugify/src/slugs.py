"""URL slugs for blog posts: ASCII, lower case, dash-separated, unique within a site."""

from __future__ import annotations

import re
import unicodedata


def slugify(title: str, *, max_length: int = 60) -> str:
    """``"Crème Brûlée: A How-To!"`` -> ``"creme-brulee-a-how-to"``."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]", "-", text)
    slug = re.sub(r"-{2,}", slug, "-")
    slug = slug.strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "post"


def unique_slug(title: str, taken: set[str]) -> str:
    """A slug not in ``taken``, adding -2, -3, ... when needed; the result is added to ``taken``."""
    base = slugify(title)
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug
