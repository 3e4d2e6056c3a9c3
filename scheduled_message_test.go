package vpslink_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

func TestScheduledMessageValidate(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
	valid := func() vpslink.ScheduledMessage {
		return vpslink.ScheduledMessage{ToPhone: "+49 151 1234 5678", Message: "Happy new year",
			ScheduledAt: at, ContactName: "Anna", RecipientTimezone: "Europe/Berlin"}
	}
	for _, tc := range []struct {
		name  string
		edit  func(m *vpslink.ScheduledMessage)
		field string // "" when valid
	}{
		{"valid", func(m *vpslink.ScheduledMessage) {}, ""},
		{"no contact name or zone", func(m *vpslink.ScheduledMessage) { m.ContactName, m.RecipientTimezone = "", "" }, ""},
		{"longest text", func(m *vpslink.ScheduledMessage) { m.Message = strings.Repeat("ä", vpslink.MaxTextLength) }, ""},
		{"name of 200 characters", func(m *vpslink.ScheduledMessage) { m.ContactName = strings.Repeat("ß", 200) }, ""},
		{"no phone", func(m *vpslink.ScheduledMessage) { m.ToPhone = "" }, "to_phone"},
		{"group", func(m *vpslink.ScheduledMessage) { m.ToPhone = "120363012345678901@g.us" }, "to_phone"},
		{"short phone", func(m *vpslink.ScheduledMessage) { m.ToPhone = "12345" }, "to_phone"},
		{"empty text", func(m *vpslink.ScheduledMessage) { m.Message = "" }, "message"},
		{"text too long", func(m *vpslink.ScheduledMessage) { m.Message = strings.Repeat("a", vpslink.MaxTextLength+1) }, "message"},
		{"name too long", func(m *vpslink.ScheduledMessage) { m.ContactName = strings.Repeat("a", 201) }, "contact_name"},
		{"no time", func(m *vpslink.ScheduledMessage) { m.ScheduledAt = time.Time{} }, "scheduled_at"},
		{"unknown zone", func(m *vpslink.ScheduledMessage) { m.RecipientTimezone = "Mars/Olympus" }, "timezone"},
		{"first bad field wins", func(m *vpslink.ScheduledMessage) { m.ToPhone, m.Message = "x", "" }, "to_phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := valid()
			tc.edit(&m)
			checkValidation(t, m.Validate(), tc.field)
			if tc.field == "" {
				if m.ToPhone != "4915112345678" {
					t.Errorf("phone %q not normalised", m.ToPhone)
				}
			}
		})
	}
}

// checkValidation fails t unless err is nil, when field is "", or a
// validation error that names field.
func checkValidation(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	if code, got := vpslink.ErrorCode(err), vpslink.ErrorField(err); code != vpslink.EINVALID || got != field {
		t.Fatalf("Validate() = %v (code %q, field %q), want a validation error about %s", err, code, got, field)
	}
}
