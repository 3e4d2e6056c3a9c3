package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

// refuse adds a trigger to h's database, as another tool could while the
// service runs, that raises on the updates of table matching when.
func (h *harness) refuse(name, table, when string) {
	h.t.Helper()
	if _, err := storetest.Raw(h.t, h.db).Exec(`CREATE TRIGGER ` + name + ` BEFORE UPDATE ON ` + table + `
		WHEN ` + when + ` BEGIN SELECT RAISE(ABORT, 'refused by ` + name + `'); END`); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) refusedCount(kind string) float64 {
	h.t.Helper()
	families, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "vpslink_writes_refused_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.GetLabel()[0].GetValue() == kind {
				return m.GetCounter().GetValue()
			}
		}
	}
	h.t.Fatal("vpslink_writes_refused_total not registered")
	return 0
}

// A claim or an outcome the database refuses by its rules is not retried
// forever: the message fails with the reason where it can, is passed over
// where it cannot, the next message is sent, and the engine says why on
// Problem (/health) and in its metric. Nothing is sent twice.
func TestEngine_RefusedWrites(t *testing.T) {
	tests := []struct {
		name       string
		when       string // the trigger's condition
		wantStatus string
		wantErr    string
		sends      int
	}{
		{"claim refused: the message fails with the reason",
			`NEW.status = 'sending' AND NEW.message = 'refused'`, vpslink.MessageFailed, "refused by t", 1},
		{"claim and failure refused: the message is passed over",
			`NEW.status IN ('sending', 'failed') AND NEW.message = 'refused'`, vpslink.MessagePending, "", 1},
		{"outcome refused: the message fails saying it was sent",
			`NEW.status = 'sent' AND NEW.message = 'refused'`, vpslink.MessageFailed, "refused to record its outcome (sent", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			// Both due at once, the refused one first.
			refused, next := "a-refused", "b-next"
			for id, text := range map[string]string{refused: "refused", next: "next"} {
				m := &vpslink.ScheduledMessage{ID: id, ToPhone: "491511234567", Message: text, ScheduledAt: t0.Add(time.Second)}
				if err := h.db.CreateMessage(context.Background(), m); err != nil {
					t.Fatal(err)
				}
			}
			h.start()
			h.refuse("t", "scheduled_messages", tt.when)
			if p := h.e.Problem(); p != "" {
				t.Fatalf("problem before any refusal: %s", p)
			}
			h.advance(time.Second)
			h.wantStatus(refused, tt.wantStatus, tt.wantErr)
			h.wantStatus(next, vpslink.MessageSent, "")
			h.wantAttempts(tt.sends)
			if p := h.e.Problem(); !strings.Contains(p, "refused by t") || !strings.Contains(p, refused) {
				t.Errorf("problem %q does not say which message and why", p)
			}
			if n := h.refusedCount(vpslink.SendKindMessage); n < 1 {
				t.Errorf("refusals counted %v", n)
			}
		})
	}
}

// The same holds for a job: a refused claim or a refused record of a step's
// progress fails the job with the reason, and no step is sent twice.
func TestEngine_RefusedJobWrites(t *testing.T) {
	tests := []struct {
		name  string
		when  string
		sends int
	}{
		{"claim refused", `NEW.status = 'running'`, 0},
		{"progress refused", `NEW.current_recipient_index = 1 AND NEW.status = 'running'`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			j := h.createJob(t0.Add(time.Second), 2, 0, nil)
			h.start()
			h.refuse("t", "jobs", tt.when)
			h.runFor(time.Minute)
			got := h.job(j.ID)
			if got.Status != vpslink.JobFailed || !strings.Contains(got.ErrorMessage, "refused by t") {
				t.Errorf("job %s (%s), want failed with the reason", got.Status, got.ErrorMessage)
			}
			h.wantAttempts(tt.sends)
			if n := h.refusedCount(vpslink.SendKindJob); n < 1 {
				t.Errorf("refusals counted %v; job error %q; problem %q", n, got.ErrorMessage, h.e.Problem())
			}
		})
	}
}
