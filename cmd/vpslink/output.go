package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vpslink/vpslink"
)

// table writes aligned columns to the app's stdout.
type table struct{ w *tabwriter.Writer }

func (a *app) table(headers ...string) *table {
	t := &table{w: tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)}
	t.row(anys(headers)...)
	return t
}

func (t *table) row(cols ...any) {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = cell(c)
	}
	fmt.Fprintln(t.w, strings.Join(parts, "\t"))
}

func (t *table) flush() error { return t.w.Flush() }

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// cell renders one value on one line, short enough for a terminal.
func cell(v any) string {
	var s string
	switch v := v.(type) {
	case time.Time:
		s = v.UTC().Format("2006-01-02 15:04:05Z")
	case *time.Time:
		if v == nil {
			return "-"
		}
		s = v.UTC().Format("2006-01-02 15:04:05Z")
	case bool:
		s = map[bool]string{true: "yes", false: "no"}[v]
	default:
		s = fmt.Sprint(v)
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	if s == "" {
		return "-"
	}
	return s
}

// detail writes "key: value" lines for one record.
func (a *app) detail(pairs ...any) {
	t := tabwriter.NewWriter(a.stdout, 0, 4, 1, ' ', 0)
	for i := 0; i+1 < len(pairs); i += 2 {
		v := pairs[i+1]
		s := fmt.Sprint(v)
		switch v := v.(type) {
		case time.Time, *time.Time, bool:
			s = cell(v)
		case []string:
			s = strings.Join(v, ", ")
		case []time.Time:
			cells := make([]string, len(v))
			for i, at := range v {
				cells[i] = cell(at)
			}
			s = strings.Join(cells, ", ")
		}
		fmt.Fprintf(t, "%s:\t%s\n", pairs[i], s)
	}
	t.Flush()
}

// flagError renames the field a validation error names to the flag the
// user typed it in, so that the message points at what to fix.
func flagError(err error, flags map[string]string) error {
	var e *vpslink.Error
	if !errors.As(err, &e) || flags[e.Field] == "" {
		return err
	}
	renamed := *e
	renamed.Field = flags[e.Field]
	return &renamed
}

// parseCLITime reads --at: "now", RFC 3339, or YYYY-MM-DD HH:MM in zone,
// else fallback (a contact's timezone), else the machine's zone; a time
// more than a minute in the past is refused.
func parseCLITime(field, s, zone, fallback string) (time.Time, error) {
	name := zone
	if name == "" {
		name = fallback
	}
	loc, err := vpslink.LoadLocation("--tz", name)
	if err != nil {
		return time.Time{}, err
	}
	if loc == nil {
		loc = time.Local
	}
	return vpslink.ParseScheduleTime(field, s, loc, time.Now())
}
