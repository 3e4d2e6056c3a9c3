package vpslink_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

func TestRecurrence_Occurrences(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		rule  string
		start time.Time
		loc   *time.Location
		want  []string // RFC 3339, in loc
	}{
		{"daily keeps 09:00 across the spring DST change", "FREQ=DAILY",
			time.Date(2027, 3, 27, 9, 0, 0, 0, berlin), berlin,
			[]string{"2027-03-27T09:00:00+01:00", "2027-03-28T09:00:00+02:00", "2027-03-29T09:00:00+02:00"}},
		{"weekly keeps 09:00 across the autumn DST change", "FREQ=WEEKLY",
			time.Date(2027, 10, 29, 9, 0, 0, 0, ny), ny,
			[]string{"2027-10-29T09:00:00-04:00", "2027-11-05T09:00:00-04:00", "2027-11-12T09:00:00-05:00"}},
		{"yearly on 29 February goes on 28 February in common years", "FREQ=YEARLY",
			time.Date(2028, 2, 29, 8, 0, 0, 0, time.UTC), nil,
			[]string{"2028-02-29T08:00:00Z", "2029-02-28T08:00:00Z", "2030-02-28T08:00:00Z", "2031-02-28T08:00:00Z", "2032-02-29T08:00:00Z"}},
		{"monthly on the 31st uses the month's last day", "FREQ=MONTHLY",
			time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC), nil,
			[]string{"2027-01-31T10:00:00Z", "2027-02-28T10:00:00Z", "2027-03-31T10:00:00Z", "2027-04-30T10:00:00Z"}},
		{"monthly on the last day with a count", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3",
			time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC), nil,
			[]string{"2027-01-31T10:00:00Z", "2027-02-28T10:00:00Z", "2027-03-31T10:00:00Z"}},
		{"monthly on two days", "FREQ=MONTHLY;BYMONTHDAY=15,1",
			time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC), nil,
			[]string{"2027-01-01T10:00:00Z", "2027-01-15T10:00:00Z", "2027-02-01T10:00:00Z", "2027-02-15T10:00:00Z"}},
		{"weekly on Monday and Thursday", "FREQ=WEEKLY;BYDAY=TH,MO",
			time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), nil, // a Monday
			[]string{"2027-01-04T09:00:00Z", "2027-01-07T09:00:00Z", "2027-01-11T09:00:00Z", "2027-01-14T09:00:00Z"}},
		{"weekly BYDAY starting off the rule counts the start first", "FREQ=WEEKLY;BYDAY=MO",
			time.Date(2027, 1, 6, 9, 0, 0, 0, time.UTC), nil, // a Wednesday
			[]string{"2027-01-06T09:00:00Z", "2027-01-11T09:00:00Z", "2027-01-18T09:00:00Z"}},
		{"every second week", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
			time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC), nil, // a Friday
			[]string{"2027-01-01T09:00:00Z", "2027-01-15T09:00:00Z", "2027-01-29T09:00:00Z"}},
		{"every third day", "FREQ=DAILY;INTERVAL=3",
			time.Date(2027, 12, 30, 9, 0, 0, 0, time.UTC), nil,
			[]string{"2027-12-30T09:00:00Z", "2028-01-02T09:00:00Z", "2028-01-05T09:00:00Z"}},
		{"count ends the series", "FREQ=DAILY;COUNT=2",
			time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC), nil,
			[]string{"2027-01-01T09:00:00Z", "2027-01-02T09:00:00Z"}},
		{"until as a date is inclusive in the recipient's zone", "FREQ=DAILY;UNTIL=20270103",
			time.Date(2027, 1, 1, 23, 30, 0, 0, berlin), berlin,
			[]string{"2027-01-01T23:30:00+01:00", "2027-01-02T23:30:00+01:00", "2027-01-03T23:30:00+01:00"}},
		{"until as a UTC time", "FREQ=DAILY;UNTIL=20270102T090000Z",
			time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC), nil,
			[]string{"2027-01-01T09:00:00Z", "2027-01-02T09:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := vpslink.ParseRecurrence("recurrence", tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Next(tt.start, tt.loc, 1, len(tt.want)+1)
			loc := tt.loc
			if loc == nil {
				loc = time.UTC
			}
			var gotS []string
			for _, g := range got {
				if g.Location() != time.UTC {
					t.Errorf("occurrence %v is not in UTC", g)
				}
				gotS = append(gotS, g.In(loc).Format(time.RFC3339))
			}
			if len(gotS) > len(tt.want) && !isEnded(tt.rule) {
				gotS = gotS[:len(tt.want)]
			}
			if len(gotS) != len(tt.want) {
				t.Fatalf("got %v, want %v", gotS, tt.want)
			}
			for i := range gotS {
				if gotS[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", gotS, tt.want)
				}
			}
		})
	}
}

