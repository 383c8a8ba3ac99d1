import pytest
from invoice import Invoice


def make(discount=0):
    inv = Invoice("2024-017", discount_percent=discount)
    inv.add("Consulting hour", 3, 12_000)
    inv.add("Travel", 1, 4_550)
    return inv


def test_without_discount():
    assert make().totals() == {"subtotal": 40_550, "discount": 0, "vat": 8_110, "total": 48_660}


def test_vat_is_charged_after_the_discount():
    assert make(discount=10).totals() == {
        "subtotal": 40_550,
        "discount": 4_055,
        "vat": 7_299,
        "total": 43_794,
    }


def test_render_ends_with_total():
    assert make().render().splitlines()[-1].split() == ["total", "486.60"]


def test_rejects_bad_lines():
    with pytest.raises(ValueError):
        Invoice("x").add("free", 0, 100)
