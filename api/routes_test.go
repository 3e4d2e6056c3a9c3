package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestHealthz_OpenWithoutData(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{path: "/healthz", noAuth: true, remote: "203.0.113.9:5000"})
	if r.code != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"status":"ok"}` {
		t.Fatalf("%d %s", r.code, r.body)
	}
}

func TestContacts(t *testing.T) {
	e := newEnv(t)
	var c vpslink.Contact
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"+49 151 1234567","name":"Anna","aliases":["Mum"],
		"tags":["family"],"is_favorite":true,"timezone":"Europe/Berlin","notes":"n"}`}).ok(t, 201, &c)
	if c.Phone != "491511234567" || c.Name != "Anna" || !c.IsFavorite || c.Timezone != "Europe/Berlin" || c.ID == 0 {
		t.Fatalf("created %+v", c)
	}
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"4930123456","name":"Bob","tags":["work"]}`}).ok(t, 201, nil)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"491511234567","name":"Dup"}`}).fails(t, 409, "CONFLICT", "")

	for _, tc := range []struct {
		query string
		want  []string
		total int
	}{
		{"", []string{"Anna", "Bob"}, 2},
		{"?search=mum", []string{"Anna"}, 1},
		{"?search=4930", []string{"Bob"}, 1},
		{"?favorite=true", []string{"Anna"}, 1},
		{"?favorite=false", []string{"Bob"}, 1},
		{"?tag=work", []string{"Bob"}, 1},
		{"?limit=1&offset=1", []string{"Bob"}, 2},
	} {
		var list []vpslink.Contact
		env := e.do(req{path: "/api/contacts" + tc.query}).ok(t, 200, &list)
		var names []string
		for _, c := range list {
			names = append(names, c.Name)
		}
		if fmt.Sprint(names) != fmt.Sprint(tc.want) || *env.Total != tc.total {
			t.Fatalf("%s: %v total %d", tc.query, names, *env.Total)
		}
	}
	env := e.do(req{path: "/api/contacts?limit=1&offset=1"}).ok(t, 200, nil)
	if *env.Limit != 1 || *env.Offset != 1 {
		t.Fatalf("paging echoed as %d/%d", *env.Limit, *env.Offset)
	}

	e.do(req{path: "/api/contacts/+491511234567"}).ok(t, 200, &c)
	if c.Name != "Anna" {
		t.Fatalf("get %+v", c)
	}
	e.do(req{method: "PATCH", path: "/api/contacts/491511234567", body: `{"name":"Anna B","is_favorite":false}`}).ok(t, 200, &c)
	if c.Name != "Anna B" || c.IsFavorite || c.Timezone != "Europe/Berlin" {
		t.Fatalf("patched %+v", c)
	}
	e.do(req{method: "PATCH", path: "/api/contacts/491511234567", body: `{"phone":"1"}`}).fails(t, 400, "VALIDATION_ERROR", "phone")
	e.do(req{method: "PATCH", path: "/api/contacts/491511234567", body: `{"timezone":"Mars/Base"}`}).fails(t, 400, "VALIDATION_ERROR", "timezone")
	e.do(req{method: "DELETE", path: "/api/contacts/4930123456"}).ok(t, 200, nil)
	e.do(req{path: "/api/contacts/4930123456"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{method: "DELETE", path: "/api/contacts/4930123456"}).fails(t, 404, "NOT_FOUND", "")
}

