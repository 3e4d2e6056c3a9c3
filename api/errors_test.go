package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/store/storetest"
)

// rowCount counts the rows of the tables a failed request must not touch.
func (e *env) rowCount() int {
	e.t.Helper()
	var n int
	err := e.db.Reader().QueryRow(`SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM scheduled_messages)
		+ (SELECT count(*) FROM jobs) + (SELECT count(*) FROM idempotency_keys)`).Scan(&n)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestErrors_ValidationWritesNothing(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("é", 65537)
	msg := func(fields string) string {
		return `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"` + fields + `}`
	}
	msg2 := func(text string) string {
		return `{"to_phone":"491511234567","message":` + text + `,"scheduled_at":"2026-12-24T09:00:00Z"}`
	}
	job := func(fields string) string {
		return `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"a","delayAfterSeconds":null}]` + fields + `}`
	}
	for _, tc := range []struct {
		name, path, body string
		header           map[string]string
		field            string
	}{
		{"not JSON", "/api/messages", `{"to_phone":`, nil, "body"},
		{"empty body", "/api/messages", ``, map[string]string{"Content-Type": "application/json"}, "body"},
		{"array body", "/api/messages", `[]`, nil, "body"},
		{"trailing data", "/api/messages", msg("") + `{}`, nil, "body"},
		{"trailing garbage", "/api/messages", msg("") + `x`, nil, "body"},
		{"unknown field", "/api/messages", msg(`,"priority":1`), nil, "priority"},
		{"wrong type", "/api/messages", `{"to_phone":491511234567}`, nil, "to_phone"},
		{"no content type", "/api/messages", msg(""), map[string]string{"Content-Type": ""}, "Content-Type"},
		{"form content type", "/api/messages", msg(""), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "Content-Type"},
		{"bad phone", "/api/messages", `{"to_phone":"12ab","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`, nil, "to_phone"},
		{"empty message", "/api/messages", `{"to_phone":"491511234567","message":"","scheduled_at":"2026-12-24T09:00:00Z"}`, nil, "message"},
		{"lone high surrogate", "/api/messages", msg2(`"hi \ud83d there"`), nil, "body"},
		{"lone low surrogate", "/api/messages", msg2(`"\ude00"`), nil, "body"},
		{"invalid UTF-8", "/api/messages", msg2("\"a\xffb\""), nil, "body"},
		{"NUL", "/api/messages", msg2(`"a\u0000b"`), nil, "message"},
		{"whitespace only", "/api/messages", msg2(`" \n\t "`), nil, "message"},
		{"invisible characters only", "/api/messages", msg2(`" \u200b\n\u2060\ufeff "`), nil, "message"},
		{"job invisible part", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"\u200b "}]}`, nil, "message_parts[0].text"},
		{"template of invisible characters", "/api/templates", `{"name":"blank","text":"\ufeff\u2060"}`, nil, "text"},
		{"job whitespace part", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"  "}]}`, nil, "message_parts[0].text"},
		{"message too long", "/api/messages", `{"to_phone":"491511234567","message":"` + long + `","scheduled_at":"2026-12-24T09:00:00Z"}`, nil, "message"},
		{"no time", "/api/messages", `{"to_phone":"491511234567","message":"hi"}`, nil, "scheduled_at"},
		{"national phone without a region", "/api/messages", `{"to_phone":"07700 900127","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`, nil, "to_phone"},
		{"missing phone names its field", "/api/messages", `{"message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`, nil, "to_phone"},
		{"time in the past", "/api/messages", `{"to_phone":"491511234567","message":"hi","scheduled_at":"2025-12-24T09:00:00Z"}`, nil, "scheduled_at"},
		{"job start in the past", "/api/jobs", `{"scheduled_start_at":"2026-11-27T11:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"a"}]}`, nil, "scheduled_start_at"},
		{"bad time", "/api/messages", `{"to_phone":"491511234567","message":"hi","scheduled_at":"tomorrow"}`, nil, "scheduled_at"},
		{"local time without zone", "/api/messages", `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-12-24 09:00"}`, nil, "scheduled_at"},
		{"bad zone", "/api/messages", msg(`,"timezone":"Mars/Olympus"`), nil, "timezone"},
		{"zone path", "/api/messages", msg(`,"timezone":"../../etc/passwd"`), nil, "timezone"},
		{"long contact name", "/api/messages", msg(`,"contact_name":"` + strings.Repeat("x", 201) + `"`), nil, "contact_name"},
		{"job without recipients", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":[],"message_parts":[{"text":"a"}]}`, nil, "recipients"},
		{"job bad recipient", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["x"],"message_parts":[{"text":"a"}]}`, nil, "recipients[0]"},
		{"job without parts", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[]}`, nil, "message_parts"},
		{"job empty part", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":""}]}`, nil, "message_parts[0].text"},
		{"job negative delay", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"a","delayAfterSeconds":-1}]}`, nil, "message_parts[0].delayAfterSeconds"},
		{"job delay over a day", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"a","delayAfterSeconds":86400.5}]}`, nil, "message_parts[0].delayAfterSeconds"},
		{"job negative gap", "/api/jobs", job(`,"config":{"recipientGapSeconds":-5,"maxRetries":0}`), nil, "config.recipientGapSeconds"},
		{"job unknown config key", "/api/jobs", job(`,"config":{"recipientGapSeconds":5,"mode":"x"}`), nil, "config.mode"},
		{"job unknown part key", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"a"},{"txt":"b"}]}`, nil, "message_parts[1].txt"},
		{"job part delay of a wrong type", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"a","delayAfterSeconds":1},{"text":"b","delayAfterSeconds":"2"}]}`, nil, "message_parts[1].delayAfterSeconds"},
		{"job part delay out of range", "/api/jobs", `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],"message_parts":[{"text":"a","delayAfterSeconds":1e400}]}`, nil, "message_parts.delayAfterSeconds"},
		{"job fractional retries", "/api/jobs", job(`,"config":{"maxRetries":2.5}`), nil, "config.maxRetries"},
		{"job bad interval mode", "/api/jobs", job(`,"config":{"intervalMode":"x"}`), nil, "config.intervalMode"},
		{"job without start", "/api/jobs", `{"recipients":["491511234567"],"message_parts":[{"text":"a"}]}`, nil, "scheduled_start_at"},
		{"contact without name", "/api/contacts", `{"phone":"491511234567"}`, nil, "name"},
		{"contact bad phone", "/api/contacts", `{"phone":"+","name":"x"}`, nil, "phone"},
		{"contact too many tags", "/api/contacts", `{"phone":"491511234567","name":"x","tags":[` + strings.Repeat(`"t",`, 100) + `"t"]}`, nil, "tags"},
		{"bad idempotency key", "/api/messages", msg(""), map[string]string{"Idempotency-Key": "has space"}, "Idempotency-Key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.do(req{method: "POST", path: tc.path, body: tc.body, header: tc.header}).fails(t, 400, "VALIDATION_ERROR", tc.field)
		})
	}
	for _, tc := range []struct{ path, field string }{
		{"/api/messages?status=unknown", "status"},
		{"/api/messages?limit=0", "limit"},
		{"/api/messages?limit=1001", "limit"},
		{"/api/messages?offset=-1", "offset"},
		{"/api/messages?from=yesterday", "from"},
		{"/api/messages?to=abc", "to"},
		{"/api/messages?stauts=pending", "stauts"},
		{"/api/messages?status=pending&status=sent", "status"},
		{"/api/contacts?favorite=maybe", "favorite"},
		{"/api/jobs?status=done", "status"},
	} {
		e.do(req{path: tc.path}).fails(t, 400, "VALIDATION_ERROR", tc.field)
	}
	// A number of the wrong kind is not called "not a number".
	for body, want := range map[string]string{
		job(`,"config":{"maxRetries":2.5}`):                           "config.maxRetries: must be a whole number",
		job(`,"config":{"recipientGapSeconds":99999999999999999999}`): "config.recipientGapSeconds: is out of range",
	} {
		if got := e.do(req{method: "POST", path: "/api/jobs", body: body}).env(t).Error; got == nil || got.Message != want {
			t.Errorf("%s: error %+v, want %q", body, got, want)
		}
	}
	if n := e.rowCount(); n != 0 {
		t.Fatalf("%d rows written by failed requests", n)
	}
}

