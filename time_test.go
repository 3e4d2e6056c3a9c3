package vpslink_test

import (
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

func TestParseUserTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want string // UTC, or "" for an error
	}{
		{"2026-12-31T23:59:00+01:00", nil, "2026-12-31T22:59:00.000Z"},
		{"2026-12-31T22:59:00Z", berlin, "2026-12-31T22:59:00.000Z"},
		{"2026-12-31T22:59:00.1234Z", nil, "2026-12-31T22:59:00.123Z"},
		{"2026-12-31 23:59", berlin, "2026-12-31T22:59:00.000Z"},
		{"2026-07-01T12:00", berlin, "2026-07-01T10:00:00.000Z"},
		{"2026-12-31 23:59:30", time.UTC, "2026-12-31T23:59:30.000Z"},
		{"2026-12-31 23:59", nil, ""},
		{"31.12.2026 23:59", berlin, ""},
		{"2026-02-30 10:00", berlin, ""},
		{"", berlin, ""},
		{"tomorrow", berlin, ""},
	} {
		got, err := vpslink.ParseUserTime("scheduled_at", tc.in, tc.loc)
		if tc.want == "" {
			if err == nil || vpslink.ErrorField(err) != "scheduled_at" {
				t.Errorf("ParseUserTime(%q) = %v, %v; want an error naming the field", tc.in, got, err)
			}
			continue
		}
		if err != nil || vpslink.FormatTime(got) != tc.want {
			t.Errorf("ParseUserTime(%q) = %s, %v; want %s", tc.in, vpslink.FormatTime(got), err, tc.want)
		}
	}
}

func TestParseStoredTime(t *testing.T) {
	for _, in := range []string{"2026-12-31T22:59:00.000Z", "2026-12-31 22:59:00", "2026-12-31T23:59:00+01:00", "2026-12-31T22:59:00"} {
		got, err := vpslink.ParseStoredTime(in)
		if err != nil || vpslink.FormatTime(got) != "2026-12-31T22:59:00.000Z" {
			t.Errorf("ParseStoredTime(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := vpslink.ParseStoredTime("soon"); err == nil {
		t.Error("parsed garbage")
	}
}

func TestLoadLocation(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"Europe/Berlin", true}, {"", true}, {"UTC", true}, {"Local", false}, {"Mars/Base", false}, {"../../etc/passwd", false}, {"/etc/localtime", false}} {
		if _, err := vpslink.LoadLocation("timezone", tc.in); (err == nil) != tc.ok {
			t.Errorf("LoadLocation(%q): %v", tc.in, err)
		}
	}
}

func FuzzParseUserTime(f *testing.F) {
	for _, s := range []string{"2026-12-31T23:59:00+01:00", "2026-12-31 23:59", "2026-12-31T23:59", "x", "2026-13-01 00:00"} {
		f.Add(s)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := vpslink.ParseUserTime("at", s, berlin)
		if err != nil {
			return
		}
		// What is accepted must survive the store's round trip.
		back, err := vpslink.ParseStoredTime(vpslink.FormatTime(got))
		if err != nil || !back.Equal(got.Truncate(time.Millisecond)) {
			t.Fatalf("%q -> %v -> %v, %v", s, got, back, err)
		}
	})
}
