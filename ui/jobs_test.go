package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

func TestJobs(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Ana", "")
	e.addContact("48601234567", "Żaneta", "", "Żan")
	good := url.Values{"title": {"News"}, "recipients": {"Ana\nżan\n"}, "parts": {"one\n---\ntwo"},
		"part_delay": {"2.5"}, "gap": {"10"}, "retries": {"1"}, "date": {"2026-12-24"}, "time": {"09:00"}, "timezone": {"Europe/Lisbon"}}
	for _, tc := range []struct{ field, value, wantField string }{
		{"recipients", "Nobody", "recipients"},
		{"recipients", "", "recipients"},
		{"parts", "\n---\n", "parts"},
		{"gap", "-1", "gap"},
		{"part_delay", "soon", "part_delay"},
		{"part_delay", "-0.5", "part_delay"},
		{"time", "", "scheduled_at"},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			form.Set(tc.field, tc.value)
			res := e.post("/jobs", form).mustStatus(t, http.StatusUnprocessableEntity)
			if !strings.Contains(res.body, `class="field-error"`) {
				t.Fatalf("no message next to %s:\n%s", tc.wantField, res.body)
			}
			if jobs, _, _ := e.db.ListJobs(context.Background(), vpslink.JobFilter{}); len(jobs) != 0 {
				t.Fatal("a refused form stored a job")
			}
		})
	}
	res := e.post("/jobs", good).mustStatus(t, http.StatusSeeOther)
	id := strings.TrimPrefix(res.header.Get("Location"), "/jobs/")
	j, err := e.db.GetJob(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if j.Title != "News" || len(j.Recipients) != 2 || len(j.MessageParts) != 2 || *j.MessageParts[0].DelayAfterSeconds != 2.5 ||
		j.MessageParts[1].DelayAfterSeconds != nil || j.Config.RecipientGapSeconds != 10 || j.ScheduledStartAt.UTC().Hour() != 9 {
		t.Fatalf("stored %+v", j)
	}
	e.get("/jobs").mustContain(t, "News", "<progress")
	e.get("/jobs/"+id).mustContain(t, "then wait 2.5 s", "not started", "<strong>Żaneta</strong>", `id="job-pause"`, `id="job-cancel"`)
	e.post("/jobs/"+id+"/pause", nil).mustStatus(t, http.StatusSeeOther)
	e.get("/jobs/"+id).mustContain(t, `id="job-resume"`)
	e.post("/jobs/"+id+"/resume", nil).mustStatus(t, http.StatusSeeOther)
	e.post("/jobs/"+id+"/cancel", nil).mustStatus(t, http.StatusSeeOther)
	e.post("/jobs/"+id+"/pause", nil).mustStatus(t, http.StatusConflict).mustContain(t, `role="alert"`)
	e.post("/jobs/"+id+"/explode", nil).mustStatus(t, http.StatusNotFound)
}

func TestChats(t *testing.T) {
	e := newEnv(t)
	e.login()
	ctx := context.Background()
	chat := "351911111111@s.whatsapp.net"
	b := store.WABatch{Chats: []store.WAChat{{ID: chat, Name: "<b>Ana</b>", UnreadCount: 2, LastMessageTime: 1764590000}}}
	for i := range 60 {
		b.Messages = append(b.Messages, store.WAMessage{ChatMessage: vpslink.ChatMessage{ChatID: chat,
			Message: fmt.Sprintf("message %02d", i), Timestamp: int64(1764500000 + i*60), MessageType: "text",
			WAMessageID: fmt.Sprintf("3EB0%04d", i), IsFromMe: i%2 == 0}})
	}
	if _, err := e.db.IngestWhatsApp(ctx, b); err != nil {
		t.Fatal(err)
	}
	e.get("/chats").mustContain(t, "&lt;b&gt;Ana&lt;/b&gt;")
	e.get("/chats?unread=1").mustContain(t, url.PathEscape(chat))
	res := e.get("/chats/"+url.PathEscape(chat)).mustStatus(t, http.StatusOK).mustContain(t, "message 59", "Older messages")
	if strings.Contains(res.body, "message 09") {
		t.Fatal("the first page holds more than 50 messages")
	}
	older := e.get("/chats/" + url.PathEscape(chat) + "?before=" + fmt.Sprint(1764500000+10*60))
	older.mustContain(t, "message 09", "message 00")
	e.post("/chats/"+url.PathEscape(chat)+"/read", nil).mustStatus(t, http.StatusSeeOther)
	if c, _ := e.db.GetChat(ctx, chat); c.UnreadCount != 0 {
		t.Fatalf("unread %d after mark read", c.UnreadCount)
	}
	e.get("/chats/nope").mustStatus(t, http.StatusNotFound)
}

func TestJobFormStartsFromTheSettings(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.get("/jobs/new").mustContain(t, `id="gap" name="gap" inputmode="numeric" value="30"`, `id="retries" name="retries" inputmode="numeric" value="3"`)
}
