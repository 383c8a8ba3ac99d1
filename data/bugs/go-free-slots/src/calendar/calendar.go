// Package calendar finds free meeting slots in a working day, given the busy ones.
//
// Times are minutes since midnight, so 9:30 is 570.
package calendar

import (
	"fmt"
	"sort"
)

// Slot is the half-open interval [Start, End) in minutes since midnight.
type Slot struct {
	Start, End int
}

func (s Slot) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

// span returns the slot from start to end, and false when it would be empty.
func span(start, end int) (Slot, bool) {
	if end <= start {
		return Slot{}, false
	}
	return Slot{start, end}, true
}

// FreeSlots lists the gaps of at least minLength minutes between dayStart and dayEnd
// that no busy slot covers. Busy slots may overlap and come in any order.
func FreeSlots(busy []Slot, dayStart, dayEnd, minLength int) []Slot {
	meetings := append([]Slot(nil), busy...)
	sort.Slice(meetings, func(i, j int) bool { return meetings[i].Start < meetings[j].Start })
	var free []Slot
	cursor := dayStart
	for _, meeting := range meetings {
		if meeting.Start > dayEnd {
			break
		}
		if gap, ok := span(meeting.Start, cursor); ok && gap.End-gap.Start >= minLength {
			free = append(free, gap)
		}
		if meeting.End > cursor {
			cursor = meeting.End
		}
	}
	if gap, ok := span(cursor, dayEnd); ok && gap.End-gap.Start >= minLength {
		free = append(free, gap)
	}
	return free
}
