"""Checkout coupons: percentage or fixed discounts with a minimum spend and an expiry date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class CouponError(Exception):
    """Why a coupon cannot be used, in words fit for the shopper."""


@dataclass(frozen=True)
class Coupon:
    code: str
    percent_off: int = 0
    amount_off_cents: int = 0
    min_spend_cents: int = 0
    expires: date | None = None


def apply_coupon(cart_cents: int, coupon: Coupon, today: date) -> int:
    """The discount in cents for a cart worth ``cart_cents``; never more than the cart."""
    if cart_cents < coupon.min_spend_cents:
        short = (coupon.min_spend_cents - cart_cents) / 100
        raise CouponError(f"spend {short:.2f} more to use {coupon.code}")
    discount = cart_cents * coupon.percent_off // 100 + coupon.amount_off_cents
    return min(discount, cart_cents)


def best_coupon(cart_cents: int, coupons: list[Coupon], today: date) -> tuple[str, int] | None:
    """The usable coupon giving the largest discount, as (code, cents)."""
    best: tuple[str, int] | None = None
    for coupon in coupons:
        try:
            cents = apply_coupon(cart_cents, coupon, today)
        except CouponError:
            continue
        if best is None or cents > best[1]:
            best = (coupon.code, cents)
    return best
