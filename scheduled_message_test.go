package vpslink_test

import (
	"cmp"
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
		{"group JID", func(m *vpslink.ScheduledMessage) { m.ToPhone = " 120363012345678901@g.us" }, ""},
		{"group by name", func(m *vpslink.ScheduledMessage) { m.ToPhone = "group: Family " }, ""},
		{"group without a name", func(m *vpslink.ScheduledMessage) { m.ToPhone = "group:" }, "to_phone"},
		{"bad group JID", func(m *vpslink.ScheduledMessage) { m.ToPhone = "family@g.us" }, "to_phone"},
		{"group JID with a dash first", func(m *vpslink.ScheduledMessage) { m.ToPhone = "-1@g.us" }, "to_phone"},
		{"short phone", func(m *vpslink.ScheduledMessage) { m.ToPhone = "12345" }, "to_phone"},
		{"empty text", func(m *vpslink.ScheduledMessage) { m.Message = "" }, "message"},
		{"text too long", func(m *vpslink.ScheduledMessage) { m.Message = strings.Repeat("a", vpslink.MaxTextLength+1) }, "message"},
		{"name too long", func(m *vpslink.ScheduledMessage) { m.ContactName = strings.Repeat("a", 201) }, "contact_name"},
		{"no time", func(m *vpslink.ScheduledMessage) { m.ScheduledAt = time.Time{} }, "scheduled_at"},
		{"unknown zone", func(m *vpslink.ScheduledMessage) { m.RecipientTimezone = "Mars/Olympus" }, "timezone"},
		{"repeats until its own day", func(m *vpslink.ScheduledMessage) { m.Recurrence = "FREQ=DAILY;UNTIL=20270101" }, ""}, // 00:00 on 1 January in Berlin
		{"until before the message", func(m *vpslink.ScheduledMessage) { m.Recurrence = "FREQ=DAILY;UNTIL=20261231" }, "recurrence"},
		{"until instant before the message", func(m *vpslink.ScheduledMessage) { m.Recurrence = "FREQ=YEARLY;UNTIL=20261231T225959Z" }, "recurrence"},
		{"first bad field wins", func(m *vpslink.ScheduledMessage) { m.ToPhone, m.Message = "x", "" }, "to_phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := valid()
			tc.edit(&m)
			checkValidation(t, m.Validate(), tc.field)
			want := map[string]string{"group JID": "120363012345678901@g.us", "group by name": "group:Family"}[tc.name]
			if tc.field == "" && m.ToPhone != cmp.Or(want, "4915112345678") {
				t.Errorf("recipient %q not normalised", m.ToPhone)
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

func TestResolveGroupName(t *testing.T) {
	left := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	groups := []*vpslink.Chat{
		{ID: "111@g.us", Name: "Family", IsGroup: true, ParticipantCount: 5},
		{ID: "222@g.us", Name: "Choir", IsGroup: true},
		{ID: "333@g.us", Name: "choir ", IsGroup: true},
		{ID: "444@g.us", Name: "Old club", IsGroup: true, LeftAt: &left},
		{ID: "4915112345678@s.whatsapp.net", Name: "Anna"},
		{ID: "555@g.us", Name: "Unflagged"}, // a group another tool wrote without is_group
	}
	for _, tc := range []struct{ name, want, err string }{
		{"Family", "111@g.us", ""},
		{"FAMILY", "111@g.us", ""},
		{"Choir", "", "2 groups are named"},
		{"Old club", "", "not a member"},
		{"Anna", "", "no group named"},
		{"unflagged", "555@g.us", ""},
		{"Nobody", "", "no group named"},
		{"", "", "names no group"},
	} {
		got, err := vpslink.ResolveGroupName("to_phone", tc.name, groups)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ResolveGroupName(%q) = %q, %v; want %q, %q", tc.name, got, err, tc.want, tc.err)
		}
		if err != nil && (vpslink.ErrorCode(err) != vpslink.EINVALID || vpslink.ErrorField(err) != "to_phone") {
			t.Errorf("ResolveGroupName(%q): %v is not a validation error of to_phone", tc.name, err)
		}
	}
}
