package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestClaimMessage(t *testing.T) {
	ctx := context.Background()
	now := storetest.Now
	tests := []struct {
		name    string
		setup   func(db *store.DB, id string)
		at      time.Time
		want    store.ClaimStatus
		attempt int
	}{
		{"due and pending is claimed", func(db *store.DB, id string) {}, now, store.ClaimOK, 1},
		{"not due yet is skipped", func(db *store.DB, id string) {}, now.Add(-time.Second), store.ClaimSkip, 0},
		{"cancelled is skipped", func(db *store.DB, id string) { db.CancelMessage(ctx, id, "") }, now, store.ClaimSkip, 0},
		{"emergency stop", func(db *store.DB, id string) { db.SetSetting(ctx, store.SettingSendingStopped, "1") }, now, store.ClaimStopped, 0},
		{"claimed once is never claimed again", func(db *store.DB, id string) {
			db.ClaimMessage(ctx, id, now, 0)
		}, now, store.ClaimSkip, 0},
		{"not sent is claimed again", func(db *store.DB, id string) {
			c, _ := db.ClaimMessage(ctx, id, now, 0)
			db.FinishMessage(c.Delivery, store.Outcome{State: vpslink.DeliveryNotSent, Error: "offline", At: now})
		}, now, store.ClaimOK, 2},
		{"an unknown outcome put back to pending by hand is refused", func(db *store.DB, id string) {
			c, _ := db.ClaimMessage(ctx, id, now, 0)
			db.FinishMessage(c.Delivery, store.Outcome{State: vpslink.DeliveryUnknown, Error: "timeout", At: now})
			db.UpdateQuiet(ctx, func(tx *store.Tx) error {
				_, err := tx.ExecContext(context.Background(), `UPDATE scheduled_messages SET status = 'pending' WHERE id = ?`, id)
				return err
			})
		}, now, store.ClaimRefused, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.Open(t)
			m := storetest.CreateMessage(t, db, "491511234567", "hi", now)
			tt.setup(db, m.ID)
			c, err := db.ClaimMessage(ctx, m.ID, tt.at, 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != tt.want {
				t.Fatalf("claim status %d (%s), want %d", c.Status, c.Reason, tt.want)
			}
			if tt.want == store.ClaimOK {
				got, _ := db.GetMessage(ctx, m.ID)
				if c.Delivery.Attempts != tt.attempt || got.Status != vpslink.MessageSending || got.WAMessageID != c.Delivery.WAMessageID || !strings.HasPrefix(got.WAMessageID, "3EB0") {
					t.Fatalf("after claim: delivery %+v message %+v", c.Delivery, got)
				}
			}
		})
	}
}

// A send's outcome is written by the next write transaction (the next
// claim in a burst), by FlushResults, or when the database is closed.
func TestFinishMessage_WrittenWithNextWrite(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		write func(db *store.DB, next string) error
	}{
		{"next claim", func(db *store.DB, next string) error {
			_, err := db.ClaimMessage(ctx, next, db.Now(), 0)
			return err
		}},
		{"flush", func(db *store.DB, next string) error { return db.FlushResults(ctx) }},
		{"close", func(db *store.DB, next string) error { return db.Close() }},
		{"flush after a write that failed", func(db *store.DB, next string) error {
			failed := errors.New("refused")
			if err := db.Update(ctx, func(*store.Tx) error { return failed }); err != failed {
				return fmt.Errorf("failed write: %v", err)
			}
			return db.FlushResults(ctx)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "whatsapp.db")
			db := storetest.Open(t, storetest.WithPath(path))
			var ids []string
			for range 2 {
				m := storetest.CreateMessage(t, db, "491511234567", "hi", db.Now())
				ids = append(ids, m.ID)
			}
			c, err := db.ClaimMessage(ctx, ids[0], db.Now(), 0)
			if err != nil {
				t.Fatal(err)
			}
			db.FinishMessage(c.Delivery, store.Outcome{State: vpslink.DeliverySent, At: db.Now()})
			if got := messageStatus(t, path, ids[0]); got != vpslink.MessageSending {
				t.Fatalf("before the next write: %s", got)
			}
			if err := tt.write(db, ids[1]); err != nil {
				t.Fatal(err)
			}
			if got := messageStatus(t, path, ids[0]); got != vpslink.MessageSent {
				t.Fatalf("after the next write: %s", got)
			}
		})
	}
}

// A message deleted (by another tool) between its claim and the write of
// its outcome does not make later writes fail.
func TestFinishMessage_DeletedMessage(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	m, c := mustClaimNew(t, db)
	if err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `DELETE FROM scheduled_messages WHERE id = ?`, m.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.FinishMessage(c.Delivery, store.Outcome{State: vpslink.DeliverySent, At: db.Now()})
	if err := db.FlushResults(ctx); err != nil {
		t.Fatalf("flush: %v", err)
	}
	if err := db.CreateMessage(ctx, &vpslink.ScheduledMessage{ToPhone: "491511234567", Message: "next", ScheduledAt: db.Now()}); err != nil {
		t.Fatalf("a later write: %v", err)
	}
}

