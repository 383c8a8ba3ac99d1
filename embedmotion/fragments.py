"""Fragments: the unit of code embedmotion embeds, indexes and edits.

A :class:`Fragment` is one function, method, class, test or module cut out of a
source file by tree-sitter.  Its ``id`` is a content hash of (language, path,
qualified name, text): stable across runs, different as soon as the code moves
or changes.  ``key`` is the same hash as a signed 63-bit integer, the id FAISS
stores.

Extraction (``extract_fragments`` / ``parse_file`` / ``parse_tree``) lives in
:mod:`embedmotion.parsing`; this module only holds the value types so that every
layer can share them without importing tree-sitter.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FragmentKind = Literal["function", "method", "class", "test", "module"]
FRAGMENT_KINDS: tuple[str, ...] = ("function", "method", "class", "test", "module")


def text_hash(text: str) -> str:
    """sha256 hex digest of ``text`` (UTF-8); the embedding cache key."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def key_of(hex_id: str) -> int:
    """The signed 63-bit integer FAISS id of a hex fragment/edit id."""
    return int(hex_id[:16], 16) & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True)
class Fragment:
    """One unit of code.

    Lines are 1-based and inclusive; bytes are 0-based, end exclusive, in the
    UTF-8 encoding of the file.
    """

    language: str
    kind: str
    name: str
    path: str
    start_byte: int
    end_byte: int
    start_line: int
    end_line: int
    text: str
    has_error: bool = False
    id: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.id:
            h = hashlib.sha256()
            for part in (self.language, self.path, self.name, self.text):
                h.update(part.encode("utf-8", "surrogatepass"))
                h.update(b"\0")
            object.__setattr__(self, "id", h.hexdigest()[:16])

    @property
    def key(self) -> int:
        """The 63-bit integer id used in the FAISS index."""
        return key_of(self.id)

    @property
    def ref(self) -> str:
        """``path::qualified.name``, the way the CLI names a fragment."""
        return f"{self.path}::{self.name}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Fragment:
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in names})

    @classmethod
    def from_text(
        cls, text: str, *, language: str = "text", name: str = "<text>", path: str = ""
    ) -> Fragment:
        """A free-standing fragment (a query, a snippet typed by a user)."""
        lines = text.count("\n") + 1
        return cls(language, "module", name, path, 0, len(text.encode()), 1, lines, text)


@dataclass
class SkippedFile:
    """A file that yielded no fragments, and why (binary, too large, not UTF-8, ...)."""

    path: str
    reason: str


@dataclass
class ParseReport:
    """What a parse of a file or tree did: fragments, files skipped, files with errors."""

    fragments: list[Fragment] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    files_parsed: int = 0
    files_with_errors: list[str] = field(default_factory=list)
    bytes_parsed: int = 0

    def extend(self, other: ParseReport) -> None:
        self.fragments.extend(other.fragments)
        self.skipped.extend(other.skipped)
        self.files_parsed += other.files_parsed
        self.files_with_errors.extend(other.files_with_errors)
        self.bytes_parsed += other.bytes_parsed
