"""User accounts: change an e-mail address, pending confirmation from the new address."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


@dataclass
class User:
    id: int
    email: str
    pending_email: str | None = None
    audit: list[str] = field(default_factory=list)


@dataclass
class Outbox:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (to, subject)

    def send(self, to: str, subject: str) -> None:
        self.sent.append((to, subject))


class AccountService:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.tokens: dict[str, tuple[int, str]] = {}

    def change_email(self, user: User, new_email: str) -> str:
        """Ask ``new_email`` to confirm, warn the old address; returns the confirmation token."""
        new_email = new_email.strip().lower()
        old_email = user.email
        if not _EMAIL.match(new_email):
            raise ValueError(f"not an e-mail address: {new_email!r}")
        if new_email == old_email:
            raise ValueError("that is already the account's address")
        token = secrets.token_urlsafe(16)
        self.tokens[token] = (user.id, new_email)
        user.pending_email = new_email
        self.outbox.send(old_email, "Confirm your new e-mail address")
        self.outbox.send(old_email, "Your e-mail address is being changed")
        user.audit.append(f"email change requested: {old_email} -> {new_email}")
        return token

    def confirm(self, user: User, token: str) -> None:
        owner, email = self.tokens.pop(token, (None, ""))
        if owner != user.id or email != user.pending_email:
            raise PermissionError("invalid or expired confirmation token")
        user.email, user.pending_email = email, None
        user.audit.append(f"email changed to {email}")
