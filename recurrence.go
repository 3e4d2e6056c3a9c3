package vpslink

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Recurrence frequencies: the FREQ values of the RRULE subset vpslink reads.
const (
	RepeatDaily   = "DAILY"
	RepeatWeekly  = "WEEKLY"
	RepeatMonthly = "MONTHLY"
	RepeatYearly  = "YEARLY"
)

// maxInterval bounds INTERVAL: a gap of more than a thousand periods is a
// typing mistake, and the bound keeps occurrence arithmetic far from overflow.
const maxInterval = 1000

// Recurrence is a parsed RFC 5545 RRULE, restricted to the subset described
// in docs/sending.md: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, BYDAY
// (weekly only, plain weekdays), BYMONTHDAY (monthly only, 1..31 or -31..-1),
// and at most one of COUNT and UNTIL. Occurrences keep the first
// occurrence's local time of day in the recipient's time zone.
type Recurrence struct {
	Freq       string
	Interval   int
	ByDay      []time.Weekday
	ByMonthDay []int
	// Count is the number of occurrences of the series, 0 for no limit.
	Count int
	// Until is the last instant an occurrence may have; with UntilDate it
	// is a calendar date in the recipient's time zone, inclusive.
	Until     time.Time
	UntilDate bool
}

var weekdayCodes = []string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// ParseRecurrence parses rule, an RRULE value such as
// "FREQ=WEEKLY;BYDAY=MO,TH" (a leading "RRULE:" is allowed). field names
// the input in the error.
func ParseRecurrence(field, rule string) (*Recurrence, error) {
	rule = strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	if rule == "" {
		return nil, FieldError(field, "is empty")
	}
	r := &Recurrence{Interval: 1}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(rule, ";") {
		name, value, ok := strings.Cut(part, "=")
		name = strings.ToUpper(strings.TrimSpace(name))
		value = strings.ToUpper(strings.TrimSpace(value))
		if !ok || value == "" {
			return nil, FieldError(field, "%q is not NAME=VALUE", part)
		}
		if seen[name] {
			return nil, FieldError(field, "%s is given twice", name)
		}
		seen[name] = true
		if err := r.set(field, name, value); err != nil {
			return nil, err
		}
	}
	return r, r.check(field)
}

