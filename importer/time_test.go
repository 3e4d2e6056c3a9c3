package importer

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	utc := func(s string) time.Time { return at(s) }
	tests := []struct {
		in    string
		want  time.Time
		naive bool
		err   bool
	}{
		{`"2026-12-01T09:00:00+01:00"`, utc("2026-12-01T08:00:00Z"), false, false},
		{`"2026-12-01T08:00:00.123456Z"`, utc("2026-12-01T08:00:00.123Z"), false, false},
		{`"2026-12-01 09:00:00+01:00"`, utc("2026-12-01T08:00:00Z"), false, false},
		{`"2026-12-01T09:00+0100"`, time.Time{}, false, true},
		{`"Thu Dec 10 2026 09:00:00 GMT-0500 (Eastern Standard Time)"`, utc("2026-12-10T14:00:00Z"), false, false},
		{`"Thu, 10 Dec 2026 14:00:00 GMT"`, utc("2026-12-10T14:00:00Z"), false, false},
		{`"2026-12-10 08:00"`, utc("2026-12-10T08:00:00Z"), true, false},
		{`"2026-12-10"`, utc("2026-12-10T00:00:00Z"), true, false},
		{`1795000000`, time.Unix(1795000000, 0).UTC(), false, false},
		{`1795000000123`, time.UnixMilli(1795000000123).UTC(), false, false},
		{`"1795000000"`, time.Unix(1795000000, 0).UTC(), false, false},
		{`{"low": 1795000000, "high": 0}`, time.Unix(1795000000, 0).UTC(), false, false},
		{`{"low": -2094967296, "high": 0, "unsigned": false}`, time.Unix(2200000000, 0).UTC(), false, false},
		{`null`, time.Time{}, false, false},
		{`""`, time.Time{}, false, false},
		{`0`, time.Time{}, false, true},
		{`1795000000.5`, time.Time{}, false, true},
		{`"tomorrow"`, time.Time{}, false, true},
		{`{"high": 1}`, time.Time{}, false, true},
		{`[1]`, time.Time{}, false, true},
		{`true`, time.Time{}, false, true},
		{`99999999999999999999`, time.Time{}, false, true},
	}
	for _, tt := range tests {
		got, naive, err := parseTime(json.RawMessage(tt.in))
		if (err != nil) != tt.err || !got.Equal(tt.want) || naive != tt.naive {
			t.Errorf("%s: %v %v %v, want %v %v err=%v", tt.in, got, naive, err, tt.want, tt.naive, tt.err)
		}
	}
}
