package tests

import (
	"fmt"
	"testing"

	"example.com/freeslots/src/calendar"
)

func hm(h, m int) int { return h*60 + m }

func TestGapsBetweenMeetings(t *testing.T) {
	busy := []calendar.Slot{
		{Start: hm(13, 0), End: hm(14, 0)},
		{Start: hm(9, 30), End: hm(10, 30)},
		{Start: hm(10, 0), End: hm(11, 0)},
	}
	got := fmt.Sprint(calendar.FreeSlots(busy, hm(9, 0), hm(17, 0), 30))
	want := "[09:00-09:30 11:00-13:00 14:00-17:00]"
	if got != want {
		t.Fatalf("FreeSlots = %s, want %s", got, want)
	}
}

func TestShortGapsAreSkipped(t *testing.T) {
	busy := []calendar.Slot{{Start: hm(9, 0), End: hm(9, 50)}, {Start: hm(10, 0), End: hm(16, 30)}}
	got := fmt.Sprint(calendar.FreeSlots(busy, hm(9, 0), hm(17, 0), 15))
	if got != "[16:30-17:00]" {
		t.Fatalf("FreeSlots = %s", got)
	}
}

func TestEmptyDayIsFree(t *testing.T) {
	got := calendar.FreeSlots(nil, hm(8, 0), hm(12, 0), 60)
	if len(got) != 1 || got[0] != (calendar.Slot{Start: hm(8, 0), End: hm(12, 0)}) {
		t.Fatalf("FreeSlots = %v", got)
	}
}
