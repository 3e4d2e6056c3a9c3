package vpslink

import (
	"time"
	"unicode/utf8"
)

// jitterSpread is how far a humanized delay strays from its base either
// way (±20 %): enough that a broadcast has no rhythm, small enough that a
// longer text still takes visibly longer to type.
const jitterSpread = 0.2

// Automatic reports whether a job with this config paces like a person:
// its own intervalMode, else the default from the settings.
func (c JobConfig) Automatic(s Settings) bool {
	if c.IntervalMode == "" {
		return s.AutomaticMode
	}
	return c.IntervalMode == IntervalAutomatic
}

// TypingTime is how long "typing…" shows before text: its length at the
// typing speed, jittered by u (a uniform random number in [0, 1)) and
// clamped to the minimum and maximum delay.
func (s Settings) TypingTime(text string, u float64) time.Duration {
	if s.TypingCPS <= 0 {
		return s.clamp(0)
	}
	base := float64(utf8.RuneCountInString(text)) / s.TypingCPS
	return s.clamp(seconds(base * jitter(u)))
}

// PauseTime is an automatic-mode pause where the job gives none (a part
// whose delayAfterSeconds is null): anywhere between the minimum and the
// maximum delay, by u in [0, 1).
func (s Settings) PauseTime(u float64) time.Duration {
	lo, hi := float64(s.MinDelaySeconds), float64(s.MaxDelaySeconds)
	return seconds(lo + u*(hi-lo))
}

// GapTime is an automatic-mode gap between recipients: the job's gap
// jittered by u in [0, 1), never shorter than the minimum delay.
func (s Settings) GapTime(gapSeconds int, u float64) time.Duration {
	return max(seconds(float64(gapSeconds)*jitter(u)), seconds(float64(s.MinDelaySeconds)))
}

func (s Settings) clamp(d time.Duration) time.Duration {
	return min(max(d, seconds(float64(s.MinDelaySeconds))), seconds(float64(s.MaxDelaySeconds)))
}

// jitter maps u in [0, 1) to a factor in [1-jitterSpread, 1+jitterSpread).
func jitter(u float64) float64 { return 1 - jitterSpread + 2*jitterSpread*u }

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Truncate(time.Millisecond)
}

// QuietUntil returns the end of the quiet window that t falls in, on the
// wall clock of loc, or the zero time when t is outside it or quiet hours
// are off. The end is a wall-clock time on its own date, so that a window
// across a DST change ends at its stated hour.
func (s Settings) QuietUntil(t time.Time, loc *time.Location) time.Time {
	if !s.QuietHours {
		return time.Time{}
	}
	start, err1 := ParseClock("quiet_start", s.QuietStart)
	end, err2 := ParseClock("quiet_end", s.QuietEnd)
	if err1 != nil || err2 != nil || start == end {
		return time.Time{}
	}
	local := t.In(loc)
	m := local.Hour()*60 + local.Minute()
	var inside bool
	if start < end {
		inside = m >= start && m < end
	} else { // across midnight
		inside = m >= start || m < end
	}
	if !inside {
		return time.Time{}
	}
	day := local.Day()
	if m >= end { // the window ends tomorrow
		day++
	}
	return time.Date(local.Year(), local.Month(), day, end/60, end%60, 0, 0, loc)
}
