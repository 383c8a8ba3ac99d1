"""Application settings: typed defaults overridden by strings from the environment or a CLI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    "timeout_s": 30,
    "retries": 3,
    "region": "eu-west-1",
    "verbose": False,
}


def _coerce(name: str, raw: str, like: Any) -> Any:
    if isinstance(like, bool):
        if raw.lower() not in {"true", "false", "1", "0"}:
            raise ValueError(f"{name} must be true or false, got {raw!r}")
        return raw.lower() in {"true", "1"}
    if isinstance(like, int):
        return int(raw)
    return raw


def load_settings(overrides: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The defaults with ``overrides`` (name -> string) applied and converted to each default's type."""
    settings = DEFAULTS
    for name, raw in (overrides or {}).items():
        if name not in DEFAULTS:
            raise KeyError(f"unknown setting {name!r}; known: {', '.join(sorted(DEFAULTS))}")
        settings[name] = _coerce(name, raw, DEFAULTS[name])
    return settings
