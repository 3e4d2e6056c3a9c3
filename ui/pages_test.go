package ui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func (e *env) addContact(phone, name, zone string, aliases ...string) {
	e.t.Helper()
	c := &vpslink.Contact{Phone: phone, Name: name, Timezone: zone, Aliases: aliases}
	storetest.CreateContact(e.t, e.db, c)
}

func (e *env) messages(status string) []*vpslink.ScheduledMessage {
	e.t.Helper()
	list, _, err := e.db.ListMessages(context.Background(), vpslink.MessageFilter{Status: status})
	if err != nil {
		e.t.Fatal(err)
	}
	return list
}

func TestScheduleInRecipientsZone(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "Europe/Lisbon")
	e.addContact("48601234567", "Żaneta Wójcik", "Europe/Warsaw", "Żan")

	res := e.post("/messages", url.Values{"to_phone": {"Żaneta Wójcik"}, "message": {"Cześć!"},
		"date": {"2026-12-24"}, "time": {"18:30"}, "timezone": {"Europe/Warsaw"}}).mustStatus(t, http.StatusSeeOther)
	if loc := res.header.Get("Location"); loc != "/messages?status=pending" {
		t.Fatalf("redirect to %q", loc)
	}
	list := e.messages(vpslink.MessagePending)
	if len(list) != 1 {
		t.Fatalf("%d messages", len(list))
	}
	m := list[0]
	want := time.Date(2026, 12, 24, 17, 30, 0, 0, time.UTC)
	if m.ToPhone != "48601234567" || !m.ScheduledAt.Equal(want) || m.RecipientTimezone != "Europe/Warsaw" || m.CreatedFrom != "ui" {
		t.Fatalf("stored %+v", m)
	}
	e.get("/messages").mustContain(t, "Żaneta Wójcik", "Cześć!")
	e.get("/messages?q=%C5%BBan").mustContain(t, "Cześć!")
}

func TestScheduleRefusesBadInputAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "Europe/Lisbon")
	good := url.Values{"to_phone": {"Ana"}, "message": {"hi"}, "date": {"2026-12-01"}, "time": {"09:00"}, "timezone": {"Europe/Lisbon"}}
	for _, tc := range []struct {
		field, value, want string
	}{
		{"to_phone", "Nobody", `id="to_phone-error"`},
		{"to_phone", "", `id="to_phone-error"`},
		{"message", "", `id="message-error"`},
		{"date", "", `id="scheduled_at-error"`},
		{"time", "25:99", `id="scheduled_at-error"`},
		{"timezone", "Mars/Olympus", `id="timezone-error"`},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			form.Set(tc.field, tc.value)
			res := e.post("/messages", form).mustStatus(t, http.StatusUnprocessableEntity)
			res.mustContain(t, tc.want, `aria-invalid="true"`)
			if tc.field != "message" {
				res.mustContain(t, ">hi</textarea>") // the rest of the form is kept
			}
			if n := len(e.messages("")); n != 0 {
				t.Fatalf("%d messages stored", n)
			}
		})
	}
}

func TestEditCancelAndSendAgain(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "")
	e.post("/messages", url.Values{"to_phone": {"351911111111"}, "message": {"first"}, "date": {"2026-12-01"},
		"time": {"09:00"}, "timezone": {"UTC"}}).mustStatus(t, http.StatusSeeOther)
	m := e.messages("")[0]
	if m.RecipientTimezone != "" {
		t.Fatalf("zone %q stored for a contact without one", m.RecipientTimezone)
	}
	e.get("/messages/"+m.ID).mustStatus(t, http.StatusOK).mustContain(t, `value="09:00"`, ">first</textarea>")
	e.post("/messages/"+m.ID, url.Values{"to_phone": {"351911111111"}, "message": {"edited"}, "date": {"2026-12-02"},
		"time": {"10:15"}, "timezone": {"UTC"}}).mustStatus(t, http.StatusSeeOther)
	if got := e.messages("")[0]; got.Message != "edited" || !got.ScheduledAt.Equal(time.Date(2026, 12, 2, 10, 15, 0, 0, time.UTC)) {
		t.Fatalf("after edit: %+v", got)
	}
	e.post("/messages/"+m.ID+"/cancel", nil).mustStatus(t, http.StatusSeeOther)
	if got := e.messages(vpslink.MessageCancelled); len(got) != 1 {
		t.Fatal("not cancelled")
	}
	// A cancelled (or failed, or sent) one comes back prefilled with an empty time.
	res := e.get("/messages/new?from="+m.ID).mustStatus(t, http.StatusOK)
	res.mustContain(t, `value="351911111111"`, ">edited</textarea>", `id="date" name="date" type="date" value=""`)
	e.get("/messages/nope").mustStatus(t, http.StatusNotFound)
}

