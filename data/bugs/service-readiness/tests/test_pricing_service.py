import random
import time

import pytest
from pricing_service import NotReady, PricingService


def slow_price_table():
    time.sleep(random.uniform(0, 0.06))  # a remote call of varying latency
    return {"mug": 1_250, "tea": 499}


def test_ready_after_warm_up():
    service = PricingService(slow_price_table)
    service.start()
    assert service.wait_ready()
    assert service.lookup("mug") == 1_250


def test_lookup_before_start_is_refused():
    with pytest.raises(NotReady):
        PricingService(slow_price_table).lookup("mug")


def test_loader_failure_is_reported():
    def broken():
        raise OSError("connection refused")

    service = PricingService(broken)
    service.start()
    assert service.wait_ready()
    with pytest.raises(NotReady, match="connection refused"):
        service.lookup("tea")
