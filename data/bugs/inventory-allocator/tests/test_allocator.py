from allocator import StockLevel, Warehouse, allocate


def houses():
    return [
        Warehouse("far", 300.0, {"mug": StockLevel(50, safety_stock=5)}),
        Warehouse("near", 12.5, {"mug": StockLevel(10, safety_stock=4), "tea": StockLevel(3)}),
    ]


def test_nearest_warehouse_first_respecting_safety_stock():
    ws = houses()
    result = allocate({"mug": 8}, ws)
    assert result.picks == [("near", "mug", 6), ("far", "mug", 2)]
    assert result.backordered == {}
    assert ws[1].stock["mug"].on_hand == 4


def test_shortfall_is_backordered():
    result = allocate({"tea": 5, "mug": 1}, houses())
    assert result.picks == [("near", "tea", 3), ("near", "mug", 1)]
    assert result.backordered == {"tea": 2}


def test_unknown_sku_is_fully_backordered():
    assert allocate({"spoon": 2}, houses()).backordered == {"spoon": 2}
