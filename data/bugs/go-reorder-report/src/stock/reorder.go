// Package stock plans purchase orders with a min/max replenishment policy.
//
// When an item's stock position (on hand plus already on order) falls below its
// MinLevel, the plan orders enough to bring the position back up to MaxLevel,
// rounded up to whole cases.
package stock

import (
	"fmt"
	"sort"
)

// Item is one stock-keeping unit.
type Item struct {
	SKU      string
	OnHand   int
	OnOrder  int
	MinLevel int
	MaxLevel int
	CaseSize int
}

// Line is one line of a purchase order.
type Line struct {
	SKU   string
	Units int
	Cases int
}

// Plan returns the lines to order, sorted by SKU.
func Plan(items []Item) ([]Line, error) {
	var lines []Line
	for _, item := range items {
		if item.CaseSize < 1 || item.MaxLevel < item.MinLevel {
			return nil, fmt.Errorf("stock: bad policy for %s", item.SKU)
		}
		position := item.OnHand + item.OnOrder
		if position >= item.MinLevel {
			continue
		}
		need := item.MinLevel - position
		cases := (need + item.CaseSize - 1) / item.CaseSize
		lines = append(lines, Line{SKU: item.SKU, Units: cases * item.CaseSize, Cases: cases})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].SKU < lines[j].SKU })
	return lines, nil
}
