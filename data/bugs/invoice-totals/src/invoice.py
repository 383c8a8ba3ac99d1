"""Invoices with line items, an order-level discount and VAT, all in integer cents."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_cents: int

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_cents


@dataclass
class Invoice:
    number: str
    lines: list[Line] = field(default_factory=list)
    discount_percent: int = 0
    vat_percent: int = 20

    def add(self, description: str, quantity: int, unit_cents: int) -> None:
        if quantity <= 0 or unit_cents < 0:
            raise ValueError("quantity must be positive and price non-negative")
        self.lines.append(Line(description, quantity, unit_cents))

    def totals(self) -> dict[str, int]:
        """Subtotal, discount, VAT on the discounted amount, and the grand total (half-up rounding)."""
        subtotal = sum(line.amount for line in self.lines)
        discount = (subtotal * self.discount_percent + 50) // 100
        taxable = subtotal - discount
        vat = (subtotal * self.vat_percent + 50) // 100
        return {"subtotal": subtotal, "discount": discount, "vat": vat, "total": taxable + vat}

    def render(self) -> str:
        rows = [f"Invoice {self.number}"]
        rows += [
            f"{ln.quantity:>3} x {ln.description:<20}{ln.amount / 100:>10.2f}" for ln in self.lines
        ]
        rows += [f"{k:<26}{v / 100:>10.2f}" for k, v in self.totals().items()]
        return "\n".join(rows)
