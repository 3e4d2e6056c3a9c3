package importer

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Layouts of legacy time strings that carry their offset. The legacy app
// wrote toISOString() (UTC, "Z"), but older records and hand edits hold
// offsets, a space instead of the "T", or JavaScript's Date.toString().
var offsetLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"Mon Jan 02 2006 15:04:05 GMT-0700",
	time.RFC1123,
	time.RFC1123Z,
}

// naiveLayouts have no offset: they are read as UTC and reported.
var naiveLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// jsDateComment is the "(Central European Standard Time)" that
// Date.toString() appends.
var jsDateComment = regexp.MustCompile(`\s*\([^)]*\)$`)

// earliest and latest bound accepted times: anything outside is a unit
// mistake or garbage, and would not fit the fixed-width stored form.
var (
	earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// parseTime reads a legacy time: an ISO-like string (offsets honoured), Unix
// seconds or milliseconds as a number or numeric string, or a protobuf Long
// {"low":N,"high":N}. Absent and null give the zero time. The result is UTC,
// truncated to milliseconds like every stored time.
func parseTime(raw json.RawMessage) (t time.Time, naive bool, err error) {
	kind := kindOf(raw)
	if kind == "nothing" || kind == "null" {
		return time.Time{}, false, nil
	}
	if kind == "a string" {
		s, _ := asString(raw)
		if s == "" {
			return time.Time{}, false, nil
		}
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return parseTimeString(s)
		}
	}
	n, _, err := asInt(raw)
	if err != nil {
		return time.Time{}, false, err
	}
	return unixTime(n)
}

func parseTimeString(s string) (time.Time, bool, error) {
	s = jsDateComment.ReplaceAllString(s, "")
	for _, layout := range offsetLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return checkRange(t, false)
		}
	}
	for _, layout := range naiveLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return checkRange(t, true)
		}
	}
	return time.Time{}, false, fmt.Errorf("%q is not a time", s)
}

// unixTime reads n as Unix milliseconds when it is too large to be seconds
// of a plausible date, else as seconds.
func unixTime(n int64) (time.Time, bool, error) {
	if n >= 1e11 || n <= -1e11 {
		return checkRange(time.UnixMilli(n), false)
	}
	return checkRange(time.Unix(n, 0), false)
}

func checkRange(t time.Time, naive bool) (time.Time, bool, error) {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Before(earliest) || t.After(latest) {
		return time.Time{}, false, fmt.Errorf("%s is out of range", strings.TrimSuffix(t.Format(time.RFC3339), "Z"))
	}
	return t, naive, nil
}
