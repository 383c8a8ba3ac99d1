"""Role-based access control for a document store: roles grant actions, owners may always read."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "editor": frozenset({"read", "write", "comment"}),
    "admin": frozenset({"read", "write", "comment", "delete", "share"}),
}


@dataclass
class User:
    name: str
    roles: set[str] = field(default_factory=set)
    suspended: bool = False


@dataclass
class Document:
    id: str
    owner: str
    locked: bool = False


def is_allowed(user: User, action: str, doc: Document) -> bool:
    """Whether ``user`` may perform ``action`` on ``doc``."""
    if action not in ROLE_ACTIONS["admin"]:
        raise ValueError(f"unknown action {action!r}")
    if doc.locked and action in {"write", "delete"} and "admin" not in user.roles:
        return False
    if user.name == doc.owner and action in {"read", "write", "share"}:
        return True
    return any(action in ROLE_ACTIONS.get(role, frozenset()) for role in user.roles)


def visible(user: User, docs: list[Document]) -> list[str]:
    return [d.id for d in docs if is_allowed(user, "read", d)]
