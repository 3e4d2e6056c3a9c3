package replicator

import (
	"testing"
	"time"
)

func TestParseSnapshotName(t *testing.T) {
	for _, tt := range []struct {
		name string
		want time.Time
		ok   bool
	}{
		{"whatsapp_20261127_130000.db.gz", time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC), true},
		{"backups/whatsapp_20240229_235959.db.gz", time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC), true},
		{"whatsapp_20230229_000000.db.gz", time.Time{}, false}, // no 29 February in 2023
		{"whatsapp_20261127_130000.db.gz.json", time.Time{}, false},
		{"whatsapp_20261127_130000.db", time.Time{}, false},
		{"whatsapp_2026112_7130000.db.gz", time.Time{}, false},
		{"whatsapp_20261127_1300000.db.gz", time.Time{}, false},
		{"whatsapp_20261127_250000.db.gz", time.Time{}, false},
		{"whatsapp-20261127-130000.db.gz", time.Time{}, false},
		{"whatsapp_20261127_130000.db.gz/", time.Time{}, false},
		{"notes.txt", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSnapshotName(tt.name)
			if ok := err == nil; ok != tt.ok {
				t.Fatalf("ParseSnapshotName(%q) error = %v, want ok=%v", tt.name, err, tt.ok)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("ParseSnapshotName(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

func TestSnapshotNameIsUTC(t *testing.T) {
	tz := time.FixedZone("UTC+2", 2*3600)
	if got, want := SnapshotName(time.Date(2026, 1, 1, 1, 30, 0, 0, tz)), "whatsapp_20251231_233000.db.gz"; got != want {
		t.Fatalf("SnapshotName = %q, want %q", got, want)
	}
}

// FuzzParseSnapshotName checks that every accepted name is canonical: it
// maps to exactly one UTC second and back to the same name.
func FuzzParseSnapshotName(f *testing.F) {
	for _, s := range []string{
		"whatsapp_20261127_130000.db.gz", "whatsapp_00000101_000000.db.gz",
		"whatsapp_+0261127_130000.db.gz", "x/whatsapp_99991231_235959.db.gz", "whatsapp_.db.gz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		ts, err := ParseSnapshotName(name)
		if err != nil {
			return
		}
		if ts.Location() != time.UTC || ts.Nanosecond() != 0 {
			t.Fatalf("ParseSnapshotName(%q) = %v: not a whole UTC second", name, ts)
		}
		again, err := ParseSnapshotName(SnapshotName(ts))
		if err != nil || !again.Equal(ts) {
			t.Fatalf("round trip of %q: %v, %v", name, again, err)
		}
	})
}
