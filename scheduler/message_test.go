package scheduler_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/scheduler/schedulertest"
	"github.com/vpslink/vpslink/store"
)

func TestEngine_WakesExactlyWhenDue(t *testing.T) {
	h := newHarness(t, nil)
	id := h.schedule(t0.Add(10*time.Second), "hello")
	h.start()
	if !h.last.wake.Equal(t0.Add(10 * time.Second)) {
		t.Fatalf("sleeps until %s, want the due time", h.last.wake)
	}
	h.advance(10*time.Second - time.Millisecond)
	h.wantAttempts(0)
	h.advance(time.Millisecond)
	s := h.wantAttempts(1)[0]
	if s.Text != "hello" || s.To != "491511234567@s.whatsapp.net" || s.Kind != vpslink.SendKindMessage || s.MessageID != id {
		t.Fatalf("sent %+v", s)
	}
	h.wantStatus(id, vpslink.MessageSent, "")
	m := h.message(id)
	if m.WAMessageID != s.WAMessageID || m.SentAt == nil || !m.SentAt.Equal(t0.Add(10*time.Second)) {
		t.Fatalf("message after send: %+v", m)
	}
	if state, n := h.ledger(`message_id = ?`, id); state != vpslink.DeliverySent || n != 1 {
		t.Fatalf("ledger %s after %d attempts", state, n)
	}
	if h.last.wake.Sub(h.last.now) != time.Hour {
		t.Fatalf("idle engine sleeps %s, want the safety poll", h.last.wake.Sub(h.last.now))
	}
}

// Every change to the schedule re-plans at once: an earlier message, an
// edit, a reschedule and a cancellation 1 ms before the due time.
func TestEngine_ChangesBeforeDue(t *testing.T) {
	due := t0.Add(time.Minute)
	tests := []struct {
		name     string
		change   func(h *harness, id string) error
		notifies bool   // a write through Update wakes the engine, which re-plans
		wantText string // "" = never sent
	}{
		{"edited text is sent as edited", func(h *harness, id string) error {
			text := "edited"
			_, err := h.db.UpdateMessage(context.Background(), id, vpslink.MessageUpdate{Message: &text})
			return err
		}, true, "edited"},
		{"cancelled 1 ms before due is never sent", func(h *harness, id string) error {
			_, err := h.db.CancelMessage(context.Background(), id, "")
			return err
		}, true, ""},
		{"rescheduled later is not sent at the old time", func(h *harness, id string) error {
			later := due.Add(time.Hour)
			_, err := h.db.UpdateMessage(context.Background(), id, vpslink.MessageUpdate{ScheduledAt: &later})
			return err
		}, true, ""},
		{"cancelled by another writer without a notify", func(h *harness, id string) error {
			return h.db.UpdateQuiet(context.Background(), func(tx *store.Tx) error {
				_, err := tx.ExecContext(context.Background(), `UPDATE scheduled_messages SET status = 'cancelled' WHERE id = ?`, id)
				return err
			})
		}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			id := h.schedule(due, "original")
			h.start()
			h.advance(time.Minute - time.Millisecond)
			if err := tt.change(h, id); err != nil {
				t.Fatal(err)
			}
			if tt.notifies {
				h.settle()
			}
			h.advance(time.Millisecond)
			h.advance(time.Minute)
			got := h.sender.Attempts()
			if tt.wantText == "" && len(got) != 0 || tt.wantText != "" && (len(got) != 1 || got[0].Text != tt.wantText) {
				t.Fatalf("sent %+v, want text %q", got, tt.wantText)
			}
		})
	}
}