func TestErrors_StatusCodes(t *testing.T) {
	e := newEnv(t)
	e.do(req{path: "/api/nope"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{method: "PUT", path: "/api/messages"}).fails(t, 405, "METHOD_NOT_ALLOWED", "")

	// A 2 MB body, as a client uploading a file by mistake sends.
	big := `{"to_phone":"491511234567","message":"` + strings.Repeat("a", 2<<20) + `","scheduled_at":"2026-12-24T09:00:00Z"}`
	e.do(req{method: "POST", path: "/api/messages", body: big}).fails(t, 413, "PAYLOAD_TOO_LARGE", "")
	e.do(req{method: "POST", path: "/api/messages", body: big, header: map[string]string{"Idempotency-Key": "big"}}).fails(t, 413, "PAYLOAD_TOO_LARGE", "")

	// A body without a declared length is cut at the limit while reading.
	hr, _ := http.NewRequest("POST", "/api/contacts", strings.NewReader(`{"name":"`+strings.Repeat("a", 1<<20)+`"}`))
	hr.ContentLength = -1
	hr.RemoteAddr = "127.0.0.1:1"
	hr.Header.Set("X-API-Secret", testSecret)
	hr.Header.Set("Content-Type", "application/json")
	w := &captured{}
	e.srv.ServeHTTP(w.recorder(), hr)
	w.resp().fails(t, 413, "PAYLOAD_TOO_LARGE", "")
	if n := e.rowCount(); n != 0 {
		t.Fatalf("%d rows written", n)
	}
}

func TestErrors_InternalDetailsNotReturned(t *testing.T) {
	e := newEnv(t)
	e.db.Close()
	r := e.do(req{path: "/api/messages"})
	r.fails(t, 500, "INTERNAL_ERROR", "")
	if strings.Contains(string(r.body), "sql") || strings.Contains(string(r.body), "closed") {
		t.Fatalf("internal details leaked: %s", r.body)
	}
	if !strings.Contains(e.logs.String(), "database is closed") {
		t.Fatalf("internal error not logged:\n%s", e.logs)
	}
}

type panickingScheduler struct{ fakeScheduler }

func (*panickingScheduler) Stop(context.Context) error { panic("engine exploded at /secret/path") }

func TestErrors_PanicIsRecovered(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.Scheduler = &panickingScheduler{} })
	r := e.do(req{method: "POST", path: "/scheduler/stop"})
	r.fails(t, 500, "INTERNAL_ERROR", "")
	if strings.Contains(string(r.body), "exploded") || !strings.Contains(e.logs.String(), "exploded") {
		t.Fatalf("panic: body %s, logs:\n%s", r.body, e.logs)
	}
	e.do(req{path: "/api/stats"}).ok(t, 200, nil)
}

func TestMessages_SendNow(t *testing.T) {
	e := newEnv(t)
	var m vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"hi","scheduled_at":"now"}`}).ok(t, 201, &m)
	if !m.ScheduledAt.Equal(storetest.Now) {
		t.Fatalf("now became %v", m.ScheduledAt)
	}
	// Half a minute ago is a client's clock running behind, not a mistake.
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-11-27T11:59:30Z"}`}).ok(t, 201, nil)
	e.do(req{method: "PATCH", path: "/api/messages/" + m.ID, body: `{"scheduled_at":"2026-11-01T09:00:00Z"}`}).fails(t, 400, "VALIDATION_ERROR", "scheduled_at")
}

func TestDecode_SurrogatePairsAreText(t *testing.T) {
	e := newEnv(t)
	var m vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"smile \ud83d\ude00 \\ud800","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, &m)
	if m.Message != "smile 😀 \\ud800" {
		t.Fatalf("stored %q", m.Message)
	}
}
