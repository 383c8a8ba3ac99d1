// Package ring keeps the most recent samples of a metric in a fixed-size ring buffer.
package ring

import "fmt"

// Buffer holds at most Cap() samples; pushing into a full buffer overwrites the oldest.
type Buffer struct {
	data  []float64
	next  int // slot for the next sample
	count int // samples held
}

// New returns an empty buffer for capacity samples.
func New(capacity int) (*Buffer, error) {
	if capacity < 1 {
		return nil, fmt.Errorf("ring: capacity must be at least 1, got %d", capacity)
	}
	return &Buffer{data: make([]float64, capacity)}, nil
}

// Cap is the number of samples the buffer can hold.
func (b *Buffer) Cap() int { return len(b.data) }

// Len is the number of samples held.
func (b *Buffer) Len() int { return b.count }

// Push records a sample.
func (b *Buffer) Push(v float64) {
	b.data[b.next] = v
	b.next = (b.next + 1) % len(b.data)
	if b.count < len(b.data)-1 {
		b.count++
	}
}

// Snapshot returns the samples held, oldest first.
func (b *Buffer) Snapshot() []float64 {
	out := make([]float64, 0, b.count)
	start := (b.next - b.count + len(b.data)) % len(b.data)
	for i := 0; i < b.count; i++ {
		out = append(out, b.data[(start+i)%len(b.data)])
	}
	return out
}

// Mean is the average of the samples held (0 when empty).
func (b *Buffer) Mean() float64 {
	if b.count == 0 {
		return 0
	}
	sum := 0.0
	for _, v := range b.Snapshot() {
		sum += v
	}
	return sum / float64(b.count)
}
