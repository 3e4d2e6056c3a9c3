package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

// TestTemplates_SavePreviewAndRefuse: a saved template renders for a
// contact; a placeholder the recipient cannot fill is a 400 naming the
// field, in the preview and when a message is created.
func TestTemplates_SavePreviewAndRefuse(t *testing.T) {
	e := newEnv(t)
	storetest.CreateContact(t, e.db, &vpslink.Contact{Phone: "491511234567", Name: "Ana Souza", Aliases: []string{"Aninha"}})
	storetest.CreateContact(t, e.db, &vpslink.Contact{Phone: "491517654321", Name: "Bob"})

	var tpl vpslink.Template
	e.do(req{method: http.MethodPost, path: "/api/templates", body: `{"name": "hi", "text": "Oi {alias}, {{ok}}"}`}).ok(t, 201, &tpl)
	e.do(req{method: http.MethodPost, path: "/api/templates", body: `{"name": "bad", "text": "Oi {nick}"}`}).fails(t, 400, "VALIDATION_ERROR", "text")

	var out struct{ Recipient, Text string }
	e.do(req{method: http.MethodPost, path: "/api/templates/preview", body: `{"template_id": 1, "recipient": "+49 151 1234567"}`}).ok(t, 200, &out)
	if out.Text != "Oi Aninha, {ok}" {
		t.Fatalf("preview %+v", out)
	}
	e.do(req{method: http.MethodPost, path: "/api/templates/preview", body: `{"template_id": 1, "recipient": "491517654321"}`}).fails(t, 400, "VALIDATION_ERROR", "text")
	e.do(req{method: http.MethodPost, path: "/api/messages",
		body: `{"to_phone": "491517654321", "message": "Oi {alias}", "scheduled_at": "2026-11-28T10:00:00Z"}`}).fails(t, 400, "VALIDATION_ERROR", "message")

	// An empty patch changes nothing, not even updated_at.
	e.db.Now = func() time.Time { return storetest.Now.Add(time.Hour) }
	var same vpslink.Template
	e.do(req{method: http.MethodPatch, path: "/api/templates/1", body: `{}`}).ok(t, 200, &same)
	if got, _ := e.db.GetTemplate(t.Context(), 1); !same.UpdatedAt.Equal(tpl.UpdatedAt) || !got.UpdatedAt.Equal(tpl.UpdatedAt) {
		t.Fatalf("empty patch: updated_at %v, stored %v, want %v", same.UpdatedAt, got.UpdatedAt, tpl.UpdatedAt)
	}
	e.do(req{method: http.MethodPatch, path: "/api/templates/1", body: `{"text": "Oi {first_name}"}`}).ok(t, 200, &tpl)
	if !tpl.UpdatedAt.Equal(storetest.Now.Add(time.Hour)) {
		t.Fatalf("patched updated_at %v", tpl.UpdatedAt)
	}
	var list []vpslink.Template
	e.do(req{path: "/api/templates"}).ok(t, 200, &list)
	if len(list) != 1 || !strings.Contains(list[0].Text, "first_name") {
		t.Fatalf("list %+v", list)
	}
	e.do(req{method: http.MethodDelete, path: "/api/templates/1"}).ok(t, 200, nil)
	e.do(req{path: "/api/templates/1"}).fails(t, 404, "NOT_FOUND", "")
}

// A message or a job part names a saved template instead of a text: the
// template's text is copied, checked for every recipient, and the
// reference is kept; a missing template or a placeholder a recipient
// cannot fill is a 400 naming the field.
func TestTemplates_ReferencedByMessagesAndJobs(t *testing.T) {
	e := newEnv(t)
	storetest.CreateContact(t, e.db, &vpslink.Contact{Phone: "491511234567", Name: "Ana Souza", Aliases: []string{"Aninha"}})
	storetest.CreateContact(t, e.db, &vpslink.Contact{Phone: "491517654321", Name: "Bob"})
	var hi, nick vpslink.Template
	e.do(req{method: http.MethodPost, path: "/api/templates", body: `{"name": "hi", "text": "Oi {first_name}"}`}).ok(t, 201, &hi)
	e.do(req{method: http.MethodPost, path: "/api/templates", body: `{"name": "nick", "text": "Oi {alias}"}`}).ok(t, 201, &nick)

	var m vpslink.ScheduledMessage
	e.do(req{method: http.MethodPost, path: "/api/messages",
		body: `{"to_phone": "491517654321", "template_id": 1, "scheduled_at": "2026-11-28T10:00:00Z"}`}).ok(t, 201, &m)
	if m.Message != "Oi {first_name}" || m.TemplateID == nil || *m.TemplateID != hi.ID {
		t.Fatalf("message %q from template %v", m.Message, m.TemplateID)
	}
	e.do(req{method: http.MethodPost, path: "/api/messages",
		body: `{"to_phone": "491517654321", "template_id": 2, "scheduled_at": "2026-11-28T10:00:00Z"}`}).fails(t, 400, "VALIDATION_ERROR", "template_id")
	// A text of its own, kept over the template's, is blamed as the text.
	e.do(req{method: http.MethodPost, path: "/api/messages",
		body: `{"to_phone": "491517654321", "message": "Hey {alias}", "template_id": 2, "scheduled_at": "2026-11-28T10:00:00Z"}`}).fails(t, 400, "VALIDATION_ERROR", "message")
	e.do(req{method: http.MethodPost, path: "/api/messages",
		body: `{"to_phone": "491517654321", "template_id": 9, "scheduled_at": "2026-11-28T10:00:00Z"}`}).fails(t, 400, "VALIDATION_ERROR", "template_id")
	e.do(req{method: http.MethodPatch, path: "/api/messages/" + m.ID, body: `{"template_id": 2}`}).fails(t, 400, "VALIDATION_ERROR", "template_id")

	var j vpslink.Job
	e.do(req{method: http.MethodPost, path: "/api/jobs", body: `{"recipients": ["491511234567", "491517654321"],
		"scheduled_start_at": "2026-11-28T10:00:00Z", "message_parts": [{"text": "", "templateId": 1}, {"text": "bye"}]}`}).ok(t, 201, &j)
	if j.MessageParts[0].Text != "Oi {first_name}" || *j.MessageParts[0].TemplateID != hi.ID {
		t.Fatalf("job parts %+v", j.MessageParts)
	}
	e.do(req{method: http.MethodPost, path: "/api/jobs", body: `{"recipients": ["491511234567", "491517654321"],
		"scheduled_start_at": "2026-11-28T10:00:00Z", "message_parts": [{"text": "", "templateId": 2}]}`}).fails(t, 400, "VALIDATION_ERROR", "message_parts[0].templateId")
	e.do(req{method: http.MethodPatch, path: "/api/jobs/" + j.ID,
		body: `{"message_parts": [{"text": "hi"}, {"text": "", "templateId": 2}]}`}).fails(t, 400, "VALIDATION_ERROR", "message_parts[1].templateId")
	e.do(req{method: http.MethodPatch, path: "/api/jobs/" + j.ID,
		body: `{"message_parts": [{"text": "Hey {alias}", "templateId": 2}]}`}).fails(t, 400, "VALIDATION_ERROR", "message_parts[0].text")
}
