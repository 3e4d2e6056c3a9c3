package api_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/vpslink/vpslink"
)

func TestIdempotency_RepeatReturnsFirstResult(t *testing.T) {
	e := newEnv(t)
	body := `{"to_phone":"491511234567","message":"once","scheduled_at":"2026-12-24T09:00:00Z"}`
	key := map[string]string{"Idempotency-Key": "retry-1"}
	first := e.do(req{method: "POST", path: "/api/messages", body: body, header: key})
	var m vpslink.ScheduledMessage
	first.ok(t, 201, &m)

	again := e.do(req{method: "POST", path: "/api/messages", body: body, header: key})
	if again.code != 201 || !bytes.Equal(again.body, first.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeat: %d %s", again.code, again.body)
	}
	// The same JSON with its keys in another order and other spacing is
	// the same request.
	reordered := e.do(req{method: "POST", path: "/api/messages", header: key,
		body: `{ "scheduled_at": "2026-12-24T09:00:00Z", "message": "once", "to_phone": "491511234567" }`})
	if reordered.code != 201 || !bytes.Equal(reordered.body, first.body) || reordered.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("reordered repeat: %d %s", reordered.code, reordered.body)
	}
	var list []vpslink.ScheduledMessage
	if env := e.do(req{path: "/api/messages"}).ok(t, 200, &list); *env.Total != 1 {
		t.Fatalf("%d messages after a repeat", *env.Total)
	}

	// The same key with another body is a conflict and writes nothing.
	e.do(req{method: "POST", path: "/api/messages", header: key,
		body: `{"to_phone":"491511234567","message":"twice","scheduled_at":"2026-12-24T09:00:00Z"}`}).fails(t, 409, "CONFLICT", "Idempotency-Key")
	// The key is scoped to the route: on another route it is new.
	e.do(req{method: "POST", path: "/api/jobs", header: key, body: `{"scheduled_start_at":"2026-12-24T09:00:00Z",
		"recipients":["491511234567"],"message_parts":[{"text":"hi","delayAfterSeconds":null}]}`}).ok(t, 201, nil)

	// After a restart the stored response is still returned.
	e.restart()
	restarted := e.do(req{method: "POST", path: "/api/messages", body: body, header: key})
	if restarted.code != 201 || !bytes.Equal(restarted.body, first.body) {
		t.Fatalf("after restart: %d %s", restarted.code, restarted.body)
	}
	if env := e.do(req{path: "/api/messages"}).ok(t, 200, nil); *env.Total != 1 {
		t.Fatalf("%d messages after restart", *env.Total)
	}
}

func TestIdempotency_ErrorsAreNotStored(t *testing.T) {
	e := newEnv(t)
	key := map[string]string{"Idempotency-Key": "k"}
	e.do(req{method: "POST", path: "/api/messages", header: key, body: `{"to_phone":"x"}`}).fails(t, 400, "VALIDATION_ERROR", "to_phone")
	// Fixing the request and sending it with the same key works.
	e.do(req{method: "POST", path: "/api/messages", header: key,
		body: `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, nil)
}

func TestIdempotency_NonCreatePosts(t *testing.T) {
	e := newEnv(t)
	var j vpslink.Job
	e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24T09:00:00Z",
		"recipients":["491511234567"],"message_parts":[{"text":"hi","delayAfterSeconds":null}]}`}).ok(t, 201, &j)
	key := map[string]string{"Idempotency-Key": "pause-1"}
	first := e.do(req{method: "POST", path: "/api/jobs/" + j.ID + "/pause", header: key})
	first.ok(t, 200, nil)
	e.do(req{method: "POST", path: "/api/jobs/" + j.ID + "/resume"}).ok(t, 200, nil)
	// The repeat returns the first answer and does not pause again.
	again := e.do(req{method: "POST", path: "/api/jobs/" + j.ID + "/pause", header: key})
	if !bytes.Equal(again.body, first.body) {
		t.Fatalf("repeat: %s", again.body)
	}
	e.do(req{path: "/api/jobs/" + j.ID}).ok(t, 200, &j)
	if j.Status != "pending" {
		t.Fatalf("repeat ran again: %s", j.Status)
	}
	var c vpslink.Contact
	ckey := map[string]string{"Idempotency-Key": "contact-1"}
	e.do(req{method: "POST", path: "/api/contacts", header: ckey, body: `{"phone":"4930123456","name":"Bob"}`}).ok(t, 201, &c)
	e.do(req{method: "POST", path: "/api/contacts", header: ckey, body: `{"phone":"4930123456","name":"Bob"}`}).ok(t, 201, &c)
}

func TestIdempotency_ConcurrentRepeatsCreateOne(t *testing.T) {
	e := newEnv(t)
	body := `{"to_phone":"491511234567","message":"race","scheduled_at":"2026-12-24T09:00:00Z"}`
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Go(func() {
			r := e.do(req{method: "POST", path: "/api/messages", body: body, header: map[string]string{"Idempotency-Key": "same"}})
			bodies[i] = fmt.Sprint(r.code, string(r.body))
		})
	}
	wg.Wait()
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Fatalf("different answers: %s vs %s", b, bodies[0])
		}
	}
	if env := e.do(req{path: "/api/messages"}).ok(t, 200, nil); *env.Total != 1 {
		t.Fatalf("%d messages", *env.Total)
	}
}
