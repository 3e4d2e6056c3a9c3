package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

const group = "120363000000000001@g.us"

// A message to a group goes to the group's JID once and is recorded in the
// ledger; one to a group the account has left fails at once with that
// reason, and nothing reaches the sender.
func TestEngine_GroupMessages(t *testing.T) {
	for _, tt := range []struct {
		name       string
		left       bool
		attempts   int
		wantStatus string
		wantErr    string
		wantLedger string
	}{
		{"member", false, 1, vpslink.MessageSent, "", vpslink.DeliverySent},
		{"left", true, 0, vpslink.MessageFailed, "not a member of group Family (" + group + ")", vpslink.DeliveryFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			storetest.CreateGroup(t, h.db, group, "Family", 5)
			m := storetest.CreateMessage(t, h.db, "group:Family", "hello all", t0.Add(time.Second))
			if tt.left { // after the message was made: a group left is refused then
				storetest.LeaveGroup(t, h.db, group)
			}
			h.start()
			h.advance(time.Second)
			h.advance(time.Hour) // nothing more happens
			sends := h.wantAttempts(tt.attempts)
			if tt.attempts > 0 && (sends[0].To != group || sends[0].Text != "hello all") {
				t.Fatalf("sent %+v", sends[0])
			}
			h.wantStatus(m.ID, tt.wantStatus, tt.wantErr)
			state, n := h.ledger(`message_id = ?`, m.ID)
			if state != tt.wantLedger || n != 1 {
				t.Fatalf("ledger %s after %d attempts, want %s after 1", state, n, tt.wantLedger)
			}
			var recipient string
			h.db.Reader().QueryRow(`SELECT recipient FROM deliveries WHERE message_id = ?`, m.ID).Scan(&recipient)
			if recipient != group {
				t.Fatalf("ledger recipient %q, want the group's JID", recipient)
			}
		})
	}
}

// A job recipient that is a group the account has left fails that
// recipient alone; the others are sent.
func TestEngine_JobToLeftGroup(t *testing.T) {
	h := newHarness(t, nil)
	storetest.CreateGroup(t, h.db, group, "Family", 5)
	j := &vpslink.Job{ScheduledStartAt: t0, Recipients: []string{"4915100000001", group, "4915100000002"},
		MessageParts: []vpslink.MessagePart{{Text: "part 0"}}, Config: vpslink.JobConfig{RecipientGapSeconds: 1, MaxRetries: 2}}
	if err := h.db.CreateJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	// Then the account leaves: Family is no longer among the joined groups.
	if err := h.db.SyncGroups(context.Background(), nil, true); err != nil {
		t.Fatal(err)
	}
	h.start()
	h.runFor(10 * time.Second)
	for _, s := range h.wantAttempts(2) {
		if s.To == group {
			t.Fatalf("sent to the group left: %+v", s)
		}
	}
	got := h.job(j.ID)
	if got.Status != vpslink.JobCompleted || got.RecipientsSent != 2 || got.RecipientsFailed != 1 {
		t.Fatalf("job %s, %d sent, %d failed", got.Status, got.RecipientsSent, got.RecipientsFailed)
	}
	var state, reason string
	h.db.Reader().QueryRow(`SELECT state, error FROM deliveries WHERE job_id = ? AND recipient_index = 1`, j.ID).Scan(&state, &reason)
	if state != vpslink.DeliveryFailed || reason != "not sent: invalid recipient: not a member of group Family ("+group+")" {
		t.Fatalf("ledger of the group: %s %q", state, reason)
	}
}
