package api

import (
	"net/netip"
	"sync"
	"time"
)

// failureLimiter is a token bucket per client address that only failed
// authentications drain: a client holds burst tokens, regains one every
// refill, and is refused while it has none.
type failureLimiter struct {
	burst  float64
	refill time.Duration

	mu      sync.Mutex
	buckets map[netip.Addr]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the limiter's memory; full buckets are forgotten first
// since forgetting them changes nothing.
const maxBuckets = 10000

func newFailureLimiter(burst int, per time.Duration) *failureLimiter {
	return &failureLimiter{burst: float64(burst), refill: per / time.Duration(burst), buckets: map[netip.Addr]*bucket{}}
}

// level returns a's bucket brought up to now; the caller holds mu.
func (l *failureLimiter) level(a netip.Addr, now time.Time) *bucket {
	b := l.buckets[a]
	if b == nil {
		return &bucket{tokens: l.burst, at: now}
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.burst, b.tokens+float64(d)/float64(l.refill))
		b.at = now
	}
	return b
}

// blocked returns how long a must wait before it may try again, or 0.
func (l *failureLimiter) blocked(a netip.Addr, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.level(a, now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(l.refill))
}

// fail takes a token from a's bucket.
func (l *failureLimiter) fail(a netip.Addr, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.level(a, now)
	b.tokens = max(0, b.tokens-1)
	if _, ok := l.buckets[a]; !ok {
		if len(l.buckets) >= maxBuckets {
			l.forgetFull(now)
		}
		l.buckets[a] = b
	}
}

func (l *failureLimiter) forgetFull(now time.Time) {
	for a := range l.buckets {
		if l.level(a, now).tokens >= l.burst {
			delete(l.buckets, a)
		}
	}
}