// mustClaimNew creates a message due now and claims it.
func mustClaimNew(t *testing.T, db *store.DB) (*vpslink.ScheduledMessage, *store.Claim) {
	t.Helper()
	m := storetest.CreateMessage(t, db, "491511234567", "hi", db.Now())
	c, err := db.ClaimMessage(context.Background(), m.ID, db.Now(), 0)
	if err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	return m, c
}

// messageStatus reads a message's status through a connection of its own.
func messageStatus(t *testing.T, path, id string) string {
	t.Helper()
	db, err := store.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.GetMessage(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

// A receipt processed before the send's outcome is recorded keeps the
// delivery delivered, and the message is sent whatever the sender said.
func TestReceiptBeforeOutcome(t *testing.T) {
	for _, outcome := range []string{vpslink.DeliverySent, vpslink.DeliveryUnknown} {
		t.Run(outcome, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t)
			m, c := mustClaimNew(t, db)
			if _, err := db.ApplyReceipt(ctx, vpslink.DeliveryDelivered, []string{c.Delivery.WAMessageID}, db.Now()); err != nil {
				t.Fatal(err)
			}
			db.FinishMessage(c.Delivery, store.Outcome{State: outcome, Error: "timeout", At: db.Now()})
			if err := db.FlushResults(ctx); err != nil {
				t.Fatal(err)
			}
			got, _ := db.GetMessage(ctx, m.ID)
			var state string
			db.Reader().QueryRow(`SELECT state FROM deliveries WHERE id = ?`, c.Delivery.ID).Scan(&state)
			if got.Status != vpslink.MessageSent || state != vpslink.DeliveryDelivered {
				t.Fatalf("message %s, ledger %s", got.Status, state)
			}
		})
	}
}

// A send's WhatsApp id follows from its claim: the same message (or the
// message a resend sends again) and attempt give the same id, on any copy of
// the database; another attempt, message or job step gives another.
func TestClaim_WAMessageIDFollowsTheClaim(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	now := db.Now()
	m, first := mustClaimNew(t, db)
	id := first.Delivery.WAMessageID
	if len(id) != 22 || !strings.HasPrefix(id, "3EB0") || strings.ToUpper(id) != id {
		t.Fatalf("WhatsApp id %q is not in WhatsApp's form", id)
	}
	// The same claim on another copy of the database (a restore that lost it).
	other := storetest.Open(t)
	m2 := &vpslink.ScheduledMessage{ID: m.ID, ToPhone: m.ToPhone, Message: m.Message, ScheduledAt: now}
	if err := other.CreateMessage(ctx, m2); err != nil {
		t.Fatal(err)
	}
	if c, err := other.ClaimMessage(ctx, m.ID, now, 0); err != nil || c.Delivery.WAMessageID != id {
		t.Fatalf("the same claim elsewhere: %+v %v, want id %s", c, err, id)
	}
	// A resend of the message, once it failed, carries the first send's id.
	db.FinishMessage(first.Delivery, store.Outcome{State: vpslink.DeliveryUnknown, Error: "timeout", At: now})
	if err := db.FlushResults(ctx); err != nil {
		t.Fatal(err)
	}
	resent, err := db.ResendMessage(ctx, m.ID, now, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := db.ClaimMessage(ctx, resent.ID, now, 0); err != nil || c.Delivery.WAMessageID != id {
		t.Fatalf("the resend's claim: %+v %v, want id %s", c, err, id)
	}
	// A second attempt after a proven not-sent, another message, a job step:
	// other ids.
	_, next := mustClaimNew(t, db)
	db.FinishMessage(next.Delivery, store.Outcome{State: vpslink.DeliveryNotSent, Error: "offline", At: now})
	if err := db.FlushResults(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := db.ClaimMessage(ctx, next.Delivery.MessageID, now, 0)
	if err != nil || again.Status != store.ClaimOK || again.Delivery.Attempts != 2 {
		t.Fatalf("second attempt: %+v %v", again, err)
	}
	j := &vpslink.Job{ScheduledStartAt: now, Recipients: []string{"491511234567"}, MessageParts: []vpslink.MessagePart{{Text: "a"}}}
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	step, err := db.ClaimJobStep(ctx, j.ID, 0, 0, now, 0)
	if err != nil || step.Status != store.ClaimOK {
		t.Fatalf("job step: %+v %v", step, err)
	}
	seen := map[string]bool{}
	for _, id := range []string{id, next.Delivery.WAMessageID, again.Delivery.WAMessageID, step.Delivery.WAMessageID} {
		if seen[id] {
			t.Fatalf("id %s given to two different sends", id)
		}
		seen[id] = true
	}
}
