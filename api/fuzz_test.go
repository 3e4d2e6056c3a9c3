package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
)

// snapshot renders every row the API writes, to prove a failed request
// changed nothing.
func (e *env) snapshot() string {
	e.t.Helper()
	var b strings.Builder
	for _, table := range []string{"contacts", "scheduled_messages", "jobs", "idempotency_keys"} {
		rows, err := e.db.Reader().Query(`SELECT * FROM ` + table + ` ORDER BY rowid`)
		if err != nil {
			e.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				e.t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

// FuzzBodies sends arbitrary bodies to every create and patch route and
// checks that the server never panics, answers only with the documented
// statuses, and writes nothing when it answers with an error.
func FuzzBodies(f *testing.F) {
	seeds := []struct {
		route uint8
		body  string
	}{
		{0, `{"phone":"491511234567","name":"Anna","aliases":["A"],"tags":["t"],"is_favorite":true,"timezone":"Europe/Berlin"}`},
		{0, `{"phone":"+","name":""}`},
		{1, `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`},
		{1, `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-12-24 09:00","timezone":"Asia/Tokyo"}`},
		{1, `{"to_phone":"1","message":"","scheduled_at":"x"}{}`},
		{2, `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567","1-2@g.us"],"message_parts":[{"text":"a","delayAfterSeconds":3}],"config":{"recipientGapSeconds":1,"maxRetries":0}}`},
		{2, `{"recipients":[null],"message_parts":[{"text":1}]}`},
		{3, `{"name":"B","tags":null}`},
		{4, `{"message":"edited","scheduled_at":"2026-12-25T10:00:00+02:00"}`},
		{4, `{"to_phone":null,"timezone":"UTC"}`},
		{5, `{"title":"T","message_parts":[{"text":"x","delayAfterSeconds":-1}]}`},
		{5, `{"recipients":["491511234567"]}`},
		{1, `[`}, {2, `"str"`}, {3, `null`}, {4, `{"a":{"b":[1,2,{"c":null}]}}`}, {5, "\x00\xff"},
	}
	for _, s := range seeds {
		f.Add(s.route, s.body)
	}
	e := newEnv(f)
	var m vpslink.ScheduledMessage
	var j vpslink.Job
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"4930123456","name":"Fix"}`}).ok(f, 201, nil)
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"4930123456","message":"fix","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(f, 201, &m)
	e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["4930123456"],"message_parts":[{"text":"fix"}]}`}).ok(f, 201, &j)
	routes := []struct{ method, path string }{
		{"POST", "/api/contacts"}, {"POST", "/api/messages"}, {"POST", "/api/jobs"},
		{"PATCH", "/api/contacts/4930123456"}, {"PATCH", "/api/messages/" + m.ID}, {"PATCH", "/api/jobs/" + j.ID},
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		e.t = t // targets run one at a time; helpers report to this one
		rt := routes[int(route)%len(routes)]
		before := e.snapshot()
		r := e.do(req{method: rt.method, path: rt.path, body: body, header: map[string]string{"Content-Type": "application/json"}})
		switch r.code {
		case 200, 201:
			return
		case 400, 404, 409, 413:
		default:
			t.Fatalf("%s %s %q: %d %s", rt.method, rt.path, body, r.code, r.body)
		}
		r.env(t)
		if after := e.snapshot(); after != before {
			t.Fatalf("%s %s %q failed with %d but wrote:\n%s", rt.method, rt.path, body, r.code, after)
		}
	})
}