// A series ends with year 9999: RFC 3339 has no later time to show or
// store.
func TestRecurrence_EndsAtYear9999(t *testing.T) {
	r, err := vpslink.ParseRecurrence("recurrence", "FREQ=YEARLY")
	if err != nil {
		t.Fatal(err)
	}
	got := r.Next(time.Date(9998, 6, 1, 10, 0, 0, 0, time.UTC), nil, 1, 5)
	if len(got) != 2 || got[1].Year() != 9999 {
		t.Fatalf("occurrences %v, want 9998 and 9999 only", got)
	}
}

// isEnded reports whether the rule has an end, so the test expects no
// occurrence after its list.
func isEnded(rule string) bool {
	return strings.Contains(rule, "COUNT=") || strings.Contains(rule, "UNTIL=")
}

func TestParseRecurrence(t *testing.T) {
	tests := []struct {
		rule, want, err string
	}{
		{rule: "FREQ=YEARLY", want: "FREQ=YEARLY"},
		{rule: "RRULE:freq=weekly;byday=th,mo;interval=1", want: "FREQ=WEEKLY;BYDAY=MO,TH"},
		{rule: "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12", want: "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12"},
		{rule: "FREQ=DAILY;INTERVAL=2;UNTIL=20271231T235959Z", want: "FREQ=DAILY;INTERVAL=2;UNTIL=20271231T235959Z"},
		{rule: "", err: "is empty"},
		{rule: "INTERVAL=2", err: "FREQ is required"},
		{rule: "FREQ=HOURLY", err: "FREQ must be"},
		{rule: "FREQ=DAILY;BYDAY=MO", err: "BYDAY is supported with FREQ=WEEKLY only"},
		{rule: "FREQ=WEEKLY;BYMONTHDAY=1", err: "BYMONTHDAY is supported with FREQ=MONTHLY only"},
		{rule: "FREQ=MONTHLY;BYMONTHDAY=0", err: "BYMONTHDAY must be"},
		{rule: "FREQ=MONTHLY;BYMONTHDAY=32", err: "BYMONTHDAY must be"},
		{rule: "FREQ=WEEKLY;BYDAY=1MO", err: "BYDAY"},
		{rule: "FREQ=DAILY;COUNT=2;UNTIL=20270101", err: "COUNT and UNTIL"},
		{rule: "FREQ=DAILY;COUNT=0", err: "COUNT must be"},
		{rule: "FREQ=DAILY;INTERVAL=1001", err: "INTERVAL must be"},
		{rule: "FREQ=DAILY;FREQ=WEEKLY", err: "given twice"},
		{rule: "FREQ=DAILY;BYHOUR=9", err: "BYHOUR is not supported"},
		{rule: "FREQ=DAILY;UNTIL=tomorrow", err: "UNTIL must be"},
		{rule: "FREQ", err: "NAME=VALUE"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r, err := vpslink.ParseRecurrence("recurrence", tt.rule)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || vpslink.ErrorCode(err) != vpslink.EINVALID {
					t.Fatalf("err = %v, want %q (invalid)", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzParseRecurrence(f *testing.F) {
	for _, s := range []string{"FREQ=YEARLY", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12", "FREQ=DAILY;UNTIL=20270101"} {
		f.Add(s)
	}
	start := time.Date(2027, 1, 31, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := vpslink.ParseRecurrence("recurrence", s)
		if err != nil {
			return
		}
		again, err := vpslink.ParseRecurrence("recurrence", r.String())
		if err != nil || again.String() != r.String() {
			t.Fatalf("%q: canonical form %q does not parse back the same (%v)", s, r.String(), err)
		}
		prev := start
		for _, occ := range r.Next(start, nil, 1, 5)[1:] {
			if !occ.After(prev) {
				t.Fatalf("%q: occurrence %v not after %v", s, occ, prev)
			}
			prev = occ
		}
	})
}

func TestRecurrence_Describe(t *testing.T) {
	for rule, want := range map[string]string{
		"FREQ=DAILY":                          "every day",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH,MO":  "every 2 weeks on Monday and Thursday",
		"FREQ=WEEKLY;BYDAY=MO,WE,FR":          "every week on Monday, Wednesday and Friday",
		"FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12": "every month on the last day, 12 times",
		"FREQ=MONTHLY;BYMONTHDAY=1,-3":        "every month on day 1 and day 3 from the end",
		"FREQ=YEARLY;UNTIL=20301231":          "every year, until 2030-12-31",
		"FREQ=YEARLY;COUNT=1":                 "every year, once",
	} {
		r, err := vpslink.ParseRecurrence("recurrence", rule)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Describe(); got != want {
			t.Errorf("%s: %q, want %q", rule, got, want)
		}
	}
}
