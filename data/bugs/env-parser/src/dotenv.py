"""Read ``.env`` files: KEY=value lines, comments, optional quotes and ${VAR} expansion."""

from __future__ import annotations

import re

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _unquote(value: str) -> str:
    """Strip matching quotes; double-quoted values understand \\n, \\t and \\"."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        if value[0] == '"':
            inner = inner.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"')
        return inner
    return value.split(" #", 1)[0].rstrip()


def parse_line(line: str) -> tuple[str, str] | None:
    """(key, value) for an assignment line, None for blank lines and comments."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    if line.startswith("export "):
        line = line[len("export ") :].lstrip()
    key, sep, raw = line.partition("=")
    key = key.strip()
    if not sep or not _KEY.match(key):
        raise ValueError(f"not a KEY=value line: {line!r}")
    return key, raw.strip()


def parse(text: str, *, environ: dict[str, str] | None = None) -> dict[str, str]:
    """All assignments; ${VAR} refers to earlier keys, then to ``environ``, else expands to ""."""
    environ = environ or {}
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            pair = parse_line(line)
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
        if pair is not None:
            key, value = pair
            values[key] = _REF.sub(lambda m: values.get(m[1], environ.get(m[1], "")), value)
    return values
