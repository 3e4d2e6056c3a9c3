package scheduler

import "time"

// SetOnIdle lets tests wait until the engine has planned and gone to sleep.
func (e *Engine) SetOnIdle(fn func(now, wake time.Time)) { e.onIdle = fn }

// RecentSends is how many send times the rate cap keeps.
func (e *Engine) RecentSends() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.recent)
}
