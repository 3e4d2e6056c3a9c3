package vpslink_test

import (
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

func TestSettings_TypingTime(t *testing.T) {
	s := vpslink.DefaultSettings()
	s.MinDelaySeconds, s.MaxDelaySeconds, s.TypingCPS = 1, 10, 10
	for _, tc := range []struct {
		text string
		u    float64
		want time.Duration
	}{
		{"hi", 0.5, time.Second},                         // 0.2 s, clamped up to the minimum
		{string(make([]byte, 50)), 0.5, 5 * time.Second}, // 50 chars at 10 cps, no jitter at u=0.5
		{string(make([]byte, 50)), 0, 4 * time.Second},   // -20 %
		{string(make([]byte, 50)), 0.75, 5500 * time.Millisecond},
		{string(make([]byte, 500)), 0.5, 10 * time.Second}, // clamped down to the maximum
		{"äöü", 0.5, time.Second},                          // runes, not bytes
	} {
		if got := s.TypingTime(tc.text, tc.u); got != tc.want {
			t.Errorf("TypingTime(%d bytes, %v) = %v, want %v", len(tc.text), tc.u, got, tc.want)
		}
	}
	if got := s.PauseTime(0.5); got != 5500*time.Millisecond {
		t.Errorf("PauseTime(0.5) = %v", got)
	}
	if got := s.GapTime(30, 0); got != 24*time.Second {
		t.Errorf("GapTime(30, 0) = %v", got)
	}
	if got := s.GapTime(0, 0.9); got != time.Second {
		t.Errorf("GapTime(0) = %v, want the minimum", got)
	}
}

func TestJobConfig_Automatic(t *testing.T) {
	on, off := vpslink.DefaultSettings(), vpslink.DefaultSettings()
	on.AutomaticMode = true
	for _, tc := range []struct {
		mode string
		s    vpslink.Settings
		want bool
	}{
		{"", on, true}, {"", off, false}, {"manual", on, false}, {"automatic", off, true},
	} {
		if got := (vpslink.JobConfig{IntervalMode: tc.mode}).Automatic(tc.s); got != tc.want {
			t.Errorf("mode %q default %v: %v", tc.mode, tc.s.AutomaticMode, got)
		}
	}
}

func TestSettings_QuietUntil(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data")
	}
	s := vpslink.DefaultSettings()
	s.QuietHours, s.QuietStart, s.QuietEnd = true, "22:00", "08:00"
	day := vpslink.DefaultSettings()
	day.QuietHours, day.QuietStart, day.QuietEnd = true, "12:00", "14:00"
	for _, tc := range []struct {
		name string
		s    vpslink.Settings
		at   time.Time
		want time.Time // zero: not quiet
	}{
		{"before the window", s, time.Date(2026, 6, 1, 21, 59, 0, 0, berlin), time.Time{}},
		{"evening", s, time.Date(2026, 6, 1, 23, 0, 0, 0, berlin), time.Date(2026, 6, 2, 8, 0, 0, 0, berlin)},
		{"after midnight", s, time.Date(2026, 6, 2, 3, 0, 0, 0, berlin), time.Date(2026, 6, 2, 8, 0, 0, 0, berlin)},
		{"at the end", s, time.Date(2026, 6, 2, 8, 0, 0, 0, berlin), time.Time{}},
		{"month end", s, time.Date(2026, 6, 30, 22, 30, 0, 0, berlin), time.Date(2026, 7, 1, 8, 0, 0, 0, berlin)},
		// The night clocks go back (25 October 2026): the window ends at
		// 08:00 wall clock, 11 hours after 22:00, not 10.
		{"DST ends", s, time.Date(2026, 10, 24, 22, 0, 0, 0, berlin), time.Date(2026, 10, 25, 8, 0, 0, 0, berlin)},
		{"DST begins", s, time.Date(2026, 3, 28, 23, 0, 0, 0, berlin), time.Date(2026, 3, 29, 8, 0, 0, 0, berlin)},
		{"daytime window", day, time.Date(2026, 6, 1, 13, 0, 0, 0, berlin), time.Date(2026, 6, 1, 14, 0, 0, 0, berlin)},
		{"daytime window, outside", day, time.Date(2026, 6, 1, 23, 0, 0, 0, berlin), time.Time{}},
		{"off", vpslink.DefaultSettings(), time.Date(2026, 6, 1, 23, 0, 0, 0, berlin), time.Time{}},
	} {
		got := tc.s.QuietUntil(tc.at.UTC(), berlin)
		if !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// Across the DST change the wait is 11 hours of real time.
	at := time.Date(2026, 10, 24, 21, 0, 0, 0, time.UTC) // 23:00 CEST
	if got := s.QuietUntil(at, berlin).Sub(at); got != 10*time.Hour {
		t.Errorf("wait across DST end = %v, want 10h (23:00 CEST to 08:00 CET)", got)
	}
}
