import pytest
from rpn import evaluate


def test_numbers_and_unary():
    assert evaluate("42") == 42.0
    assert evaluate("9 sqrt neg abs") == 3.0


def test_operand_order_matters():
    assert evaluate("10 4 -") == 6.0
    assert evaluate("2 3 ^") == 8.0
    assert evaluate("3 4 + 2 *") == 14.0


def test_errors():
    with pytest.raises(ValueError):
        evaluate("1 +")
    with pytest.raises(ValueError):
        evaluate("1 2")
    with pytest.raises(ValueError):
        evaluate("1 two +")
    with pytest.raises(ZeroDivisionError):
        evaluate("1 0 /")