func TestEngine_NotifyReplans(t *testing.T) {
	h := newHarness(t, nil)
	h.schedule(t0.Add(time.Hour), "later")
	h.start()
	if !h.last.wake.Equal(t0.Add(time.Hour)) {
		t.Fatalf("wake %s", h.last.wake)
	}
	early := h.schedule(t0.Add(5*time.Second), "sooner")
	if !h.last.wake.Equal(t0.Add(5 * time.Second)) {
		t.Fatalf("after an earlier message the engine wakes at %s", h.last.wake)
	}
	h.advance(5 * time.Second)
	h.wantStatus(early, vpslink.MessageSent, "")
	h.e.Notify()
	h.settle()
	if !h.last.wake.Equal(t0.Add(time.Hour)) {
		t.Fatalf("after refresh the engine wakes at %s", h.last.wake)
	}
}

// The retry rule: only what provably never left is retried.
func TestEngine_SendOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		script      []schedulertest.Result
		steps       func(h *harness)
		fallback    schedulertest.Result
		wantStatus  string
		wantErr     string
		wantLedger  string
		wantAttempt int
	}{
		{"not sent is retried with backoff, then sent once",
			[]schedulertest.Result{schedulertest.NotSent, schedulertest.NotSent, schedulertest.Succeed},
			func(h *harness) {
				if w := h.last.wake.Sub(h.last.now); w != 5*time.Second {
					h.t.Fatalf("first retry in %s, want 5s", w)
				}
				h.advance(5 * time.Second)
				if w := h.last.wake.Sub(h.last.now); w != 10*time.Second {
					h.t.Fatalf("second retry in %s, want 10s", w)
				}
				h.e.Notify() // a reconnect retries at once
				h.settle()
			}, schedulertest.Succeed, vpslink.MessageSent, "", vpslink.DeliverySent, 3},
		{"unknown outcome fails and is never retried",
			[]schedulertest.Result{schedulertest.Unknown},
			func(h *harness) {
				h.advance(time.Hour)
				h.e.Notify()
				h.settle()
			}, schedulertest.Succeed, vpslink.MessageFailed, "may have been delivered", vpslink.DeliveryUnknown, 1},
		{"invalid recipient fails at once",
			[]schedulertest.Result{schedulertest.Invalid},
			func(h *harness) {}, schedulertest.Succeed, vpslink.MessageFailed, "invalid recipient", vpslink.DeliveryFailed, 1},
		{"not sent until past the maximum lateness is missed",
			nil,
			func(h *harness) {
				for range 400 { // backoff caps at 1 min: > 6 h of retries
					h.advance(time.Minute)
				}
			}, schedulertest.NotSent, vpslink.MessageFailed, "missed by 6h", vpslink.DeliveryNotSent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(c *scheduler.Config) { c.MaxLateness = 6 * time.Hour })
			h.sender.Script(tt.script...)
			h.sender.SetDefault(tt.fallback)
			id := h.schedule(t0.Add(time.Second), "hi")
			h.start()
			h.advance(time.Second)
			tt.steps(h)
			h.wantStatus(id, tt.wantStatus, tt.wantErr)
			state, n := h.ledger(`message_id = ?`, id)
			if state != tt.wantLedger || (tt.wantAttempt > 0 && n != tt.wantAttempt) {
				t.Fatalf("ledger %s after %d attempts, want %s after %d", state, n, tt.wantLedger, tt.wantAttempt)
			}
			if tt.wantAttempt > 0 {
				h.wantAttempts(tt.wantAttempt)
			}
		})
	}
}

func TestEngine_MaxLateness(t *testing.T) {
	h := newHarness(t, func(c *scheduler.Config) { c.MaxLateness = 6 * time.Hour })
	missed := h.schedule(t0.Add(-7*time.Hour-12*time.Minute), "too late")
	late := h.schedule(t0.Add(-5*time.Hour), "late but within the limit")
	h.start()
	h.wantStatus(missed, vpslink.MessageFailed, "missed by 7h12m")
	h.wantStatus(late, vpslink.MessageSent, "")
	h.wantAttempts(1)
}

