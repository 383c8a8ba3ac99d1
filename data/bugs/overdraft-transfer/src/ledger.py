"""Transfers between bank accounts, each allowed a fixed overdraft."""

from __future__ import annotations

from dataclasses import dataclass, field


class TransferError(Exception):
    """A transfer that would break an account rule."""


@dataclass
class Account:
    number: str
    balance_cents: int = 0
    overdraft_limit_cents: int = 0
    frozen: bool = False
    history: list[tuple[str, int]] = field(default_factory=list)

    def available(self) -> int:
        """What can still be spent, overdraft included."""
        return self.balance_cents + self.overdraft_limit_cents


def transfer(source: Account, target: Account, amount_cents: int, *, reference: str = "") -> None:
    """Move ``amount_cents`` from ``source`` to ``target``.

    The source may go negative, down to minus its overdraft limit and no further.
    """
    if amount_cents <= 0:
        raise TransferError(f"amount must be positive, got {amount_cents}")
    if source is target:
        raise TransferError("cannot transfer to the same account")
    if source.frozen or target.frozen:
        raise TransferError("one of the accounts is frozen")
    if source.balance_cents - amount_cents <= -source.overdraft_limit_cents:
        raise TransferError(
            f"{source.number}: {amount_cents} exceeds available {source.available()}"
        )
    source.balance_cents -= amount_cents
    target.balance_cents += amount_cents
    source.history.append((reference or f"to {target.number}", -amount_cents))
    target.history.append((reference or f"from {source.number}", amount_cents))


def statement(account: Account) -> str:
    """A plain-text statement, one line per movement, then the closing balance."""
    lines = [f"{ref:<24}{amount / 100:>10.2f}" for ref, amount in account.history]
    lines.append(f"{'balance':<24}{account.balance_cents / 100:>10.2f}")
    return "\n".join(lines)
