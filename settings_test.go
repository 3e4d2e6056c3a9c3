package vpslink_test

import (
	"testing"

	"github.com/vpslink/vpslink"
)

func TestSettings_Validate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(s *vpslink.Settings)
		field string // "" = valid
	}{
		{"defaults", func(*vpslink.Settings) {}, ""},
		{"quiet window across midnight", func(s *vpslink.Settings) { s.QuietHours, s.QuietStart, s.QuietEnd = true, "22:00", "08:00" }, ""},
		{"negative gap", func(s *vpslink.Settings) { s.RecipientGapSeconds = -1 }, "recipient_gap_seconds"},
		{"max below min", func(s *vpslink.Settings) { s.MinDelaySeconds, s.MaxDelaySeconds = 5, 4 }, "max_delay_seconds"},
		{"typing too long", func(s *vpslink.Settings) { s.MaxDelaySeconds = 301 }, "max_delay_seconds"},
		{"zero speed", func(s *vpslink.Settings) { s.TypingCPS = 0 }, "typing_cps"},
		{"bad clock", func(s *vpslink.Settings) { s.QuietEnd = "8:00" }, "quiet_end"},
		{"empty window", func(s *vpslink.Settings) { s.QuietHours, s.QuietStart, s.QuietEnd = true, "08:00", "08:00" }, "quiet_end"},
		{"unknown zone", func(s *vpslink.Settings) { s.DefaultTimezone = "Europe/Nowhere" }, "default_timezone"},
		{"negative rate", func(s *vpslink.Settings) { s.MaxSendsPerMinute = -1 }, "max_sends_per_minute"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := vpslink.DefaultSettings()
			tc.edit(&s)
			err := s.Validate()
			if got := vpslink.ErrorField(err); got != tc.field || (tc.field == "") != (err == nil) {
				t.Fatalf("err %v, want field %q", err, tc.field)
			}
		})
	}
}

func TestSettings_SetValue(t *testing.T) {
	s := vpslink.DefaultSettings()
	for _, tc := range []struct{ name, value, field string }{
		{"typing_cps", "6.5", ""},
		{"quiet_start", "21:00", ""},
		{"quiet_start", `"21:30"`, ""},
		{"humanize", "yes", "humanize"},
		{"max_retries", "1.5", "max_retries"},
		{"nope", "1", "nope"},
	} {
		if err := s.SetValue(tc.name, tc.value); vpslink.ErrorField(err) != tc.field {
			t.Errorf("%s=%s: %v", tc.name, tc.value, err)
		}
	}
	if s.TypingCPS != 6.5 || s.QuietStart != "21:30" {
		t.Fatalf("%+v", s)
	}
}
