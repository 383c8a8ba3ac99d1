from decimal import Decimal

import pytest
from sales_report import region_report, totals_by

CSV = """order,region,amount
1001,North,"1,200.50"
1002,South,300
1003,North,99.50
1004,West,
1005,South,700.25
"""


def test_totals_by_region():
    assert totals_by(CSV, "region", "amount") == {
        "North": Decimal("1300.00"),
        "South": Decimal("1000.25"),
        "West": Decimal("0"),
    }


def test_region_report_lines():
    lines = region_report(CSV).splitlines()
    assert lines[0] == "Sales by region"
    assert lines[2].split() == ["North", "1,300.00"]
    assert lines[-1].split() == ["TOTAL", "2,300.25"]


def test_bad_numbers_and_columns():
    with pytest.raises(ValueError, match="line 2"):
        totals_by("region,amount\nNorth,lots\n", "region", "amount")
    with pytest.raises(KeyError):
        totals_by(CSV, "country", "amount")
