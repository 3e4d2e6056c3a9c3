package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func newJob() *vpslink.Job {
	delay := 5.0
	return &vpslink.Job{
		ScheduledStartAt: time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC),
		Recipients:       []string{"+49 151 0000001", "120363000000000000@g.us"},
		MessageParts:     []vpslink.MessagePart{{Text: "part one", DelayAfterSeconds: &delay}, {Text: "part two"}},
		Config:           vpslink.JobConfig{RecipientGapSeconds: 30, MaxRetries: 1},
	}
}

func TestJobs_CreateGetList(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	j := newJob()
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if j.Title != "part one" || j.Recipients[0] != "491510000001@s.whatsapp.net" {
		t.Fatalf("%+v", j)
	}
	got, err := db.GetJob(ctx, j.ID)
	if err != nil || got.Status != vpslink.JobPending || len(got.MessageParts) != 2 ||
		*got.MessageParts[0].DelayAfterSeconds != 5 || got.MessageParts[1].DelayAfterSeconds != nil ||
		got.Config.RecipientGapSeconds != 30 {
		t.Fatalf("get: %+v %v", got, err)
	}
	// The inner JSON keeps the seed's camelCase names.
	var parts, config string
	db.Reader().QueryRow(`SELECT message_parts, config FROM jobs WHERE id = ?`, j.ID).Scan(&parts, &config)
	if parts != `[{"text":"part one","delayAfterSeconds":5},{"text":"part two","delayAfterSeconds":null}]` ||
		config != `{"recipientGapSeconds":30,"maxRetries":1}` {
		t.Fatalf("stored JSON: %s %s", parts, config)
	}
	if _, err := db.GetJob(ctx, "nope"); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("missing: %v", err)
	}
	list, total, err := db.ListJobs(ctx, vpslink.JobFilter{Status: "pending"})
	if err != nil || total != 1 || list[0].ID != j.ID {
		t.Fatalf("list: %v %d %v", list, total, err)
	}
	if _, _, err := db.ListJobs(ctx, vpslink.JobFilter{Status: "x"}); vpslink.ErrorField(err) != "status" {
		t.Fatalf("bad status: %v", err)
	}
}

func TestJobs_Invalid(t *testing.T) {
	db := storetest.Open(t)
	neg := -1.0
	for _, tc := range []struct {
		name   string
		modify func(j *vpslink.Job)
		field  string
	}{
		{"no recipients", func(j *vpslink.Job) { j.Recipients = nil }, "recipients"},
		{"bad recipient", func(j *vpslink.Job) { j.Recipients[1] = "nobody" }, "recipients[1]"},
		{"no parts", func(j *vpslink.Job) { j.MessageParts = nil }, "message_parts"},
		{"empty part", func(j *vpslink.Job) { j.MessageParts[1].Text = "" }, "message_parts[1].text"},
		{"negative delay", func(j *vpslink.Job) { j.MessageParts[0].DelayAfterSeconds = &neg }, "message_parts[0].delayAfterSeconds"},
		{"negative gap", func(j *vpslink.Job) { j.Config.RecipientGapSeconds = -1 }, "config.recipientGapSeconds"},
		{"no start", func(j *vpslink.Job) { j.ScheduledStartAt = time.Time{} }, "scheduled_start_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := newJob()
			tc.modify(j)
			if err := db.CreateJob(context.Background(), j); vpslink.ErrorField(err) != tc.field {
				t.Fatalf("err = %v, want error on %s", err, tc.field)
			}
		})
	}
}

func TestJobs_StateChanges(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	j := newJob()
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func(*store.DB, context.Context, string) (*vpslink.Job, error)
		status string
		code   string
	}{
		{"resume pending", (*store.DB).ResumeJob, "", vpslink.ECONFLICT},
		{"pause", (*store.DB).PauseJob, vpslink.JobPaused, ""},
		{"pause again", (*store.DB).PauseJob, vpslink.JobPaused, ""},
		{"resume", (*store.DB).ResumeJob, vpslink.JobPending, ""},
		{"cancel", (*store.DB).CancelJob, vpslink.JobCancelled, ""},
		{"pause cancelled", (*store.DB).PauseJob, "", vpslink.ECONFLICT},
		{"resume cancelled", (*store.DB).ResumeJob, "", vpslink.ECONFLICT},
	}
	for _, s := range steps {
		got, err := s.change(db, ctx, j.ID)
		if vpslink.ErrorCode(err) != s.code {
			t.Fatalf("%s: %v", s.name, err)
		}
		if err == nil && got.Status != s.status {
			t.Fatalf("%s: status %s, want %s", s.name, got.Status, s.status)
		}
	}
	if got, _ := db.GetJob(ctx, j.ID); got.CancelledAt == nil {
		t.Fatal("cancelled_at not set")
	}
	title := "new"
	if _, err := db.UpdateJob(ctx, j.ID, vpslink.JobUpdate{Title: &title}); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("edit cancelled job: %v", err)
	}
}

func TestJobs_Update(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	j := newJob()
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	title, recipients := "Season's greetings", []string{"4915100000009"}
	got, err := db.UpdateJob(ctx, j.ID, vpslink.JobUpdate{Title: &title, Recipients: &recipients})
	if err != nil || got.Title != title || got.Recipients[0] != "4915100000009@s.whatsapp.net" {
		t.Fatalf("update: %+v %v", got, err)
	}
	empty := []vpslink.MessagePart{}
	if _, err := db.UpdateJob(ctx, j.ID, vpslink.JobUpdate{MessageParts: &empty}); vpslink.ErrorField(err) != "message_parts" {
		t.Fatalf("empty parts: %v", err)
	}
	if got, _ := db.GetJob(ctx, j.ID); len(got.MessageParts) != 2 {
		t.Fatal("failed update changed the row")
	}
	ds, err := db.JobDeliveries(ctx, j.ID)
	if err != nil || len(ds) != 0 {
		t.Fatalf("deliveries: %v %v", ds, err)
	}
}

// Editing a paused job that has not started keeps the step time the store
// holds for its resume (a quiet-hours deferral), though its record shows
// none; a new start replaces it.
func TestJobs_EditPausedKeepsStepTime(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	j := newJob()
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	const deferred = "2026-12-31T11:00:00.000Z"
	if err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET next_step_at = ? WHERE id = ?`, deferred, j.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PauseJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	column := func() (s *string) {
		t.Helper()
		if err := db.Reader().QueryRow(`SELECT next_step_at FROM jobs WHERE id = ?`, j.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	title := "renamed"
	got, err := db.UpdateJob(ctx, j.ID, vpslink.JobUpdate{Title: &title})
	if err != nil || got.NextStepAt != nil {
		t.Fatalf("edit: %+v %v", got, err)
	}
	if s := column(); s == nil || *s != deferred {
		t.Fatalf("the edit dropped the step time: %v", s)
	}
	start := time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	if _, err := db.UpdateJob(ctx, j.ID, vpslink.JobUpdate{ScheduledStartAt: &start}); err != nil {
		t.Fatal(err)
	}
	if s := column(); s != nil {
		t.Fatalf("a new start kept the old step time %s", *s)
	}
}
