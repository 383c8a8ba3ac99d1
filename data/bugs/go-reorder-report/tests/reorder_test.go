package tests

import (
	"reflect"
	"testing"

	"example.com/reorder/src/stock"
)

func TestOrdersUpToMaxInWholeCases(t *testing.T) {
	items := []stock.Item{
		{SKU: "tea-green", OnHand: 4, OnOrder: 0, MinLevel: 10, MaxLevel: 40, CaseSize: 12},
		{SKU: "mug-white", OnHand: 30, OnOrder: 0, MinLevel: 20, MaxLevel: 60, CaseSize: 6},
		{SKU: "filter", OnHand: 2, OnOrder: 6, MinLevel: 10, MaxLevel: 20, CaseSize: 1},
	}
	got, err := stock.Plan(items)
	if err != nil {
		t.Fatal(err)
	}
	want := []stock.Line{
		{SKU: "filter", Units: 12, Cases: 12},
		{SKU: "tea-green", Units: 36, Cases: 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Plan = %+v, want %+v", got, want)
	}
}

func TestOnOrderStockCounts(t *testing.T) {
	items := []stock.Item{{SKU: "x", OnHand: 1, OnOrder: 9, MinLevel: 10, MaxLevel: 30, CaseSize: 5}}
	got, _ := stock.Plan(items)
	if len(got) != 0 {
		t.Fatalf("Plan = %+v, want nothing", got)
	}
}

func TestBadPolicy(t *testing.T) {
	if _, err := stock.Plan([]stock.Item{{SKU: "y", MinLevel: 5, MaxLevel: 1, CaseSize: 1}}); err == nil {
		t.Fatal("MaxLevel below MinLevel should be refused")
	}
}
