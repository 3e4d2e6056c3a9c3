package ui_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

func (e *env) templates() []*vpslink.Template {
	e.t.Helper()
	list, err := e.db.ListTemplates(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return list
}

// The templates page adds, edits, previews and deletes saved templates;
// bad input comes back with the message next to its field and stores
// nothing.
func TestTemplatesPage(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana Souza", "", "Aninha")
	e.addContact("48601234567", "Bob", "")
	e.get("/templates").mustStatus(t, http.StatusOK).mustContain(t, "No templates yet", `href="/templates"`)
	e.get("/templates/new").mustStatus(t, http.StatusOK).mustContain(t, `id="template-form"`)

	for _, tc := range []struct {
		name, tplName, text, want string
	}{
		{"unknown placeholder", "hi", "Oi {nick}", "unknown placeholder {nick}"},
		{"lone brace", "hi", "Oi }", "lone }"},
		{"no name", " ", "Oi", "must not be empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.post("/templates", url.Values{"name": {tc.tplName}, "text": {tc.text}}).mustStatus(t, http.StatusUnprocessableEntity)
			res.mustContain(t, html.EscapeString(tc.want), `aria-invalid="true"`, html.EscapeString(tc.text)+"</textarea>")
			if n := len(e.templates()); n != 0 {
				t.Fatalf("%d templates stored", n)
			}
		})
	}
	e.post("/templates", url.Values{"name": {"hi"}, "text": {"Oi {alias}"}}).mustStatus(t, http.StatusSeeOther)
	e.post("/templates", url.Values{"name": {"hi"}, "text": {"again"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="name-error"`, "already exists")
	list := e.templates()
	if len(list) != 1 {
		t.Fatalf("templates %+v", list)
	}
	path := "/templates/" + strconv.FormatInt(list[0].ID, 10)
	e.get("/templates").mustContain(t, `href="`+path+`"`, "Oi {alias}")

	e.get("/ui/template-preview?"+url.Values{"text": {"Oi {alias}!"}, "to": {"Ana Souza"}}.Encode()).
		mustStatus(t, http.StatusOK).mustContain(t, "Oi Aninha!", "To Ana Souza")
	e.get("/ui/template-preview?"+url.Values{"text": {"Oi {alias}!"}, "to": {"Bob"}}.Encode()).
		mustContain(t, "placeholder {alias} has no value")

	e.post(path, url.Values{"name": {"hi"}, "text": {"Oi {bad"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="text-error"`, "unclosed {")
	e.post(path, url.Values{"name": {"greeting"}, "text": {"Oi {first_name}"}}).mustStatus(t, http.StatusSeeOther)
	if got := e.templates()[0]; got.Name != "greeting" || got.Text != "Oi {first_name}" {
		t.Fatalf("after edit %+v", got)
	}
	e.post(path+"/delete", nil).mustStatus(t, http.StatusSeeOther)
	if n := len(e.templates()); n != 0 {
		t.Fatalf("%d templates after delete", n)
	}
	e.get(path).mustStatus(t, http.StatusNotFound)
}

// The schedule form's picker fills the message from a saved template; the
// message records it, and a template the recipient cannot fill is refused
// next to the template picker.
func TestScheduleFromTemplate(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana Souza", "", "Aninha")
	e.addContact("48601234567", "Bob", "")
	hi := &vpslink.Template{Name: "hi", Text: "Oi {alias}"}
	if err := e.db.CreateTemplate(context.Background(), hi); err != nil {
		t.Fatal(err)
	}
	e.get("/messages/new").mustContain(t, `id="template_id"`, `<option value="1">hi</option>`)
	e.get("/ui/template-text?template_id=1&message=typed").mustStatus(t, http.StatusOK).
		mustContain(t, `id="message-box"`, ">Oi {alias}</textarea>")
	e.get("/ui/template-text?template_id=&message=typed").mustContain(t, ">typed</textarea>")

	form := url.Values{"to_phone": {"Bob"}, "template_id": {"1"}, "message": {""}, "date": {"2026-12-24"}, "time": {"18:30"}, "timezone": {"UTC"}}
	e.post("/messages", form).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="template_id-error"`, "placeholder {alias} has no value", `<option value="1" selected>hi</option>`)
	if n := len(e.messages("")); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
	form.Set("to_phone", "Ana Souza")
	e.post("/messages", form).mustStatus(t, http.StatusSeeOther)
	m := e.messages("")[0]
	if m.Message != "Oi {alias}" || m.TemplateID == nil || *m.TemplateID != hi.ID {
		t.Fatalf("stored %q from template %v", m.Message, m.TemplateID)
	}
	e.get("/messages/"+m.ID).mustContain(t, `<option value="1" selected>hi</option>`)
}

// The broadcast form's picker adds a template as a part; the part records
// the template it came from.
func TestJobPartFromTemplate(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana Souza", "")
	hi := &vpslink.Template{Name: "hi", Text: "Oi {first_name}"}
	if err := e.db.CreateTemplate(context.Background(), hi); err != nil {
		t.Fatal(err)
	}
	e.get("/jobs/new").mustContain(t, `id="part-template"`, `<option value="1">hi</option>`)
	res := e.get("/ui/template-part?"+url.Values{"parts": {"first\n"}, "part_template": {"1"}}.Encode()).mustStatus(t, http.StatusOK)
	res.mustContain(t, "first\n---\nOi {first_name}</textarea>")
	e.post("/jobs", url.Values{"recipients": {"Ana Souza"}, "parts": {"first\n---\nOi {first_name}"}, "part_delay": {"0"},
		"gap": {"0"}, "retries": {"0"}, "date": {"2026-12-24"}, "time": {"09:00"}, "timezone": {"UTC"}}).mustStatus(t, http.StatusSeeOther)
	jobs, _, err := e.db.ListJobs(context.Background(), vpslink.JobFilter{})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs %v %v", jobs, err)
	}
	if p := jobs[0].MessageParts; p[0].TemplateID != nil || p[1].TemplateID == nil || *p[1].TemplateID != hi.ID {
		t.Fatalf("parts %+v", p)
	}
}

// Editing or cancelling a message of a series asks whether for this
// occurrence or for the series from this date on, and does which.
func TestSeriesScope(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "")
	ctx := context.Background()
	series := func() *vpslink.ScheduledMessage {
		m := &vpslink.ScheduledMessage{ToPhone: "351911111111", Message: "weekly", Recurrence: "FREQ=WEEKLY",
			ScheduledAt: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
		if err := e.db.CreateMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := series()
	e.get("/messages/"+a.ID).mustContain(t, `name="scope" value="occurrence" checked`, `value="series"`, `id="cancel-series"`, "every week")
	e.get("/messages").mustContain(t, "repeats every week", `title="FREQ=WEEKLY"`)

	// This occurrence only: it leaves the series, whose next one is created.
	e.post("/messages/"+a.ID, url.Values{"to_phone": {"351911111111"}, "message": {"just this once"}, "date": {"2026-12-07"},
		"time": {"09:00"}, "timezone": {"UTC"}, "scope": {"occurrence"}}).mustStatus(t, http.StatusSeeOther)
	pending := e.messages(vpslink.MessagePending)
	if len(pending) != 2 || pending[0].Message != "just this once" || pending[0].Recurrence != "" ||
		pending[1].Message != "weekly" || pending[1].Recurrence == "" {
		t.Fatalf("after editing one occurrence: %+v", pending)
	}
	// The series from this date on: the cancel ends it.
	e.post("/messages/"+pending[1].ID+"/cancel", url.Values{"scope": {"series"}}).mustStatus(t, http.StatusSeeOther)
	if p := e.messages(vpslink.MessagePending); len(p) != 1 || p[0].ID != pending[0].ID {
		t.Fatalf("after cancelling the series: %+v", p)
	}
	// Cancelling one occurrence keeps the series going.
	b := series()
	e.post("/messages/"+b.ID+"/cancel", url.Values{"scope": {"occurrence"}}).mustStatus(t, http.StatusSeeOther)
	var next []*vpslink.ScheduledMessage
	for _, m := range e.messages(vpslink.MessagePending) {
		if m.SeriesID == b.ID {
			next = append(next, m)
		}
	}
	if len(next) != 1 || !next[0].ScheduledAt.Equal(b.ScheduledAt.AddDate(0, 0, 7)) {
		t.Fatalf("after cancelling one occurrence: %+v", next)
	}
	e.post("/messages/"+next[0].ID+"/cancel", url.Values{"scope": {"everything"}}).mustStatus(t, http.StatusUnprocessableEntity)

	// The repeat of the series changes from this date on, or stops.
	c := next[0]
	edit := func(repeat string) response {
		return e.post("/messages/"+c.ID, url.Values{"to_phone": {"351911111111"}, "message": {"weekly"}, "date": {"2026-12-14"},
			"time": {"09:00"}, "timezone": {"UTC"}, "scope": {"occurrence"}, "repeat": {repeat}})
	}
	e.get("/messages/"+c.ID).mustContain(t, `<option value="">As now: every week</option>`, `<option value="none"`)
	edit("hourly").mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, `id="repeat-error"`)
	edit("monthly").mustStatus(t, http.StatusSeeOther)
	if got := e.message(c.ID); got.Recurrence != "FREQ=MONTHLY" || got.Occurrence != 1 {
		t.Fatalf("after a new repeat: %q, occurrence %d", got.Recurrence, got.Occurrence)
	}
	edit("none").mustStatus(t, http.StatusSeeOther)
	if got := e.message(c.ID); got.Recurrence != "" {
		t.Fatalf("after stopping: %q", got.Recurrence)
	}
}

func (e *env) message(id string) *vpslink.ScheduledMessage {
	e.t.Helper()
	m, err := e.db.GetMessage(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// A job recipient that failed because its contact lost a value the text
// needs shows the reason on the job's page.
func TestJobPageShowsUnfillableRecipient(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana Souza", "", "Aninha")
	ctx := context.Background()
	j := &vpslink.Job{ScheduledStartAt: time.Now(), Recipients: []string{"351911111111"},
		MessageParts: []vpslink.MessagePart{{Text: "Oi {alias}"}}}
	if err := e.db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.UpdateContact(ctx, "351911111111", vpslink.ContactUpdate{Aliases: &[]string{}}); err != nil {
		t.Fatal(err)
	}
	if c, err := e.db.ClaimJobStep(ctx, j.ID, 0, 0, time.Now(), 0); err != nil || c.Delivery == nil {
		t.Fatalf("claim: %+v %v", c, err)
	}
	e.get("/jobs/"+j.ID).mustStatus(t, http.StatusOK).
		mustContain(t, `<span class="failed block small">part 1: not sent: message_parts[0].text: placeholder {alias} has no value`)
}
