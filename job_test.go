package vpslink_test

import (
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
)

func TestJobValidate(t *testing.T) {
	valid := func() vpslink.Job {
		delay := 5
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
	negative := -1
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
		{"no parts", func(j *vpslink.Job) { j.MessageParts = nil }, "message_parts"},
		{"too many parts", func(j *vpslink.Job) { j.MessageParts = parts(101) }, "message_parts"},
		{"empty part", func(j *vpslink.Job) { j.MessageParts[1].Text = "" }, "message_parts[1].text"},
		{"negative delay", func(j *vpslink.Job) { j.MessageParts[0].DelayAfterSeconds = &negative }, "message_parts[0].delayAfterSeconds"},
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
