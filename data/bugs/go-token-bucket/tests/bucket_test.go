package tests

import (
	"testing"
	"time"

	"example.com/tokenbucket/src/bucket"
)

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func allowed(b *bucket.Bucket, n int, at time.Time) int {
	count := 0
	for i := 0; i < n; i++ {
		if b.Allow(at) {
			count++
		}
	}
	return count
}

func TestBurstUpToCapacity(t *testing.T) {
	b, _ := bucket.New(5, 1, t0)
	if got := allowed(b, 10, t0); got != 5 {
		t.Fatalf("allowed %d of 10, want 5", got)
	}
}

func TestRefillOverTime(t *testing.T) {
	b, _ := bucket.New(5, 2, t0)
	allowed(b, 5, t0)
	if got := allowed(b, 10, t0.Add(1500*time.Millisecond)); got != 3 {
		t.Fatalf("allowed %d after 1.5 s at 2/s, want 3", got)
	}
	if w := b.Wait(t0.Add(1500 * time.Millisecond)); w != 500*time.Millisecond {
		t.Fatalf("Wait = %v, want 500ms", w)
	}
}

func TestIdleTimeDoesNotExceedCapacity(t *testing.T) {
	b, _ := bucket.New(5, 1, t0)
	if got := allowed(b, 100, t0.Add(time.Hour)); got != 5 {
		t.Fatalf("allowed %d after an idle hour, want the capacity 5", got)
	}
}

func TestBadSettings(t *testing.T) {
	if _, err := bucket.New(0, 1, t0); err == nil {
		t.Fatal("capacity 0 should be refused")
	}
}
