// Package schedulertest provides a fake clock and a fake sender for tests of
// the scheduler and of the packages that drive it. The clock is every
// package's test clock: tests that move time by hand use it.
package schedulertest

import (
	"sync"
	"time"

	"github.com/vpslink/vpslink/scheduler"
)

// Clock is a manual clock: time moves only with Advance or Set, which fire the
// timers that have come due.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*timer
}

// NewClock returns a clock standing at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock reaches now+d.
func (c *Clock) NewTimer(d time.Duration) scheduler.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock by d and fires every timer due by then. It
// returns how many fired.
func (c *Clock) Advance(d time.Duration) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	fired := 0
	keep := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			keep = append(keep, t)
			continue
		}
		t.ch <- c.now
		fired++
	}
	c.timers = keep
	return fired
}

// Set moves the clock to t and fires every timer due by then, as Advance
// does. It returns how many fired.
func (c *Clock) Set(t time.Time) int {
	c.mu.Lock()
	d := t.Sub(c.now)
	c.mu.Unlock()
	return c.Advance(d)
}

type timer struct {
	c  *Clock
	at time.Time
	ch chan time.Time
}

func (t *timer) C() <-chan time.Time { return t.ch }

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	for i, x := range t.c.timers {
		if x == t {
			t.c.timers = append(t.c.timers[:i], t.c.timers[i+1:]...)
			return true
		}
	}
	return false
}
