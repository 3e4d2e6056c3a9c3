package vpslink

import (
	"fmt"
	"strings"
	"time"
)

// TimeFormat is how every time is stored: UTC with fixed-width milliseconds,
// so that text order in SQLite is time order.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime formats t in UTC with TimeFormat.
func FormatTime(t time.Time) string {
	return t.UTC().Format(TimeFormat)
}

// FormatTimePtr formats t, or returns nil for a nil or zero time.
func FormatTimePtr(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return FormatTime(*t)
}

// ParseStoredTime parses a time read from the database. It accepts the
// fixed-width form and the looser forms other tools write (SQLite's
// "YYYY-MM-DD HH:MM:SS", RFC 3339 with an offset).
func ParseStoredTime(s string) (time.Time, error) {
	if t, ok := parseTimeFormat(s); ok {
		return t, nil
	}
	for _, layout := range storedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid stored time %q", s)
}

// parseTimeFormat reads the fixed-width TimeFormat without time.Parse,
// which costs more than the rest of reading a row; lists read thousands.
// Anything unusual (another form, an impossible date) is left to
// time.Parse.
func parseTimeFormat(s string) (time.Time, bool) {
	if len(s) != len(TimeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, milli := num(11, 13), num(14, 16), num(17, 19), num(20, 23)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 || milli < 0 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, milli*int(time.Millisecond), time.UTC)
	if t.Day() != day { // 31 April and the like: time.Date would roll over
		return time.Time{}, false
	}
	return t, true
}

var storedLayouts = []string{
	TimeFormat,
	time.RFC3339Nano,
	"2006-01-02 15:04:05.000",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
}

// localLayouts are the wall-clock forms a user may type with a time zone.
var localLayouts = []string{
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
}

// ParseUserTime parses a time typed by a user or sent by the web UI: RFC 3339
// with an offset, or a wall-clock time ("YYYY-MM-DD HH:MM") in loc. A
// wall-clock time without a location is an error, because guessing the zone
// is how messages go out an hour early.
func ParseUserTime(field, s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, FieldError(field, "is required")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC().Truncate(time.Millisecond), nil
	}
	for _, layout := range localLayouts {
		t, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil {
			continue
		}
		if loc == nil {
			return time.Time{}, FieldError(field, "%q has no UTC offset; give one or a timezone", s)
		}
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc).UTC(), nil
	}
	return time.Time{}, FieldError(field, "%q is not RFC 3339 (2026-12-31T23:59:00+01:00) or YYYY-MM-DD HH:MM", s)
}

// SendNow is the explicit way to say "send at once" where a schedule time
// is asked for.
const SendNow = "now"

// MaxScheduleLag is how far in the past a new schedule time may be: a
// client's clock and the time a request takes get this much slack, while
// a time further back is a mistake (a wrong year, an old form) that would
// otherwise be accepted and then failed at once as missed.
const MaxScheduleLag = time.Minute

// ParseScheduleTime reads a new schedule time as ParseUserTime does, or
// SendNow as now, and refuses a time more than MaxScheduleLag before now.
// Every way to schedule (API, CLI, web UI) calls it.
func ParseScheduleTime(field, s string, loc *time.Location, now time.Time) (time.Time, error) {
	if strings.EqualFold(strings.TrimSpace(s), SendNow) {
		return now.UTC().Truncate(time.Millisecond), nil
	}
	t, err := ParseUserTime(field, s, loc)
	if err != nil {
		return time.Time{}, err
	}
	return t, CheckScheduleTime(field, t, now)
}

// lastYear is the last year a time may have: RFC 3339, and so JSON, has
// four-digit years, and a later time could be neither shown nor stored. It
// ends every series too.
const lastYear = 9999

// CheckScheduleTime refuses a schedule time more than MaxScheduleLag
// before now, saying how far, and one past the year 9999 (in UTC: 23:00 on
// 31 December 9999 in New York is one).
func CheckScheduleTime(field string, t, now time.Time) error {
	if t.UTC().Year() > lastYear {
		return FieldError(field, "is after the year %d, the last that can be stored", lastYear)
	}
	if late := now.Sub(t); late > MaxScheduleLag {
		return FieldError(field, "%s is %s in the past; give a future time, or %q to send at once",
			t.UTC().Format(time.RFC3339), HumanDuration(late), SendNow)
	}
	return nil
}

// LoadLocation resolves an IANA time zone name, as a validation error naming
// field when it is unknown. An empty name returns nil.
func LoadLocation(field, name string) (*time.Location, error) {
	if name == "" {
		return nil, nil
	}
	if name == "Local" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, FieldError(field, "unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, FieldError(field, "unknown time zone %q", name)
	}
	return loc, nil
}

// HumanDuration renders d for a person, to two units: "7h12m", "3m5s",
// "2d4h".
func HumanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	const day = 24 * time.Hour
	switch {
	case d >= day:
		return fmt.Sprintf("%dd%dh", d/day, d%day/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%ds", d/time.Minute, d%time.Minute/time.Second)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}