func TestEngine_StartupWithInterruptedSends(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	sending := h.schedule(t0.Add(-time.Minute), "was in flight")
	if c, err := h.db.ClaimMessage(ctx, sending, t0, 0); err != nil || c.Delivery == nil {
		t.Fatalf("claim: %+v %v", c, err)
	}
	legacy := h.schedule(t0.Add(-time.Minute), "left sending by another tool")
	if err := h.db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE scheduled_messages SET status = 'sending' WHERE id = ?`, legacy)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	h.start()
	h.wantAttempts(0)
	h.wantStatus(sending, vpslink.MessageFailed, "may have been delivered")
	h.wantStatus(legacy, vpslink.MessageFailed, "may have been delivered")
	if state, _ := h.ledger(`message_id = ?`, sending); state != vpslink.DeliveryUnknown {
		t.Fatalf("ledger %s", state)
	}
}

func TestEngine_EmergencyStopSurvivesRestart(t *testing.T) {
	h := newHarness(t, nil)
	h.start()
	ctx := context.Background()
	if err := h.e.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	h.settle()
	id := h.schedule(t0.Add(time.Second), "held")
	h.advance(time.Minute)
	h.stop()
	h.start()
	h.advance(time.Hour)
	h.wantAttempts(0)
	if !h.e.Stopped() {
		t.Fatal("stop did not survive the restart")
	}
	if st, err := h.e.Status(ctx); err != nil || !st.Stopped || st.PendingMessages != 1 {
		t.Fatalf("status %+v %v", st, err)
	}
	if err := h.e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h.settle()
	h.wantStatus(id, vpslink.MessageSent, "")
}

func TestEngine_RateCap(t *testing.T) {
	h := newHarness(t, nil)
	h.db.SettingsBase.MaxSendsPerMinute = 2
	for range 3 {
		h.schedule(t0, "burst")
	}
	h.start()
	h.wantAttempts(2)
	if !h.last.wake.Equal(t0.Add(time.Minute)) {
		t.Fatalf("third send planned at %s, want one minute after the first", h.last.wake)
	}
	h.advance(time.Minute)
	h.wantAttempts(3)
}

// Messages due at the same moment are sent once each, in order, across
// several reads of the due list; one cancelled in the middle of the burst
// is not sent.
func TestEngine_Burst(t *testing.T) {
	h := newHarness(t, nil)
	due := t0.Add(time.Minute)
	var ids []string
	for range 150 {
		ids = append(ids, h.schedule(due, "happy new year"))
	}
	slices.Sort(ids) // same due time: sent in id order
	cancelled := ids[100]
	var sent int
	h.sender.OnSend(func(vpslink.Send) {
		if sent++; sent == 90 {
			if _, err := h.db.CancelMessage(context.Background(), cancelled, ""); err != nil {
				t.Error(err)
			}
		}
	})
	h.start()
	h.advance(time.Minute)
	var got []string
	for _, s := range h.wantAttempts(149) {
		got = append(got, s.MessageID)
	}
	want := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == cancelled })
	if !slices.Equal(got, want) {
		t.Fatalf("sent in the wrong order or not exactly once:\n got %v\nwant %v", got, want)
	}
	for _, id := range ids {
		status := vpslink.MessageSent
		if id == cancelled {
			status = vpslink.MessageCancelled
		}
		h.wantStatus(id, status, "")
	}
	if n := h.e.RecentSends(); n != 0 {
		t.Fatalf("with no rate cap the engine keeps %d send times", n)
	}
}

// The emergency stop halts a burst within one send, even with the rest of
// the burst already read.
func TestEngine_StopDuringBurst(t *testing.T) {
	h := newHarness(t, nil)
	due := t0.Add(time.Minute)
	for range 100 {
		h.schedule(due, "happy new year")
	}
	var sent int
	h.sender.OnSend(func(vpslink.Send) {
		if sent++; sent == 10 {
			if err := h.e.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		}
	})
	h.start()
	h.advance(time.Minute)
	h.wantAttempts(10)
	counts, err := h.db.CountMessagesByStatus(context.Background())
	if err != nil || counts[vpslink.MessageSent] != 10 || counts[vpslink.MessagePending] != 90 {
		t.Fatalf("after the stop: %v %v", counts, err)
	}
}
