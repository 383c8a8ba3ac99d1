"""Password rules for the sign-up form, reported as a list of human-readable problems."""

from __future__ import annotations

import string
from dataclasses import dataclass

COMMON = frozenset({"password", "123456", "qwerty", "letmein", "welcome", "iloveyou"})


@dataclass(frozen=True)
class Policy:
    min_length: int = 10
    require_digit: bool = True
    require_symbol: bool = False


def problems(password: str, policy: Policy | None = None, *, username: str = "") -> list[str]:
    """Every rule ``password`` breaks; an empty list means it is acceptable."""
    policy = policy or Policy()
    found = []
    if len(password) < policy.min_length:
        found.append(f"use at least {policy.min_length} characters")
    has_upper = any(c.isupper() for c in password)
    has_lower = any(c.islower() for c in password)
    if not (has_upper or has_lower):
        found.append("mix upper- and lower-case letters")
    if policy.require_digit and not any(c.isdigit() for c in password):
        found.append("include a digit")
    if policy.require_symbol and not any(c in string.punctuation for c in password):
        found.append("include a symbol")
    if password.lower() in COMMON:
        found.append("avoid common passwords")
    if username and username.lower() in password.lower():
        found.append("do not include your user name")
    return found


def strength(password: str) -> str:
    """A rough label for the strength meter."""
    classes = sum(
        any(test(c) for c in password)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: c in string.punctuation)
    )
    score = len(password) // 4 + classes
    return "weak" if score < 4 else "fair" if score < 6 else "strong"
