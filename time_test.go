package vpslink_test

import (
	"strings"
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

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		7*time.Hour + 12*time.Minute + 20*time.Second: "7h12m",
		3*time.Minute + 5*time.Second:                 "3m5s",
		42 * time.Second:                              "42s",
		52 * time.Hour:                                "2d4h",
	} {
		if got := vpslink.HumanDuration(d); got != want {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
}

func TestParseScheduleTime(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string
	}{
		{"now", now, ""},
		{" NOW ", now, ""},
		{"2026-11-27T11:59:30Z", now.Add(-30 * time.Second), ""},
		{"2026-11-28T09:00:00Z", time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC), ""},
		{"2026-11-27T11:58:00Z", time.Time{}, "is 2m0s in the past"},
		{"2025-12-24 09:00", time.Time{}, "is 338d3h in the past"},
		{"9999-12-31T23:00:00Z", time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC), ""},
		{"9999-12-31T23:00:00-05:00", time.Time{}, "after the year 9999"},
	} {
		got, err := vpslink.ParseScheduleTime("scheduled_at", tc.in, time.UTC, now)
		switch {
		case tc.err == "" && (err != nil || !got.Equal(tc.want)):
			t.Errorf("%q: %v %v, want %v", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)),
			strings.Contains(tc.err, "past") && !strings.Contains(err.Error(), `"now"`):
			t.Errorf("%q: %v, want an error with %q", tc.in, err, tc.err)
		}
	}
}