// A contact whose phone was kept as it was typed carries phone_problem and
// is corrected with PATCH phone.
func TestContacts_FlaggedPhone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ImportContact(ctx, &vpslink.Contact{Phone: "12", Name: "Old"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var c vpslink.Contact
	if e.do(req{path: "/api/contacts/12"}).ok(t, 200, &c); c.PhoneProblem == "" {
		t.Fatalf("flagged contact without phone_problem: %+v", c)
	}
	c = vpslink.Contact{}
	if e.do(req{method: "PATCH", path: "/api/contacts/12", body: `{"phone":"+49 151 7654321"}`}).ok(t, 200, &c); c.Phone != "491517654321" || c.PhoneProblem != "" {
		t.Fatalf("corrected %+v", c)
	}
}

func TestMessages(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"491511234567","name":"Anna","timezone":"Europe/Berlin"}`}).ok(t, 201, nil)
	before := e.sched.notifications()

	var m vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages",
		body: `{"to_phone":"+49 151 1234567","message":"hello","scheduled_at":"2026-12-24T18:00:00+01:00"}`}).ok(t, 201, &m)
	if m.ID == "" || m.ToPhone != "491511234567" || m.Status != "pending" || m.ContactName != "Anna" ||
		!m.ScheduledAt.Equal(time.Date(2026, 12, 24, 17, 0, 0, 0, time.UTC)) || m.CreatedFrom != "api" {
		t.Fatalf("created %+v", m)
	}
	if e.sched.notifications() <= before {
		t.Fatal("a create did not notify the scheduler")
	}

	// Local times: the request's zone, else the contact's.
	var local, fallback vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages",
		body: `{"to_phone":"491511234567","message":"ny","scheduled_at":"2026-12-25 09:00","timezone":"America/New_York"}`}).ok(t, 201, &local)
	if !local.ScheduledAt.Equal(time.Date(2026, 12, 25, 14, 0, 0, 0, time.UTC)) || local.RecipientTimezone != "America/New_York" {
		t.Fatalf("local time: %+v", local)
	}
	e.do(req{method: "POST", path: "/api/messages",
		body: `{"to_phone":"491511234567","message":"berlin","scheduled_at":"2026-12-26 09:00"}`}).ok(t, 201, &fallback)
	if !fallback.ScheduledAt.Equal(time.Date(2026, 12, 26, 8, 0, 0, 0, time.UTC)) || fallback.RecipientTimezone != "Europe/Berlin" {
		t.Fatalf("contact's zone: %+v", fallback)
	}
	// A new phone: no zone to fall back on, and the contact is created.
	e.do(req{method: "POST", path: "/api/messages",
		body: `{"to_phone":"4930111222","message":"x","scheduled_at":"2026-12-26 09:00"}`}).fails(t, 400, "VALIDATION_ERROR", "scheduled_at")
	var m2 vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages",
		body: `{"to_phone":"4930111222","message":"x","scheduled_at":"2026-12-27T10:00:00Z","contact_name":"Carl"}`}).ok(t, 201, &m2)
	e.do(req{path: "/api/contacts/4930111222"}).ok(t, 200, nil)

	var list []vpslink.ScheduledMessage
	env := e.do(req{path: "/api/messages?status=pending&to=491511234567&from=2026-12-25T00:00:00Z&until=2026-12-31T00:00:00Z"}).ok(t, 200, &list)
	if *env.Total != 2 || len(list) != 2 || list[0].ID != local.ID {
		t.Fatalf("filtered list: total %d %+v", *env.Total, list)
	}
	e.do(req{path: "/api/messages/" + m.ID}).ok(t, 200, &m)

	var edited vpslink.ScheduledMessage
	e.do(req{method: "PATCH", path: "/api/messages/" + m.ID, body: `{"message":"edited","scheduled_at":"2026-12-24 20:00"}`}).ok(t, 200, &edited)
	if edited.Message != "edited" || !edited.ScheduledAt.Equal(time.Date(2026, 12, 24, 19, 0, 0, 0, time.UTC)) {
		t.Fatalf("patched %+v", edited)
	}
	e.do(req{method: "PATCH", path: "/api/messages/" + m.ID, body: `{"timezone":"Europe/Paris"}`}).fails(t, 400, "VALIDATION_ERROR", "timezone")
	e.do(req{method: "PATCH", path: "/api/messages/" + m.ID, body: `{"message":""}`}).fails(t, 400, "VALIDATION_ERROR", "message")

	var cancelled vpslink.ScheduledMessage
	e.do(req{method: "DELETE", path: "/api/messages/" + m.ID}).ok(t, 200, &cancelled)
	if cancelled.Status != "cancelled" {
		t.Fatalf("deleted %+v", cancelled)
	}
	e.do(req{method: "PATCH", path: "/api/messages/" + m.ID, body: `{"message":"late"}`}).fails(t, 409, "CONFLICT", "")

	// Resending the cancelled message: a new pending one, linked, at the
	// time given (wall clock in the message's zone), or now; the original
	// stays as it was.
	var resent, resentNow vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages/" + m.ID + "/resend", body: `{"scheduled_at":"2026-12-28 10:00"}`}).ok(t, 201, &resent)
	if resent.ID == m.ID || resent.ResentFrom != m.ID || resent.Status != "pending" || resent.Message != "edited" ||
		resent.ToPhone != m.ToPhone || !resent.ScheduledAt.Equal(time.Date(2026, 12, 28, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("resent %+v", resent)
	}
	e.do(req{method: "POST", path: "/api/messages/" + m.ID + "/resend"}).ok(t, 201, &resentNow)
	if resentNow.ResentFrom != m.ID || resentNow.ScheduledAt.IsZero() {
		t.Fatalf("resent now %+v", resentNow)
	}
	e.do(req{path: "/api/messages/" + m.ID}).ok(t, 200, &cancelled)
	if cancelled.Status != "cancelled" || cancelled.ResentFrom != "" {
		t.Fatalf("the original after its resend: %+v", cancelled)
	}
	e.do(req{method: "POST", path: "/api/messages/" + resent.ID + "/resend"}).fails(t, 409, "CONFLICT", "")
	e.do(req{method: "POST", path: "/api/messages/" + m.ID + "/resend", body: `{"timezone":"Europe/Paris"}`}).fails(t, 400, "VALIDATION_ERROR", "timezone")
	e.do(req{method: "POST", path: "/api/messages/" + m.ID + "/resend", body: `{"scheduled_at":"soon"}`}).fails(t, 400, "VALIDATION_ERROR", "scheduled_at")
	e.do(req{method: "POST", path: "/api/messages/nope/resend"}).fails(t, 404, "NOT_FOUND", "")

	// A message being sent can be neither cancelled nor edited.
	c, err := e.db.ClaimMessage(context.Background(), m2.ID, m2.ScheduledAt, 0)
	if err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	e.do(req{method: "DELETE", path: "/api/messages/" + m2.ID}).fails(t, 409, "CONFLICT", "")
	e.do(req{method: "PATCH", path: "/api/messages/" + m2.ID, body: `{"message":"x"}`}).fails(t, 409, "CONFLICT", "")
	e.do(req{path: "/api/messages/nope"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{method: "DELETE", path: "/api/messages/nope"}).fails(t, 404, "NOT_FOUND", "")
}

func TestJobs(t *testing.T) {
	e := newEnv(t)
	body := `{"title":"Xmas","scheduled_start_at":"2026-12-24T09:00:00Z",
		"recipients":["+49 151 1234567","4930111222@s.whatsapp.net","123-456@g.us"],
		"message_parts":[{"text":"Merry","delayAfterSeconds":2.5},{"text":"Christmas","delayAfterSeconds":null}],
		"config":{"recipientGapSeconds":30,"maxRetries":1}}`
	var j vpslink.Job
	e.do(req{method: "POST", path: "/api/jobs", body: body}).ok(t, 201, &j)
	if j.ID == "" || j.Status != "pending" || j.Recipients[0] != "491511234567@s.whatsapp.net" ||
		j.Config.RecipientGapSeconds != 30 || *j.MessageParts[0].DelayAfterSeconds != 2.5 {
		t.Fatalf("created %+v", j)
	}
	var untitled vpslink.Job
	e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24 09:00","timezone":"Europe/Berlin",
		"recipients":["491511234567"],"message_parts":[{"text":"hi","delayAfterSeconds":null}]}`}).ok(t, 201, &untitled)
	if untitled.Title != "hi" || !untitled.ScheduledStartAt.Equal(time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("untitled %+v", untitled)
	}

	var list []vpslink.Job
	env := e.do(req{path: "/api/jobs?status=pending&limit=10"}).ok(t, 200, &list)
	if *env.Total != 2 || len(list) != 2 {
		t.Fatalf("list %d", *env.Total)
	}
	e.do(req{method: "PATCH", path: "/api/jobs/" + j.ID, body: `{"title":"Christmas","config":{"recipientGapSeconds":60,"maxRetries":0}}`}).ok(t, 200, &j)
	if j.Title != "Christmas" || j.Config.RecipientGapSeconds != 60 {
		t.Fatalf("patched %+v", j)
	}
	e.do(req{method: "PATCH", path: "/api/jobs/" + j.ID, body: `{"recipients":[]}`}).fails(t, 400, "VALIDATION_ERROR", "recipients")

	// One step sent: GET shows progress and per-recipient results.
	ctx := context.Background()
	c, err := e.db.ClaimJobStep(ctx, j.ID, 0, 0, j.ScheduledStartAt, 0)
	if err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	if err := e.db.FinishJobStep(ctx, c.Delivery, store.Outcome{State: vpslink.DeliverySent, At: j.ScheduledStartAt},
		func(store.Outcome) store.JobProgress {
			return store.JobProgress{CurrentRecipientIndex: 0, CurrentPartIndex: 1, LastSentAt: &j.ScheduledStartAt}
		}); err != nil {
		t.Fatal(err)
	}
	var detail struct {
		vpslink.Job
		Progress struct{ Recipients, Done, Percent int }
		Results  []struct {
			RecipientIndex int    `json:"recipient_index"`
			Recipient      string `json:"recipient"`
			Deliveries     []vpslink.Delivery
		}
	}
	e.do(req{path: "/api/jobs/" + j.ID}).ok(t, 200, &detail)
	if detail.Status != "running" || detail.Progress.Recipients != 3 || len(detail.Results) != 3 ||
		len(detail.Results[0].Deliveries) != 1 || detail.Results[0].Deliveries[0].WAMessageID != c.Delivery.WAMessageID ||
		detail.Results[0].Deliveries[0].State != "sent" || len(detail.Results[1].Deliveries) != 0 {
		t.Fatalf("detail %+v", detail)
	}
	e.do(req{method: "PATCH", path: "/api/jobs/" + j.ID, body: `{"title":"late"}`}).fails(t, 409, "CONFLICT", "")

	for _, step := range []struct{ action, want string }{
		{"pause", "paused"}, {"pause", "paused"}, {"resume", "running"}, {"cancel", "cancelled"},
	} {
		e.do(req{method: "POST", path: "/api/jobs/" + j.ID + "/" + step.action}).ok(t, 200, &j)
		if j.Status != step.want {
			t.Fatalf("%s: %s", step.action, j.Status)
		}
	}
	e.do(req{method: "POST", path: "/api/jobs/" + j.ID + "/resume"}).fails(t, 409, "CONFLICT", "")
	e.do(req{method: "DELETE", path: "/api/jobs/" + untitled.ID}).ok(t, 200, &untitled)
	if untitled.Status != "cancelled" || untitled.CancelledAt == nil {
		t.Fatalf("delete cancels: %+v", untitled)
	}
	e.do(req{method: "POST", path: "/api/jobs/nope/pause"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{method: "POST", path: "/api/jobs/" + j.ID + "/pause", body: `{"x":1}`}).fails(t, 400, "VALIDATION_ERROR", "x")
}

