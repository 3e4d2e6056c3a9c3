package vpslink

import (
	"testing"
	"time"
)

// The fast path for the stored form agrees with time.Parse on every input
// it accepts, and leaves the rest to it.
func FuzzParseStoredTime(f *testing.F) {
	for _, s := range []string{"2026-12-31T23:59:59.999Z", "2024-02-29T00:00:00.000Z", "2025-02-29T00:00:00.000Z",
		"2026-04-31T10:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-12-01T24:00:00.000Z", "2026-12-01T10:00:60.000Z",
		"2026-12-01 10:00", "+026-12-01T10:00:00.000Z", "2026-12-01T10:00:00.00-Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseStoredTime(s)
		want, wantErr := time.Parse(TimeFormat, s)
		if wantErr == nil && (err != nil || !got.Equal(want)) {
			t.Fatalf("ParseStoredTime(%q) = %v, %v; time.Parse says %v", s, got, err, want)
		}
		if fast, ok := parseTimeFormat(s); ok && (wantErr != nil || !fast.Equal(want)) {
			t.Fatalf("fast path accepts %q as %v; time.Parse says %v, %v", s, fast, want, wantErr)
		}
	})
}
