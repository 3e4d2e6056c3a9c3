package vpslink_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

func TestJobValidate(t *testing.T) {
	valid := func() vpslink.Job {
		delay := 5.0
		return vpslink.Job{Title: "Greetings", Recipients: []string{"+49 151 1234 5678", "120363012345678901@g.us"},
			MessageParts: []vpslink.MessagePart{{Text: "Hello", DelayAfterSeconds: &delay}, {Text: "🎄"}},
			Config:       vpslink.JobConfig{RecipientGapSeconds: 10, MaxRetries: 1}}
	}
	repeat := func(s string, n int) []string { return strings.Split(strings.Repeat(s+"\n", n-1)+s, "\n") }
	parts := func(n int) []vpslink.MessagePart {
		out := make([]vpslink.MessagePart, n)
		for i := range out {
			out[i].Text = "part"
		}
		return out
	}
	negative, tooLong, fraction := -1.0, 86400.5, 2.5
	for _, tc := range []struct {
		name  string
		edit  func(j *vpslink.Job)
		field string // "" when valid
	}{
		{"valid", func(j *vpslink.Job) {}, ""},
		{"10000 recipients and 100 parts", func(j *vpslink.Job) {
			j.Recipients, j.MessageParts = repeat("4915112345678", 10000), parts(100)
		}, ""},
		{"title too long", func(j *vpslink.Job) { j.Title = strings.Repeat("t", 201) }, "title"},
		{"no recipients", func(j *vpslink.Job) { j.Recipients = nil }, "recipients"},
		{"too many recipients", func(j *vpslink.Job) { j.Recipients = repeat("4915112345678", 10001) }, "recipients"},
		{"bad recipient", func(j *vpslink.Job) { j.Recipients[1] = "x@g.us" }, "recipients[1]"},
		{"group by name", func(j *vpslink.Job) { j.Recipients = append(j.Recipients, "group:Family") }, ""},
		{"group without a name", func(j *vpslink.Job) { j.Recipients[1] = "group: " }, "recipients[1]"},
		{"no parts", func(j *vpslink.Job) { j.MessageParts = nil }, "message_parts"},
		{"too many parts", func(j *vpslink.Job) { j.MessageParts = parts(101) }, "message_parts"},
		{"empty part", func(j *vpslink.Job) { j.MessageParts[1].Text = "" }, "message_parts[1].text"},
		{"negative delay", func(j *vpslink.Job) { j.MessageParts[0].DelayAfterSeconds = &negative }, "message_parts[0].delayAfterSeconds"},
		{"delay over a day", func(j *vpslink.Job) { j.MessageParts[0].DelayAfterSeconds = &tooLong }, "message_parts[0].delayAfterSeconds"},
		{"fractional delay", func(j *vpslink.Job) { j.MessageParts[0].DelayAfterSeconds = &fraction }, ""},
		{"negative gap", func(j *vpslink.Job) { j.Config.RecipientGapSeconds = -1 }, "config.recipientGapSeconds"},
		{"negative retries", func(j *vpslink.Job) { j.Config.MaxRetries = -1 }, "config.maxRetries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := valid()
			tc.edit(&j)
			checkValidation(t, j.Validate(), tc.field)
			if tc.field == "" {
				if j.Recipients[0] != "4915112345678@s.whatsapp.net" {
					t.Errorf("recipient %q not normalised to a JID", j.Recipients[0])
				}
			}
		})
	}
}

// A fractional delay is kept to the millisecond, the precision of stored
// times, and the scheduler's Delay is exactly that.
func TestMessagePart_Delay(t *testing.T) {
	for _, tc := range []struct {
		given float64
		want  time.Duration
	}{
		{2.5, 2500 * time.Millisecond},
		{0.0004, 0},
		{1.0006, 1001 * time.Millisecond},
		{30, 30 * time.Second},
	} {
		j := vpslink.Job{Recipients: []string{"4915112345678"}, MessageParts: []vpslink.MessagePart{{Text: "a", DelayAfterSeconds: &tc.given}, {Text: "b"}}}
		if err := j.Validate(); err != nil {
			t.Fatalf("%v: %v", tc.given, err)
		}
		if d, ok := j.MessageParts[0].Delay(); !ok || d != tc.want || *j.MessageParts[0].DelayAfterSeconds != tc.want.Seconds() {
			t.Errorf("delay %v: %v %v (stored %v), want %v", tc.given, d, ok, *j.MessageParts[0].DelayAfterSeconds, tc.want)
		}
		if _, ok := j.MessageParts[1].Delay(); ok {
			t.Errorf("a part without a delay has one")
		}
	}
}

func TestParseDelaySeconds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"3", 3, true}, {" 2.5 ", 2.5, true}, {"0", 0, true}, {"86400", 86400, true},
		{"-1", 0, false}, {"86401", 0, false}, {"NaN", 0, false}, {"Inf", 0, false}, {"", 0, false}, {"2,5", 0, false},
	} {
		got, err := vpslink.ParseDelaySeconds("part_delay", tc.in)
		if tc.ok && (err != nil || got != tc.want) || !tc.ok && vpslink.ErrorField(err) != "part_delay" {
			t.Errorf("%q: %v, %v", tc.in, got, err)
		}
	}
}

func TestJobValidate_DropsRepeatedRecipients(t *testing.T) {
	j := vpslink.Job{Recipients: []string{"+49 151 1234 5678", "120363012345678901@g.us", "4915112345678@s.whatsapp.net",
		" 120363012345678901@g.us", "group:Family", "group: Family"}, MessageParts: []vpslink.MessagePart{{Text: "Hello"}}}
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []string{"4915112345678@s.whatsapp.net", "120363012345678901@g.us", "group:Family"}
	if !slices.Equal(j.Recipients, want) || len(j.DuplicateRecipients) != 3 {
		t.Errorf("recipients %q, duplicates %q; want %q and 3 duplicates", j.Recipients, j.DuplicateRecipients, want)
	}
}