func TestChats(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	chat := "491511234567@s.whatsapp.net"
	b := store.WABatch{
		Chats: []store.WAChat{{ID: chat, Name: "Anna", UnreadCount: 2, LastMessageTime: 300},
			{ID: "123-456@g.us", Name: "Group", IsGroup: true, LastMessageTime: 100}},
	}
	for i := range 5 {
		b.Messages = append(b.Messages, store.WAMessage{ChatMessage: vpslink.ChatMessage{ChatID: chat, Message: fmt.Sprintf("m%d", i),
			Timestamp: int64(100 + 50*i), MessageType: "text", WAMessageID: fmt.Sprintf("W%d", i)}})
	}
	if _, err := e.db.IngestWhatsApp(ctx, b); err != nil {
		t.Fatal(err)
	}
	var chats []vpslink.Chat
	env := e.do(req{path: "/api/chats"}).ok(t, 200, &chats)
	if *env.Total != 2 || chats[0].ID != chat {
		t.Fatalf("chats %+v", chats)
	}
	e.do(req{path: "/api/chats?unread=true"}).ok(t, 200, &chats)
	if len(chats) != 1 {
		t.Fatalf("unread %+v", chats)
	}
	var detail struct {
		vpslink.Chat
		Messages []vpslink.ChatMessage
	}
	e.do(req{path: "/api/chats/" + chat + "?limit=2&before=300"}).ok(t, 200, &detail)
	if detail.Name != "Anna" || len(detail.Messages) != 2 || detail.Messages[0].Message != "m3" || detail.Messages[1].Message != "m2" {
		t.Fatalf("detail %+v", detail)
	}
	var read vpslink.Chat
	e.do(req{method: "POST", path: "/api/chats/" + chat + "/read"}).ok(t, 200, &read)
	if read.UnreadCount != 0 {
		t.Fatalf("read %+v", read)
	}
	e.do(req{path: "/api/chats/nope@s.whatsapp.net"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{method: "POST", path: "/api/chats/nope@s.whatsapp.net/read"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{path: "/api/chats/" + chat + "?before=-1"}).fails(t, 400, "VALIDATION_ERROR", "before")
}

func TestStatsAndHealth(t *testing.T) {
	e := newEnv(t, func(c *api.Config) {
		c.Health = api.HealthSources{
			WhatsApp: func() api.WhatsAppState { return api.WhatsAppState{State: "connected", Connected: true} },
			Replication: func() api.ReplicationState {
				lag := 1.5
				return api.ReplicationState{Mode: "child", Up: true, LagSeconds: &lag}
			},
			LastBackup: func() time.Time { return storetest.Now.Add(-time.Hour) },
		}
	})
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"a","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, nil)
	e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["491511234567"],
		"message_parts":[{"text":"hi","delayAfterSeconds":null}]}`}).ok(t, 201, nil)

	var st struct{ Messages, Jobs map[string]int }
	e.do(req{path: "/api/stats"}).ok(t, 200, &st)
	if st.Messages["pending"] != 1 || st.Messages["sent"] != 0 || len(st.Messages) != 5 || st.Jobs["pending"] != 1 || len(st.Jobs) != 6 {
		t.Fatalf("stats %+v", st)
	}

	r := e.do(req{path: "/health"})
	var h map[string]any
	if err := json.Unmarshal(r.body, &h); err != nil || r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	want := map[string]any{"status": "ok", "connected": true, "pendingMessages": 1.0, "pendingJobs": 1.0, "sender": "dryrun",
		"version": vpslink.Version, "last_backup_at": "2026-11-27T11:00:00Z"}
	for k, v := range want {
		if h[k] != v {
			t.Fatalf("health[%s] = %v, want %v (%s)", k, h[k], v, r.body)
		}
	}
	if wa := h["whatsapp"].(map[string]any); wa["state"] != "connected" {
		t.Fatalf("whatsapp %v", wa)
	}
	if rep := h["replication"].(map[string]any); rep["lag_seconds"] != 1.5 || rep["up"] != true {
		t.Fatalf("replication %v", rep)
	}
	if _, ok := h["success"]; ok {
		t.Fatal("/health must be the bare object")
	}

	e.do(req{method: "POST", path: "/scheduler/stop"}).ok(t, 200, nil)
	json.Unmarshal(e.do(req{path: "/health"}).body, &h)
	if h["status"] != "degraded" || h["sending_stopped"] != true {
		t.Fatalf("stopped health %v", h)
	}
	e.do(req{method: "POST", path: "/scheduler/start"}).ok(t, 200, nil)

	// A post-restore review degrades the health until it is ended.
	if h["restore_review"] != nil {
		t.Fatalf("restore_review without a restore: %v", h["restore_review"])
	}
	if err := e.db.SetSetting(context.Background(), "restore_review", `{"since":"2026-11-27T11:00:00Z","reasons":["r"],"messages":3,"jobs":1}`); err != nil {
		t.Fatal(err)
	}
	h = nil
	json.Unmarshal(e.do(req{path: "/health"}).body, &h)
	if review, _ := h["restore_review"].(map[string]any); h["status"] != "degraded" || review["messages"] != 3.0 || review["jobs"] != 1.0 {
		t.Fatalf("health with a review pending %v", h)
	}
	var ended struct{ Ended bool }
	if e.do(req{method: "POST", path: "/api/restore-review/done"}).ok(t, 200, &ended); !ended.Ended {
		t.Fatal("the pending review was not ended")
	}
	if e.do(req{method: "POST", path: "/api/restore-review/done"}).ok(t, 200, &ended); ended.Ended {
		t.Fatal("a second end ended something")
	}
	h = nil
	json.Unmarshal(e.do(req{path: "/health"}).body, &h)
	if h["status"] != "ok" || h["restore_review"] != nil || h["scheduler_problem"] != nil {
		t.Fatalf("health after the review %v", h)
	}

	// A write the database refused degrades the health, saying which and why.
	e.sched.mu.Lock()
	e.sched.problem = "message m1: the database refused to record it: CHECK constraint failed"
	e.sched.mu.Unlock()
	h = nil
	json.Unmarshal(e.do(req{path: "/health"}).body, &h)
	if h["status"] != "degraded" || h["scheduler_problem"] != e.sched.Problem() {
		t.Fatalf("health with a refused write %v", h)
	}
}

func TestSchedulerRoutes(t *testing.T) {
	e := newEnv(t)
	before := e.sched.notifications()
	env := e.do(req{method: "POST", path: "/scheduler/refresh"}).ok(t, 200, nil)
	if env.Message != "Scheduler state refreshed" || e.sched.notifications() != before+1 {
		t.Fatalf("refresh: %+v", env)
	}
	var state struct {
		Stopped bool `json:"sending_stopped"`
	}
	e.do(req{method: "POST", path: "/scheduler/stop"}).ok(t, 200, &state)
	if !state.Stopped || !e.sched.Stopped() {
		t.Fatal("stop did not stop")
	}
	e.do(req{method: "POST", path: "/scheduler/start", body: `{}`}).ok(t, 200, &state)
	if state.Stopped {
		t.Fatal("start did not start")
	}
}

// The two calls of the web UI's migration plan, exactly as it makes them:
// the refresh with a JSON content type and no body, and the health check,
// each with only X-API-Secret.
func TestSeedPlanCalls(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "POST", path: "/scheduler/refresh", header: map[string]string{"Content-Type": "application/json"}})
	var refresh map[string]any
	if err := json.Unmarshal(r.body, &refresh); err != nil || r.code != 200 ||
		fmt.Sprint(refresh) != "map[message:Scheduler state refreshed success:true]" {
		t.Fatalf("refresh: %d %s", r.code, r.body)
	}
	r = e.do(req{path: "/health"})
	var health map[string]any
	if err := json.Unmarshal(r.body, &health); err != nil || r.code != 200 || health["status"] != "ok" {
		t.Fatalf("health: %d %s", r.code, r.body)
	}
	for _, field := range []string{"connected", "pendingMessages", "pendingJobs"} {
		if _, ok := health[field]; !ok {
			t.Errorf("health has no %s: %s", field, r.body)
		}
	}
}

func TestRoutes_MethodsHeadCacheBusterCORS(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.CORSOrigins = []string{"https://app.example.com/"} })

	r := e.do(req{method: "PUT", path: "/api/messages"})
	r.fails(t, 405, "METHOD_NOT_ALLOWED", "")
	if got := r.header.Get("Allow"); got != "GET, HEAD, POST" {
		t.Fatalf("Allow %q", got)
	}
	r = e.do(req{method: "POST", path: "/api/messages/abc"})
	r.fails(t, 405, "METHOD_NOT_ALLOWED", "")
	if got := r.header.Get("Allow"); got != "GET, HEAD, PATCH, DELETE" {
		t.Fatalf("Allow %q", got)
	}
	e.do(req{method: "PUT", path: "/api/nope"}).fails(t, 404, "NOT_FOUND", "")

	if r := e.do(req{method: "HEAD", path: "/api/stats"}); r.code != 200 {
		t.Fatalf("HEAD /api/stats: %d", r.code)
	}
	e.do(req{path: "/api/messages?_=1700000000&status=pending"}).ok(t, 200, nil)
	e.do(req{path: "/api/messages?__=1"}).fails(t, 400, "VALIDATION_ERROR", "__")

	// A preflight needs neither an allowed IP nor the secret.
	pre := func(origin string) *resp {
		return e.do(req{method: "OPTIONS", path: "/api/messages", noAuth: true, remote: "203.0.113.7:1",
			header: map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST",
				"Access-Control-Request-Headers": "content-type, x-api-secret"}})
	}
	r = pre("https://app.example.com")
	if r.code != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "X-API-Secret") {
		t.Fatalf("preflight: %d %v", r.code, r.header)
	}
	if r = pre("https://evil.example"); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin allowed: %v", r.header)
	}
	r = e.do(req{path: "/api/stats", header: map[string]string{"Origin": "https://app.example.com"}})
	if r.code != 200 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("simple request: %d %v", r.code, r.header)
	}
	// The real request still needs the secret.
	e.do(req{path: "/api/stats", noAuth: true, header: map[string]string{"Origin": "https://app.example.com"}}).fails(t, 401, "UNAUTHORIZED", "")

	// No origins configured: no CORS headers at all.
	plain := newEnv(t)
	r = plain.do(req{path: "/api/stats", header: map[string]string{"Origin": "https://app.example.com"}})
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS without configuration: %v", r.header)
	}
}

func TestMessages_NewRecipientBringsItsName(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"491511234567","name":"Anna"}`}).ok(t, 201, nil)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"491517654321","name":"Bob"}`}).ok(t, 201, nil)
	var m vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, &m)
	if m.ContactName != "Anna" {
		t.Fatalf("created with name %q", m.ContactName)
	}
	e.do(req{method: "PATCH", path: "/api/messages/" + m.ID, body: `{"to_phone":"491517654321"}`}).ok(t, 200, &m)
	if m.ToPhone != "491517654321" || m.ContactName != "Bob" {
		t.Fatalf("after a new recipient: %s %q", m.ToPhone, m.ContactName)
	}
	e.do(req{method: "PATCH", path: "/api/messages/" + m.ID, body: `{"to_phone":"491511111111"}`}).ok(t, 200, &m)
	if m.ContactName == "Bob" {
		t.Fatalf("a phone without a contact kept the old name %q", m.ContactName)
	}
	e.do(req{method: "PATCH", path: "/api/messages/" + m.ID, body: `{"to_phone":"491511234567","contact_name":"Mum"}`}).ok(t, 200, &m)
	if m.ContactName != "Mum" {
		t.Fatalf("an explicit name was not kept: %q", m.ContactName)
	}
}

func TestJobs_ConfigDefaultsMergeAndDuplicates(t *testing.T) {
	e := newEnv(t)
	var j vpslink.Job
	e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24T09:00:00Z",
		"recipients":["447779299086","447779299086@s.whatsapp.net","+44 7779 299086","4930111222"],
		"message_parts":[{"text":"hi"}]}`}).ok(t, 201, &j)
	if j.Config.RecipientGapSeconds != 30 || j.Config.MaxRetries != 3 {
		t.Fatalf("default config %+v, want the settings' 30 s gap and 3 retries", j.Config)
	}
	if fmt.Sprint(j.Recipients) != "[447779299086@s.whatsapp.net 4930111222@s.whatsapp.net]" ||
		fmt.Sprint(j.DuplicateRecipients) != "[447779299086@s.whatsapp.net +44 7779 299086]" {
		t.Fatalf("recipients %v, duplicates %v", j.Recipients, j.DuplicateRecipients)
	}
	e.do(req{method: "PATCH", path: "/api/jobs/" + j.ID, body: `{"config":{"maxRetries":5}}`}).ok(t, 200, &j)
	if j.Config.RecipientGapSeconds != 30 || j.Config.MaxRetries != 5 {
		t.Fatalf("config after a partial PATCH %+v", j.Config)
	}
	e.do(req{method: "GET", path: "/api/jobs/" + j.ID}).ok(t, 200, &j)
	if len(j.Recipients) != 2 || j.Config.RecipientGapSeconds != 30 {
		t.Fatalf("stored %+v", j)
	}
}

