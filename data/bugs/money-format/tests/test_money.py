import pytest
from money import decimals, format_amount, receipt


def test_two_decimals_by_default():
    assert format_amount(1234.5) == "1,234.50 EUR"


def test_yen_has_no_decimals():
    with decimals(0):
        assert format_amount(1500, "JPY") == "1,500 JPY"


def test_receipt_total():
    text = receipt([("Coffee", 3.2), ("Cake", 4.05)])
    assert text.splitlines()[-1].split() == ["Total", "7.25", "EUR"]


def test_places_are_checked():
    with pytest.raises(ValueError), decimals(9):
        pass
