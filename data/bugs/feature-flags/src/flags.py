"""Feature flags: built-in defaults, overridden by an optional JSON file, then by the environment."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

DEFAULTS: Mapping[str, bool] = {"new_checkout": False, "dark_mode": True, "beta_search": False}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"flag {name}: {raw!r} is not a boolean")


def load_flags(path: Path, env: Mapping[str, str] | None = None) -> dict[str, bool]:
    """Defaults, then the JSON file at ``path`` if there is one, then ``FLAG_<NAME>`` variables."""
    env = os.environ if env is None else env
    flags = dict(DEFAULTS)
    if path.exists:
        overrides = json.loads(path.read_text(encoding="utf-8"))
        unknown = set(overrides) - set(DEFAULTS)
        if unknown:
            raise KeyError(f"unknown flags in {path.name}: {sorted(unknown)}")
        flags.update({k: bool(v) for k, v in overrides.items()})
    for name in flags:
        raw = env.get(f"FLAG_{name.upper()}")
        if raw is not None:
            flags[name] = _parse_bool(name, raw)
    return flags