func TestContactsAreEscaped(t *testing.T) {
	e := newEnv(t)
	e.login()
	const evil = `<script>alert(1)</script>`
	e.post("/contacts", url.Values{"phone": {"+351 911 111 111"}, "name": {evil}, "aliases": {"x, y"},
		"tags": {"family"}}).mustStatus(t, http.StatusSeeOther)
	e.post("/messages", url.Values{"to_phone": {"351911111111"}, "message": {evil}, "date": {"2026-12-01"},
		"time": {"09:00"}, "timezone": {"UTC"}}).mustStatus(t, http.StatusSeeOther)
	for _, p := range []string{"/contacts", "/contacts/351911111111", "/messages", "/", "/ui/pick?to_phone=alert"} {
		res := e.get(p).mustStatus(t, http.StatusOK)
		if strings.Contains(res.body, evil) {
			t.Fatalf("%s shows the name unescaped", p)
		}
		res.mustContain(t, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
}

func TestContacts(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.post("/contacts", url.Values{"phone": {"351911111111"}, "name": {"Ana"}, "aliases": {"Aninhas, Ana P"},
		"tags": {"family"}, "timezone": {"Europe/Lisbon"}}).mustStatus(t, http.StatusSeeOther)
	e.post("/contacts", url.Values{"phone": {"12"}, "name": {"Bad"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="phone-error"`)
	e.post("/contacts", url.Values{"phone": {"351922222222"}, "name": {"Rui"}, "timezone": {"Nowhere/Else"}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, `id="timezone-error"`)
	e.post("/contacts", url.Values{"phone": {"351911111111"}, "name": {"Again"}}).mustStatus(t, http.StatusUnprocessableEntity)

	e.get("/contacts?q=aninhas").mustContain(t, "Ana")
	e.get("/contacts").mustContain(t, `href="/contacts?tag=family"`)
	e.get("/contacts?tag=FAMILY").mustContain(t, "351911111111", `id="tag-filter"`)
	e.get("/contacts?tag=work").mustContain(t, "No contacts")
	e.get("/contacts?favorites=1").mustContain(t, "No contacts")
	e.post("/contacts/351911111111/star", url.Values{"is_favorite": {"1"}}).mustStatus(t, http.StatusSeeOther)
	e.get("/contacts?favorites=1").mustContain(t, "351911111111")

	e.post("/contacts/351911111111", url.Values{"name": {"Ana Paula"}, "aliases": {""}, "tags": {"work"},
		"timezone": {"Europe/Lisbon"}}).mustStatus(t, http.StatusSeeOther)
	c, err := e.db.GetContact(context.Background(), "351911111111")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Ana Paula" || len(c.Aliases) != 0 || c.Tags[0] != "work" || c.IsFavorite {
		t.Fatalf("after edit: %+v", c)
	}
	e.post("/contacts/351911111111", url.Values{"name": {""}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="name-error"`)
	e.post("/contacts/351911111111/delete", nil).mustStatus(t, http.StatusSeeOther)
	e.get("/contacts/351911111111").mustStatus(t, http.StatusNotFound)
}

func TestPickerFindsNonASCIINames(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("48601234567", "Żaneta Wójcik", "Europe/Warsaw", "Żan")
	e.addContact("351911111111", "Ana", "")
	for _, q := range []string{"Żan", "żaneta", "wójcik", "4860", "ŻANETA"} {
		e.get("/ui/pick?to_phone="+url.QueryEscape(q)).mustStatus(t, http.StatusOK).
			mustContain(t, `data-phone="48601234567"`, `data-tz="Europe/Warsaw"`)
	}
}

func TestEmergencyStopSwitch(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.post("/ui/sending", url.Values{"stop": {"1"}, "back": {"/"}}).mustStatus(t, http.StatusSeeOther)
	if !e.engine.Stopped() {
		t.Fatal("not stopped")
	}
	e.get("/").mustContain(t, "Sending is stopped", `aria-checked="false"`)
	e.post("/ui/sending", url.Values{"stop": {"0"}, "back": {"//evil.example"}}).mustStatus(t, http.StatusSeeOther)
	if e.engine.Stopped() {
		t.Fatal("still stopped")
	}
}

func TestFragments(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "")
	j := &vpslink.Job{Title: "News", Recipients: []string{"351911111111"}, ScheduledStartAt: e.clock.Now().Add(time.Hour),
		MessageParts: []vpslink.MessagePart{{Text: "hello"}}}
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	e.get("/ui/dashboard").mustStatus(t, http.StatusOK).mustContain(t, `id="count-sent"`, `id="emergency-stop"`)
	e.get("/jobs/"+j.ID+"/live").mustStatus(t, http.StatusOK).mustContain(t, `id="job-live"`, "not started")
	e.get("/ui/when?date=2026-12-24&time=18:00&timezone=Europe/Warsaw&yours=America/New_York").mustStatus(t, http.StatusOK).
		mustContain(t, "2026-12-24 18:00 CET", "2026-12-24 12:00 EST")
	e.get("/ui/when?date=2026-12-24&time=18:00&timezone=Nowhere").mustContain(t, "unknown time zone")
	if res := e.get("/ui/when?date=&time=&timezone=UTC"); strings.TrimSpace(res.body) != "" {
		t.Fatalf("a preview before a time is picked: %q", res.body)
	}

	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/contacts/351911111111/star",
		strings.NewReader(url.Values{"is_favorite": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", e.csrf())
	e.do(req).mustStatus(t, http.StatusOK).mustContain(t, `aria-pressed="true"`, "★")
}

func TestRestoreReviewBanner(t *testing.T) {
	e := newEnv(t)
	e.login()
	ctx := context.Background()
	e.get("/").mustStatus(t, http.StatusOK)
	if strings.Contains(e.get("/").body, `id="restore-review"`) {
		t.Fatal("a review banner without a restore")
	}
	if _, _, err := e.db.StartInstance(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetSetting(ctx, "database_id", "another"); err != nil {
		t.Fatal(err)
	}
	if _, review, err := e.db.StartInstance(ctx); err != nil || review == nil {
		t.Fatalf("no review: %v", err)
	}
	e.get("/").mustContain(t, `id="restore-review"`, "Review after a restore")
	e.post("/ui/review", nil).mustStatus(t, http.StatusSeeOther)
	if r, _ := e.db.RestoreReview(ctx); r != nil {
		t.Fatal("review still pending")
	}
}

func TestSendAgainLinksAResend(t *testing.T) {
	e := newEnv(t)
	e.login()
	ctx := context.Background()
	storetest.CreateContact(t, e.db, &vpslink.Contact{Phone: "351911111111", Name: "Ann"})
	m := &vpslink.ScheduledMessage{ToPhone: "351911111111", Message: "again", ScheduledAt: e.clock.Now(),
		Status: vpslink.MessageFailed, ErrorMessage: "not on WhatsApp"}
	if err := e.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateMessage(ctx, m) }); err != nil {
		t.Fatal(err)
	}
	// Sent again, the message goes to the contact as it is named now.
	renamed := "Ann Smith"
	if _, err := e.db.UpdateContact(ctx, "351911111111", vpslink.ContactUpdate{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	e.get("/messages/new?from="+m.ID).mustContain(t, `name="resend_of" value="`+m.ID+`"`).mustContain(t, renamed)
	form := url.Values{"resend_of": {m.ID}, "to_phone": {"351911111111"}, "message": {"again"}, "date": {"2026-12-01"},
		"time": {"09:00"}, "timezone": {"UTC"}}
	e.post("/messages", form).mustStatus(t, http.StatusSeeOther)
	form.Set("message", "changed")
	e.post("/messages", form).mustStatus(t, http.StatusSeeOther)
	var resent, fresh int
	for _, p := range e.messages(vpslink.MessagePending) {
		switch {
		case p.Message == "again" && p.ResentFrom == m.ID && p.ContactName == renamed:
			resent++
		case p.Message == "changed" && p.ResentFrom == "":
			fresh++
		}
	}
	if resent != 1 || fresh != 1 {
		t.Fatalf("resent %d, new %d", resent, fresh)
	}
}

// A contact whose phone was kept as it was typed is flagged in the list and
// on its page, where the phone can be corrected.
func TestFlaggedPhoneIsCorrected(t *testing.T) {
	e := newEnv(t)
	e.login()
	ctx := context.Background()
	if err := e.db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ImportContact(ctx, &vpslink.Contact{Phone: "12", Name: "Old Number"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	e.get("/contacts").mustContain(t, "check number")
	e.get("/contacts/12").mustContain(t, `id="phone-problem"`)
	e.post("/contacts/12", url.Values{"phone": {"351933333333"}, "name": {"Old Number"}}).mustStatus(t, http.StatusSeeOther)
	if c, err := e.db.GetContact(ctx, "351933333333"); err != nil || c.Name != "Old Number" || c.PhoneProblem != "" {
		t.Fatalf("corrected contact: %+v %v", c, err)
	}
	e.get("/contacts/351933333333").mustContain(t, `readonly`)
}

func TestSendNowAndPastTimes(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "")
	form := url.Values{"to_phone": {"Ana"}, "message": {"hi"}, "date": {"2020-01-01"}, "time": {"09:00"}, "timezone": {"UTC"}}
	e.post("/messages", form).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, `id="scheduled_at-error"`, "in the past")
	form.Set("when", "now")
	e.post("/messages", form).mustStatus(t, http.StatusSeeOther)
	if m := e.messages(vpslink.MessagePending); len(m) != 1 || !m[0].ScheduledAt.Equal(e.clock.Now()) {
		t.Fatalf("sent now: %+v", m)
	}
}

func TestScheduleRecurring(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "Europe/Lisbon")
	e.get("/messages/new").mustContain(t, `name="repeat"`, `value="yearly"`)
	e.post("/messages", url.Values{"to_phone": {"Ana"}, "message": {"Parabéns!"}, "repeat": {"hourly"},
		"date": {"2026-12-24"}, "time": {"09:00"}, "timezone": {"Europe/Lisbon"}}).mustStatus(t, http.StatusUnprocessableEntity)
	if n := len(e.messages("")); n != 0 {
		t.Fatalf("a refused form stored %d messages", n)
	}
	e.post("/messages", url.Values{"to_phone": {"Ana"}, "message": {"Parabéns!"}, "repeat": {"yearly"},
		"date": {"2026-12-24"}, "time": {"09:00"}, "timezone": {"Europe/Lisbon"}}).mustStatus(t, http.StatusSeeOther)
	list := e.messages(vpslink.MessagePending)
	if len(list) != 1 || list[0].Recurrence != "FREQ=YEARLY" || len(list[0].NextOccurrences) != 3 {
		t.Fatalf("stored %+v", list)
	}
	e.get("/messages").mustContain(t, "repeats every year", "next")
}

func TestMessageSearchFindsTextAndRecipients(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "Europe/Lisbon", "Aninhas")
	at := storetest.Now.Add(time.Hour)
	storetest.CreateMessage(t, e.db, "351911111111", "Wesołych Świąt", at)
	storetest.CreateMessage(t, e.db, "48601234567", "Reunião amanhã", at)
	for _, tc := range []struct{ q, want, not string }{
		{"ŚWIĄT", "Wesołych Świąt", "Reunião amanhã"},
		{"reunião", "Reunião amanhã", "Wesołych Świąt"},
		{"aninhas", "Wesołych Świąt", "Reunião amanhã"},
		{"+48 601", "Reunião amanhã", "Wesołych Świąt"},
		{"<b>nobody</b>", "match “&lt;b&gt;nobody&lt;/b&gt;”", "Wesołych Świąt"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			res := e.get("/messages?q="+url.QueryEscape(tc.q)).mustStatus(t, http.StatusOK).mustContain(t, tc.want)
			if strings.Contains(res.body, tc.not) {
				t.Fatalf("%q also found %q", tc.q, tc.not)
			}
		})
	}
}

// A recipient without a time zone is in the default one: the schedule
// form starts in it and a time typed there is read in it, and the message
// stores no zone of its own (a series is pinned by the store).
func TestScheduleFormDefaultZone(t *testing.T) {
	e := newEnv(t)
	e.login()
	if _, _, err := e.db.UpdateSettings(context.Background(),
		map[string]json.RawMessage{"default_timezone": json.RawMessage(`"Europe/London"`)}); err != nil {
		t.Fatal(err)
	}
	e.addContact("351911111111", "Ana", "")
	e.get("/messages/new?to=351911111111").mustStatus(t, http.StatusOK).
		mustContain(t, `id="timezone" name="timezone" value="Europe/London"`)
	e.post("/messages", url.Values{"to_phone": {"351911111111"}, "message": {"summer"}, "date": {"2027-07-01"},
		"time": {"09:00"}, "timezone": {"Europe/London"}}).mustStatus(t, http.StatusSeeOther)
	m := e.messages("")[0]
	if !m.ScheduledAt.Equal(time.Date(2027, 7, 1, 8, 0, 0, 0, time.UTC)) || m.RecipientTimezone != "" {
		t.Fatalf("stored %s in %q, want 08:00 UTC and no zone of its own", m.ScheduledAt, m.RecipientTimezone)
	}
	e.get("/messages/"+m.ID).mustStatus(t, http.StatusOK).mustContain(t, `value="09:00"`)
}
