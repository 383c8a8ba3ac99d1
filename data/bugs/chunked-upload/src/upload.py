"""Resumable uploads: cut a payload into checksummed chunks and put it back together."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    index: int
    offset: int
    data: bytes
    sha256: str

    @classmethod
    def of(cls, index: int, offset: int, data: bytes) -> Chunk:
        return cls(index, offset, data, hashlib.sha256(data).hexdigest())

    def intact(self) -> bool:
        return hashlib.sha256(self.data).hexdigest() == self.sha256


def split_chunks(payload: bytes, size: int) -> list[Chunk]:
    """Chunks of ``size`` bytes (the last one may be shorter)."""
    if size <= 0:
        raise ValueError("chunk size must be positive")
    count = len(payload) // size
    return [Chunk.of(i, i * size, payload[i * size : (i + 1) * size]) for i in range(count)]


def missing(received: dict[int, Chunk], total: int) -> list[int]:
    """Indices still to be (re)sent: never received, or corrupted on the way."""
    return [i for i in range(total) if i not in received or not received[i].intact()]


def assemble(chunks: list[Chunk], expected_length: int) -> bytes:
    """Join chunks in offset order, checking integrity and the final length."""
    ordered = sorted(chunks, key=lambda c: c.offset)
    for chunk in ordered:
        if not chunk.intact():
            raise ValueError(f"chunk {chunk.index} is corrupted")
    data = b"".join(c.data for c in ordered)
    if len(data) != expected_length:
        raise ValueError(f"assembled {len(data)} bytes, expected {expected_length}")
    return data