func TestContacts_DeleteKeepsHistory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"491511234567","name":"Anna"}`}).ok(t, 201, nil)
	var sent, done, pending vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"sent","scheduled_at":"2026-12-23T09:00:00Z"}`}).ok(t, 201, &sent)
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"old","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, &done)
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"new","scheduled_at":"2026-12-25T09:00:00Z"}`}).ok(t, 201, &pending)
	e.do(req{method: "DELETE", path: "/api/messages/" + done.ID}).ok(t, 200, nil)
	c, err := e.db.ClaimMessage(ctx, sent.ID, sent.ScheduledAt, 0)
	if err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	e.db.FinishMessage(c.Delivery, store.Outcome{State: vpslink.DeliverySent, At: sent.ScheduledAt})
	if err := e.db.FlushResults(ctx); err != nil {
		t.Fatal(err)
	}

	r := e.do(req{method: "DELETE", path: "/api/contacts/491511234567"})
	r.fails(t, 409, "CONFLICT", "")
	if !strings.Contains(string(r.body), pending.ID) || strings.Contains(string(r.body), done.ID) {
		t.Fatalf("the conflict must name the pending message only: %s", r.body)
	}
	e.do(req{method: "DELETE", path: "/api/messages/" + pending.ID}).ok(t, 200, nil)
	e.do(req{method: "DELETE", path: "/api/contacts/491511234567"}).ok(t, 200, nil)
	e.do(req{path: "/api/contacts/491511234567"}).fails(t, 404, "NOT_FOUND", "")
	for id, status := range map[string]string{sent.ID: vpslink.MessageSent, done.ID: vpslink.MessageCancelled} {
		var kept vpslink.ScheduledMessage
		e.do(req{path: "/api/messages/" + id}).ok(t, 200, &kept)
		if kept.Status != status || kept.ToPhone != "491511234567" || kept.ContactName != "Anna" {
			t.Fatalf("history lost its recipient: %+v", kept)
		}
	}

	// A message to an unknown phone makes a contact that can go again once
	// its message is history.
	var m vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491519999999","message":"x","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, &m)
	e.do(req{method: "DELETE", path: "/api/messages/" + m.ID}).ok(t, 200, nil)
	e.do(req{method: "DELETE", path: "/api/contacts/491519999999"}).ok(t, 200, nil)
}

func TestContacts_NewPhoneMovesMessages(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"491511234567","name":"Anna"}`}).ok(t, 201, nil)
	var m vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, &m)
	e.do(req{method: "PATCH", path: "/api/contacts/491511234567", body: `{"phone":"491517654321"}`}).ok(t, 200, nil)
	e.do(req{path: "/api/messages/" + m.ID}).ok(t, 200, &m)
	if m.ToPhone != "491517654321" {
		t.Fatalf("message stayed at %s", m.ToPhone)
	}
}

