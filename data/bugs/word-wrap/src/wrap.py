"""Greedy word wrapping for plain-text e-mails and terminal help."""

from __future__ import annotations


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` characters.

    Words are separated by single spaces; a word longer than ``width`` is cut into pieces.
    """
    if width < 1:
        raise ValueError("width must be at least 1")
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) < width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def fill(text: str, width: int, *, indent: str = "") -> str:
    """Wrap each blank-line-separated paragraph, prefixing every line with ``indent``."""
    if len(indent) >= width:
        raise ValueError("indent leaves no room for text")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    blocks = ["\n".join(indent + line for line in wrap(p, width - len(indent))) for p in paragraphs]
    return "\n\n".join(blocks)
