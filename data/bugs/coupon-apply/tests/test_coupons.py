from datetime import date

import pytest
from coupons import Coupon, CouponError, apply_coupon, best_coupon

TODAY = date(2024, 11, 29)
SPRING = Coupon("SPRING20", percent_off=20, expires=date(2024, 5, 31))
TENNER = Coupon("TENNER", amount_off_cents=1_000, min_spend_cents=5_000)
FRIDAY = Coupon("BLACKFRI", percent_off=15, expires=date(2024, 11, 29))


def test_percent_and_fixed_discounts():
    assert apply_coupon(8_000, FRIDAY, TODAY) == 1_200
    assert apply_coupon(8_000, TENNER, TODAY) == 1_000
    assert apply_coupon(500, Coupon("BIG", amount_off_cents=900), TODAY) == 500


def test_expired_coupon_is_refused():
    with pytest.raises(CouponError, match="expired on 31 May 2024"):
        apply_coupon(8_000, SPRING, TODAY)


def test_minimum_spend():
    with pytest.raises(CouponError, match="spend 10.00 more"):
        apply_coupon(4_000, TENNER, TODAY)


def test_best_coupon_skips_unusable_ones():
    assert best_coupon(8_000, [SPRING, TENNER, FRIDAY], TODAY) == ("BLACKFRI", 1_200)
    assert best_coupon(100, [SPRING, TENNER], TODAY) is None