func TestMessages_Recurring(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"12125550100","name":"Sam","timezone":"America/New_York"}`}).ok(t, 201, nil)
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"12125550100","message":"hi","scheduled_at":"2027-10-29 09:00","recurrence":"FREQ=HOURLY"}`}).
		fails(t, 400, "VALIDATION_ERROR", "recurrence")
	var m vpslink.ScheduledMessage
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"12125550100","message":"hi","scheduled_at":"2027-10-29 09:00","recurrence":"freq=weekly"}`}).ok(t, 201, &m)
	// 09:00 in New York before and after the clocks go back.
	want := "[2027-10-29 13:00:00 +0000 UTC 2027-11-05 13:00:00 +0000 UTC 2027-11-12 14:00:00 +0000 UTC]"
	if m.Recurrence != "FREQ=WEEKLY" || m.SeriesID != m.ID || m.RecipientTimezone != "America/New_York" || fmt.Sprint(m.NextOccurrences) != want {
		t.Fatalf("created %q %q %q %v", m.Recurrence, m.SeriesID, m.RecipientTimezone, m.NextOccurrences)
	}
	e.do(req{method: "DELETE", path: "/api/messages/" + m.ID + "?scope=all"}).fails(t, 400, "VALIDATION_ERROR", "scope")
	e.do(req{method: "DELETE", path: "/api/messages/" + m.ID + "?scope=series"}).ok(t, 200, &m)
	var list []vpslink.ScheduledMessage
	e.do(req{path: "/api/messages?status=pending"}).ok(t, 200, &list)
	if m.Status != vpslink.MessageCancelled || len(list) != 0 {
		t.Fatalf("after cancelling the series: %s, %d pending", m.Status, len(list))
	}
}

// A paused job has no next step: its record shows next_step_at null
// however long ago the step it stopped before was due. On resume the step
// goes at its time, or at once when that has passed, and the record says
// which.
func TestJobs_PausedNextStep(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, due, wantResumed string
		started                bool
	}{
		{"due an hour ago", "2026-11-27T11:00:05.000Z", "2026-11-27T12:00:00Z", true},
		{"due in 30 s", "2026-11-27T12:00:30.000Z", "2026-11-27T12:00:30Z", true},
		// Paused before its start, resumed an hour after it: it starts
		// now instead of failing as missed.
		{"start passed while paused", "", "2026-11-27T12:00:00Z", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var j vpslink.Job
			e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24T09:00:00Z",
				"recipients":["491511234567"],"message_parts":[{"text":"a","delayAfterSeconds":5},{"text":"b"}]}`}).ok(t, 201, &j)
			// The first part went out and the job was paused before the
			// second, or it was paused before it started.
			update := `UPDATE jobs SET status = 'paused', current_part_index = 1,
				last_sent_at = '2026-11-27T11:00:00.000Z', next_step_at = ? WHERE id = ?`
			args := []any{tc.due, j.ID}
			if !tc.started {
				update = `UPDATE jobs SET status = 'paused', scheduled_start_at = '2026-11-27T11:00:00.000Z' WHERE id = ?`
				args = args[1:]
			}
			if err := e.db.UpdateQuiet(ctx, func(tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, update, args...)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			e.do(req{path: "/api/jobs/" + j.ID}).ok(t, 200, &got)
			if got["status"] != "paused" || got["next_step_at"] != nil {
				t.Fatalf("paused job shows next_step_at %v", got["next_step_at"])
			}
			var list []map[string]any
			e.do(req{path: "/api/jobs?status=paused"}).ok(t, 200, &list)
			if len(list) == 0 || list[len(list)-1]["next_step_at"] != nil {
				t.Fatalf("paused job in the list: %v", list)
			}
			e.do(req{method: "POST", path: "/api/jobs/" + j.ID + "/resume"}).ok(t, 200, &got)
			wantStatus := map[bool]string{true: "running", false: "pending"}[tc.started]
			if got["status"] != wantStatus || got["next_step_at"] != tc.wantResumed {
				t.Fatalf("resumed: %v next_step_at %v, want %s", got["status"], got["next_step_at"], tc.wantResumed)
			}
			e.do(req{path: "/api/jobs/" + j.ID}).ok(t, 200, &got)
			if got["next_step_at"] != tc.wantResumed {
				t.Fatalf("after resume the record shows %v", got["next_step_at"])
			}
			e.do(req{method: "POST", path: "/api/jobs/" + j.ID + "/cancel"}).ok(t, 200, &got)
			if got["next_step_at"] != nil {
				t.Fatalf("cancelled job shows next_step_at %v", got["next_step_at"])
			}
		})
	}
}

