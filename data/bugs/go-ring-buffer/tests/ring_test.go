package tests

import (
	"reflect"
	"testing"

	"example.com/ringbuf/src/ring"
)

func filled(t *testing.T, capacity int, values ...float64) *ring.Buffer {
	t.Helper()
	b, err := ring.New(capacity)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		b.Push(v)
	}
	return b
}

func TestPartiallyFilled(t *testing.T) {
	b := filled(t, 4, 1, 2)
	if got := b.Snapshot(); !reflect.DeepEqual(got, []float64{1, 2}) {
		t.Fatalf("Snapshot() = %v", got)
	}
}

func TestFullBufferKeepsTheLatestSamples(t *testing.T) {
	b := filled(t, 3, 1, 2, 3, 4, 5)
	if got := b.Snapshot(); !reflect.DeepEqual(got, []float64{3, 4, 5}) {
		t.Fatalf("Snapshot() = %v, want [3 4 5]", got)
	}
	if b.Len() != 3 || b.Mean() != 4 {
		t.Fatalf("Len() = %d, Mean() = %v", b.Len(), b.Mean())
	}
}

func TestExactlyFull(t *testing.T) {
	b := filled(t, 2, 7, 9)
	if got := b.Snapshot(); !reflect.DeepEqual(got, []float64{7, 9}) {
		t.Fatalf("Snapshot() = %v, want [7 9]", got)
	}
}

func TestBadCapacity(t *testing.T) {
	if _, err := ring.New(0); err == nil {
		t.Fatal("New(0) should fail")
	}
}
