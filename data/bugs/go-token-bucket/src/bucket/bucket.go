// Package bucket implements a token-bucket rate limiter for an HTTP API gateway.
//
// Tokens drip in at Rate per second up to Capacity; each request spends one.
// Callers pass the current time, which keeps the limiter easy to test.
package bucket

import (
	"errors"
	"time"
)

// Bucket is a token bucket. It is not safe for concurrent use.
type Bucket struct {
	Capacity float64
	Rate     float64 // tokens per second
	tokens   float64
	last     time.Time
}

// New returns a full bucket.
func New(capacity, rate float64, now time.Time) (*Bucket, error) {
	if capacity < 1 || rate <= 0 {
		return nil, errors.New("bucket: capacity must be >= 1 and rate > 0")
	}
	return &Bucket{Capacity: capacity, Rate: rate, tokens: capacity, last: now}, nil
}

func (b *Bucket) refill(now time.Time) {
	elapsed := now.Sub(b.last).Seconds()
	if elapsed <= 0 {
		return
	}
	b.tokens += elapsed * b.Rate
	b.last = now
}

// Allow spends a token and reports true, or reports false when the bucket is empty.
func (b *Bucket) Allow(now time.Time) bool {
	b.refill(now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Wait is how long until a token will be available.
func (b *Bucket) Wait(now time.Time) time.Duration {
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.Rate * float64(time.Second))
}