// ?search is case-insensitive beyond ASCII, on contacts' names and aliases
// and on messages' text and recipients, whether the client sends "ü"
// composed or as "u" and a combining diaeresis (as macOS files names).
func TestSearch_NonASCII(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"491511234567","name":"Ümlaut"}`}).ok(t, 201, nil)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"4930123456","name":"Bob","aliases":["Onkel Jürgen"]}`}).ok(t, 201, nil)
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"4930123457","name":"Zoë","aliases":["ΣΟΦΊΑ"]}`}).ok(t, 201, nil)
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"4930123456","message":"Grüße aus KÖLN","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, nil)
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"hi","scheduled_at":"2026-12-24T10:00:00Z"}`}).ok(t, 201, nil)
	for _, tc := range []struct {
		path string
		want []string // contact names, or message texts
	}{
		{"/api/contacts?search=%C3%BC", []string{"Bob", "Ümlaut"}},        // ü: the name and the alias
		{"/api/contacts?search=%C3%9Cmlaut", []string{"Ümlaut"}},          // Ü
		{"/api/contacts?search=u%CC%88mlaut", []string{"Ümlaut"}},         // u + U+0308
		{"/api/contacts?search=J%C3%9CRGEN", []string{"Bob"}},             // JÜRGEN
		{"/api/contacts?search=%CF%83%CE%BF%CF%86", []string{"Zoë"}},      // σοφ
		{"/api/contacts?search=zo%C3%8B", []string{"Zoë"}},                // zoË
		{"/api/messages?search=k%C3%B6ln", []string{"Grüße aus KÖLN"}},    // köln in the text
		{"/api/messages?search=%C3%9C", []string{"Grüße aus KÖLN", "hi"}}, // Ü: the text, and Ümlaut's name
		{"/api/messages?search=j%C3%BCrgen", []string{"Grüße aus KÖLN"}},  // the recipient's alias
		{"/api/messages?search=%C3%BCmlaut", []string{"hi"}},              // the recipient's name
	} {
		var list []map[string]any
		e.do(req{path: tc.path}).ok(t, 200, &list)
		var got []string
		for _, v := range list {
			if s, ok := v["name"].(string); ok {
				got = append(got, s)
			} else {
				got = append(got, v["message"].(string))
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
		}
	}
}

// With a phone region, national numbers are read in it and a "(0)" trunk
// prefix is dropped; a number its country cannot have is refused naming
// the field.
func TestMessages_NationalPhones(t *testing.T) {
	if err := vpslink.SetPhoneRegion("GB"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vpslink.SetPhoneRegion("") })
	e := newEnv(t)
	for given, want := range map[string]string{"07700 900127": "447700900127", "+44 (0) 7700 900128": "447700900128", "0044 7700 900129": "447700900129"} {
		var m vpslink.ScheduledMessage
		e.do(req{method: "POST", path: "/api/messages", body: fmt.Sprintf(`{"to_phone":%q,"message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`, given)}).ok(t, 201, &m)
		if m.ToPhone != want {
			t.Errorf("%q stored as %s, want %s", given, m.ToPhone, want)
		}
	}
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"07700 9001","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`}).
		fails(t, 400, "VALIDATION_ERROR", "to_phone")
	e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"+44 7700 9001281234","name":"Long"}`}).fails(t, 400, "VALIDATION_ERROR", "phone")
}