func (r *Recurrence) set(field, name, value string) error {
	var err error
	switch name {
	case "FREQ":
		if !slices.Contains([]string{RepeatDaily, RepeatWeekly, RepeatMonthly, RepeatYearly}, value) {
			return FieldError(field, "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
		}
		r.Freq = value
	case "INTERVAL":
		r.Interval, err = ruleNumber(field, name, value, 1, maxInterval)
	case "COUNT":
		r.Count, err = ruleNumber(field, name, value, 1, 10000)
	case "UNTIL":
		r.Until, r.UntilDate, err = parseUntil(field, value)
	case "BYDAY":
		for code := range strings.SplitSeq(value, ",") {
			d := slices.Index(weekdayCodes, code)
			if d < 0 {
				return FieldError(field, "BYDAY %q is not one of MO, TU, WE, TH, FR, SA, SU", code)
			}
			if !slices.Contains(r.ByDay, time.Weekday(d)) {
				r.ByDay = append(r.ByDay, time.Weekday(d))
			}
		}
	case "BYMONTHDAY":
		for s := range strings.SplitSeq(value, ",") {
			d, err := ruleNumber(field, name, s, -31, 31)
			if err != nil {
				return err
			}
			if d == 0 {
				return FieldError(field, "BYMONTHDAY must be 1..31 or -31..-1")
			}
			if !slices.Contains(r.ByMonthDay, d) {
				r.ByMonthDay = append(r.ByMonthDay, d)
			}
		}
	case "WKST":
		if value != "MO" {
			return FieldError(field, "only WKST=MO is supported")
		}
	default:
		return FieldError(field, "%s is not supported (supported: FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL)", name)
	}
	return err
}

func (r *Recurrence) check(field string) error {
	switch {
	case r.Freq == "":
		return FieldError(field, "FREQ is required")
	case len(r.ByDay) > 0 && r.Freq != RepeatWeekly:
		return FieldError(field, "BYDAY is supported with FREQ=WEEKLY only")
	case len(r.ByMonthDay) > 0 && r.Freq != RepeatMonthly:
		return FieldError(field, "BYMONTHDAY is supported with FREQ=MONTHLY only")
	case r.Count > 0 && !r.Until.IsZero():
		return FieldError(field, "COUNT and UNTIL cannot both be given")
	}
	return nil
}

func ruleNumber(field, name, s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, FieldError(field, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

// parseUntil reads UNTIL as a UTC date-time (20271231T090000Z) or a date
// (20271231), the latter inclusive in the recipient's time zone.
func parseUntil(field, s string) (time.Time, bool, error) {
	if t, err := time.Parse("20060102T150405Z", s); err == nil {
		return t, false, nil
	}
	if t, err := time.Parse("20060102", s); err == nil {
		return t, true, nil
	}
	return time.Time{}, false, FieldError(field, "UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ")
}

// String renders r in canonical RRULE form, so that equal rules are stored
// with equal text.
func (r *Recurrence) String() string {
	parts := []string{"FREQ=" + r.Freq}
	if r.Interval > 1 {
		parts = append(parts, "INTERVAL="+strconv.Itoa(r.Interval))
	}
	if len(r.ByDay) > 0 {
		days := slices.Clone(r.ByDay)
		slices.SortFunc(days, func(a, b time.Weekday) int { return mondayFirst(a) - mondayFirst(b) })
		codes := make([]string, len(days))
		for i, d := range days {
			codes[i] = weekdayCodes[d]
		}
		parts = append(parts, "BYDAY="+strings.Join(codes, ","))
	}
	if len(r.ByMonthDay) > 0 {
		days := make([]string, len(r.ByMonthDay))
		for i, d := range r.ByMonthDay {
			days[i] = strconv.Itoa(d)
		}
		parts = append(parts, "BYMONTHDAY="+strings.Join(days, ","))
	}
	if r.Count > 0 {
		parts = append(parts, "COUNT="+strconv.Itoa(r.Count))
	}
	if !r.Until.IsZero() {
		layout := "20060102T150405Z"
		if r.UntilDate {
			layout = "20060102"
		}
		parts = append(parts, "UNTIL="+r.Until.Format(layout))
	}
	return strings.Join(parts, ";")
}

// mondayFirst numbers weekdays from Monday (0) to Sunday (6): weeks start
// on Monday, as RRULE's default WKST says.
func mondayFirst(d time.Weekday) int { return (int(d) + 6) % 7 }

// Occurrence returns the n-th occurrence (1 is start itself) of the series
// that starts at start, computed on the calendar of loc (nil: UTC), and
// false when the series has ended before it (COUNT or UNTIL). Each
// occurrence has start's local time of day in loc, whatever the UTC offset
// that day: 09:00 stays 09:00 across daylight saving changes. A date that
// a month lacks is moved to the month's last day: monthly on the 31st goes
// on 30 April, yearly on 29 February on 28 February in common years.
func (r *Recurrence) Occurrence(start time.Time, loc *time.Location, n int) (time.Time, bool) {
	if n < 1 || (r.Count > 0 && n > r.Count) {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	if n == 1 {
		// The first occurrence is the start itself, as DTSTART is in RFC
		// 5545, even when it does not match BYDAY or BYMONTHDAY.
		return start.UTC(), true
	}
	local := start.In(loc)
	seen := 1
	// Each period (a day, week, month or year times INTERVAL) yields its
	// dates in order; those up to start are not further occurrences. Every
	// period has a date, so the loop ends.
	for p := 0; ; p++ {
		for _, t := range r.period(local, p) {
			if !t.After(start) {
				continue
			}
			if r.after(t, loc) || t.UTC().Year() > lastYear {
				return time.Time{}, false
			}
			if seen++; seen == n {
				return t.UTC(), true
			}
		}
	}
}

// Next returns the occurrences numbered n, n+1, ... up to limit of them,
// fewer when the series ends first.
func (r *Recurrence) Next(start time.Time, loc *time.Location, n, limit int) []time.Time {
	var out []time.Time
	for i := n; len(out) < limit; i++ {
		t, ok := r.Occurrence(start, loc, i)
		if !ok {
			break
		}
		out = append(out, t)
	}
	return out
}

// after reports whether t is past UNTIL.
func (r *Recurrence) after(t time.Time, loc *time.Location) bool {
	if r.Until.IsZero() {
		return false
	}
	if r.UntilDate {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(r.Until)
	}
	return t.After(r.Until)
}

// period returns the candidate times of period p of the series starting at
// local, in order.
func (r *Recurrence) period(local time.Time, p int) []time.Time {
	y, m, d := local.Date()
	at := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, local.Hour(), local.Minute(), local.Second(), 0, local.Location())
	}
	step := p * r.Interval
	switch r.Freq {
	case RepeatDaily:
		return []time.Time{at(y, m, d+step)}
	case RepeatWeekly:
		monday := d - mondayFirst(local.Weekday()) + 7*step
		days := r.ByDay
		if len(days) == 0 {
			days = []time.Weekday{local.Weekday()}
		}
		out := make([]time.Time, 0, len(days))
		for _, wd := range days {
			out = append(out, at(y, m, monday+mondayFirst(wd)))
		}
		slices.SortFunc(out, time.Time.Compare)
		return out
	case RepeatMonthly:
		first := time.Date(y, m+time.Month(step), 1, 0, 0, 0, 0, time.UTC)
		last := daysIn(first.Year(), first.Month())
		days := r.ByMonthDay
		if len(days) == 0 {
			days = []int{d}
		}
		var picked []int
		for _, want := range days {
			day := min(want, last)
			if want < 0 {
				day = max(last+1+want, 1)
			}
			if !slices.Contains(picked, day) {
				picked = append(picked, day)
			}
		}
		slices.Sort(picked)
		out := make([]time.Time, len(picked))
		for i, day := range picked {
			out[i] = at(first.Year(), first.Month(), day)
		}
		return out
	default: // RepeatYearly
		year := y + step
		return []time.Time{at(year, m, min(d, daysIn(year, m)))}
	}
}

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Repeats are the simple choices a form or flag offers, each a rule.
var Repeats = []string{"daily", "weekly", "monthly", "yearly"}

// RepeatRule returns the rule of repeat ("" for none, or one of Repeats)
// combined with rule, an RRULE typed in full; giving both is refused.
// field names the input in errors.
func RepeatRule(field, repeat, rule string) (string, error) {
	switch {
	case repeat == "":
		return rule, nil
	case rule != "":
		return "", FieldError(field, "give a repeat or a rule, not both")
	case !slices.Contains(Repeats, repeat):
		return "", FieldError(field, "must be one of %s", strings.Join(Repeats, ", "))
	}
	return "FREQ=" + strings.ToUpper(repeat), nil
}

// Describe says r in plain words, for lists and pages: "every 2 weeks on
// Monday and Thursday, 10 times".
func (r *Recurrence) Describe() string {
	unit := map[string]string{RepeatDaily: "day", RepeatWeekly: "week", RepeatMonthly: "month", RepeatYearly: "year"}[r.Freq]
	s := "every " + unit
	if r.Interval > 1 {
		s = "every " + strconv.Itoa(r.Interval) + " " + unit + "s"
	}
	var on []string
	if len(r.ByDay) > 0 {
		days := slices.Clone(r.ByDay)
		slices.SortFunc(days, func(a, b time.Weekday) int { return mondayFirst(a) - mondayFirst(b) })
		for _, d := range days {
			on = append(on, d.String())
		}
	}
	for _, d := range r.ByMonthDay {
		switch {
		case d == -1:
			on = append(on, "the last day")
		case d < 0:
			on = append(on, "day "+strconv.Itoa(-d)+" from the end")
		default:
			on = append(on, "day "+strconv.Itoa(d))
		}
	}
	if len(on) > 0 {
		s += " on " + strings.Join(on[:len(on)-1], ", ")
		if len(on) > 1 {
			s += " and "
		}
		s += on[len(on)-1]
	}
	switch {
	case r.Count == 1:
		s += ", once"
	case r.Count > 1:
		s += ", " + strconv.Itoa(r.Count) + " times"
	case !r.Until.IsZero():
		s += ", until " + r.Until.Format("2006-01-02")
	}
	return s
}

// RepeatText describes the rule of the series m carries, "" when it
// carries none.
func (m *ScheduledMessage) RepeatText() string {
	if r, _ := m.rule(); r != nil {
		return r.Describe()
	}
	return ""
}
