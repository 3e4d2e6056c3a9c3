package scheduler_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler/schedulertest"
	"github.com/vpslink/vpslink/store"
)

func seconds(n float64) *float64 { return &n }

// createJob makes a job to n recipients with parts of the given delays and
// a recipient gap, starting at start.
func (h *harness) createJob(start time.Time, n int, gap int, delays ...*float64) *vpslink.Job {
	h.t.Helper()
	j := &vpslink.Job{ScheduledStartAt: start, Config: vpslink.JobConfig{RecipientGapSeconds: gap, MaxRetries: 2}}
	for i := range n {
		j.Recipients = append(j.Recipients, "49151000000"+string(rune('0'+i)))
	}
	for i, d := range delays {
		j.MessageParts = append(j.MessageParts, vpslink.MessagePart{Text: "part " + string(rune('0'+i)), DelayAfterSeconds: d})
	}
	if err := h.db.CreateJob(context.Background(), j); err != nil {
		h.t.Fatal(err)
	}
	if h.cancel != nil {
		h.settle()
	}
	return j
}

func (h *harness) job(id string) *vpslink.Job {
	h.t.Helper()
	j, err := h.db.GetJob(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return j
}

// runFor advances the clock second by second, letting every due step run.
func (h *harness) runFor(d time.Duration) {
	h.t.Helper()
	for range int(d / time.Second) {
		h.advance(time.Second)
	}
}

type step struct {
	at        time.Duration // after t0
	recipient int
	part      int
}

// wantSteps checks the ledger, in (recipient, part) order: which steps were
// claimed, and when (a retried step shows its last claim), and how many
// network calls there were in all.
func (h *harness) wantSteps(attempts int, want []step) {
	h.t.Helper()
	h.wantAttempts(attempts)
	var got []step
	r, err := h.db.Reader().Query(`SELECT claimed_at, recipient_index, part_index FROM deliveries
		ORDER BY recipient_index, part_index`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var at string
		var s step
		if err := r.Scan(&at, &s.recipient, &s.part); err != nil {
			h.t.Fatal(err)
		}
		tm, _ := vpslink.ParseStoredTime(at)
		s.at = tm.Sub(t0)
		got = append(got, s)
	}
	if !slices.Equal(got, want) {
		h.t.Fatalf("ledger steps\n%+v\nwant\n%+v", got, want)
	}
}

func TestEngine_Jobs(t *testing.T) {
	tests := []struct {
		name         string
		script       []schedulertest.Result
		during       func(h *harness, j *vpslink.Job) // after the first part
		after        func(h *harness, j *vpslink.Job) // once every step ran
		attempts     int
		want         []step
		wantStatus   string
		sent, failed int
	}{
		{"parts with delays and gaps between recipients", nil, nil, nil, 4,
			[]step{{0, 0, 0}, {30 * time.Second, 0, 1}, {90 * time.Second, 1, 0}, {120 * time.Second, 1, 1}},
			vpslink.JobCompleted, 2, 0},
		{"a failed part fails its recipient and skips its other parts",
			[]schedulertest.Result{schedulertest.Invalid}, nil, nil, 3,
			[]step{{0, 0, 0}, {60 * time.Second, 1, 0}, {90 * time.Second, 1, 1}},
			vpslink.JobCompleted, 1, 1},
		{"every recipient failed ends failed",
			[]schedulertest.Result{schedulertest.Succeed, schedulertest.Unknown, schedulertest.Invalid}, nil, nil, 3,
			[]step{{0, 0, 0}, {30 * time.Second, 0, 1}, {90 * time.Second, 1, 0}},
			vpslink.JobFailed, 0, 2},
		{"not sent retries the same step",
			[]schedulertest.Result{schedulertest.Succeed, schedulertest.NotSent}, nil, nil, 5,
			[]step{{0, 0, 0}, {35 * time.Second, 0, 1}, {95 * time.Second, 1, 0}, {125 * time.Second, 1, 1}},
			vpslink.JobCompleted, 2, 0},
		{"a part not sent more than maxRetries times fails its recipient",
			[]schedulertest.Result{schedulertest.Succeed, schedulertest.NotSent, schedulertest.NotSent, schedulertest.NotSent}, nil, nil, 6,
			[]step{{0, 0, 0}, {45 * time.Second, 0, 1}, {105 * time.Second, 1, 0}, {135 * time.Second, 1, 1}},
			vpslink.JobCompleted, 1, 1},
		{"a receipt for an unknown last part counts its recipient sent, even while the next one is sent",
			[]schedulertest.Result{schedulertest.Succeed, schedulertest.Unknown},
			func(h *harness, j *vpslink.Job) {
				h.sender.OnSend(func(s vpslink.Send) {
					if s.RecipientIndex == 1 && s.PartIndex == 0 {
						h.receipt(j, 0, 1)
					}
				})
			}, nil, 4,
			[]step{{0, 0, 0}, {30 * time.Second, 0, 1}, {90 * time.Second, 1, 0}, {120 * time.Second, 1, 1}},
			vpslink.JobCompleted, 2, 0},
		{"a receipt completes a job that failed for want of that recipient",
			[]schedulertest.Result{schedulertest.Succeed, schedulertest.Unknown, schedulertest.Invalid}, nil,
			func(h *harness, j *vpslink.Job) { h.receipt(j, 0, 1) }, 3,
			[]step{{0, 0, 0}, {30 * time.Second, 0, 1}, {90 * time.Second, 1, 0}},
			vpslink.JobCompleted, 1, 1},
		{"a receipt for an unknown earlier part leaves its recipient failed (the later parts were skipped)",
			[]schedulertest.Result{schedulertest.Unknown}, nil,
			func(h *harness, j *vpslink.Job) { h.receipt(j, 0, 0) }, 3,
			[]step{{0, 0, 0}, {60 * time.Second, 1, 0}, {90 * time.Second, 1, 1}},
			vpslink.JobCompleted, 1, 1},
		{"pause holds the next part, resume sends it at once when its delay ran out", nil,
			func(h *harness, j *vpslink.Job) {
				h.do(func(ctx context.Context) error { _, err := h.db.PauseJob(ctx, j.ID); return err })
				h.runFor(45 * time.Second)
				h.do(func(ctx context.Context) error { _, err := h.db.ResumeJob(ctx, j.ID); return err })
			}, nil, 4,
			[]step{{0, 0, 0}, {45 * time.Second, 0, 1}, {105 * time.Second, 1, 0}, {135 * time.Second, 1, 1}},
			vpslink.JobCompleted, 2, 0},
		{"cancel takes effect before the next part", nil,
			func(h *harness, j *vpslink.Job) {
				h.do(func(ctx context.Context) error { _, err := h.db.CancelJob(ctx, j.ID); return err })
			}, nil, 1,
			[]step{{0, 0, 0}},
			vpslink.JobCancelled, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.sender.Script(tt.script...)
			j := h.createJob(t0.Add(time.Second), 2, 60, seconds(30), nil)
			h.start()
			h.advance(time.Second)
			if got := h.sender.Attempts(); len(got) != 1 {
				t.Fatalf("first part not sent at the start time: %+v", got)
			}
			if tt.during != nil {
				tt.during(h, j)
			}
			h.runFor(5 * time.Minute)
			if tt.after != nil {
				tt.after(h, j)
			}
			for i := range tt.want {
				tt.want[i].at += time.Second
			}
			h.wantSteps(tt.attempts, tt.want)
			got := h.job(j.ID)
			if got.Status != tt.wantStatus || got.RecipientsSent != tt.sent || got.RecipientsFailed != tt.failed {
				t.Fatalf("job %s sent=%d failed=%d (%s), want %s %d %d", got.Status, got.RecipientsSent,
					got.RecipientsFailed, got.ErrorMessage, tt.wantStatus, tt.sent, tt.failed)
			}
		})
	}
}

// receipt applies a delivered and then a read receipt to a job step's
// WhatsApp id, as the WhatsApp client does when the recipient's phone
// answers; the second must change no count.
func (h *harness) receipt(j *vpslink.Job, recipient, part int) {
	h.t.Helper()
	var waID string
	if err := h.db.Reader().QueryRow(`SELECT wa_message_id FROM deliveries WHERE job_id = ? AND recipient_index = ? AND part_index = ?`,
		j.ID, recipient, part).Scan(&waID); err != nil {
		h.t.Fatal(err)
	}
	for _, kind := range []string{store.ReceiptDelivered, store.ReceiptRead} {
		if _, err := h.db.ApplyReceipt(context.Background(), kind, []string{waID}, h.clock.Now()); err != nil {
			h.t.Fatal(err)
		}
	}
}

// A restart resumes at the exact next step with the remaining delay: the
// persisted next_step_at, not a fresh delay.
func TestEngine_JobResumesAfterRestart(t *testing.T) {
	h := newHarness(t, nil)
	j := h.createJob(t0, 2, 60, seconds(30), nil)
	h.start()
	h.wantAttempts(1)
	h.advance(10 * time.Second)
	h.stop()
	got := h.job(j.ID)
	if got.Status != vpslink.JobRunning || got.CurrentPartIndex != 1 || got.NextStepAt == nil || !got.NextStepAt.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("persisted progress: %+v", got)
	}
	h.start()
	if !h.last.wake.Equal(t0.Add(30 * time.Second)) {
		t.Fatalf("after restart the next part is planned at %s, want the remaining delay", h.last.wake)
	}
	h.runFor(5 * time.Minute)
	h.wantSteps(4, []step{{0, 0, 0}, {30 * time.Second, 0, 1}, {90 * time.Second, 1, 0}, {120 * time.Second, 1, 1}})
}

// A job step claimed by a process that died before recording the outcome
// counts as an unknown outcome: its recipient fails, the job moves on.
func TestEngine_JobStepInterruptedAtStartup(t *testing.T) {
	h := newHarness(t, nil)
	j := h.createJob(t0, 2, 0, nil)
	c, err := h.db.ClaimJobStep(context.Background(), j.ID, 0, 0, t0, 0)
	if err != nil || c.Delivery == nil {
		t.Fatalf("claim: %+v %v", c, err)
	}
	h.start()
	h.wantSteps(1, []step{{0, 0, 0}, {0, 1, 0}})
	if state, _ := h.ledger(`job_id = ? AND recipient_index = 0`, j.ID); state != vpslink.DeliveryUnknown {
		t.Fatalf("interrupted step is %s", state)
	}
	got := h.job(j.ID)
	if got.Status != vpslink.JobCompleted || got.RecipientsSent != 1 || got.RecipientsFailed != 1 {
		t.Fatalf("job %+v", got)
	}
}

// A step that already has a ledger row when it comes round (a receipt was
// recorded before the step's outcome and the process died; an outcome
// write left the row behind) is not sent again and does not fail the job:
// the row stands as the step's outcome and the job moves on.
func TestEngine_JobStepRecordedBeforeItsOutcome(t *testing.T) {
	for _, tt := range []struct {
		name         string
		record       func(h *harness, j *vpslink.Job)
		sent, failed int
	}{
		{"delivered", func(h *harness, j *vpslink.Job) { h.receipt(j, 0, 0) }, 2, 0},
		{"unknown", func(h *harness, j *vpslink.Job) {
			ctx := context.Background()
			if err := h.db.UpdateQuiet(ctx, func(tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'unknown', error = 'it may have been delivered' WHERE job_id = ?`, j.ID)
				return err
			}); err != nil {
				h.t.Fatal(err)
			}
		}, 1, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			j := h.createJob(t0, 2, 0, nil)
			if c, err := h.db.ClaimJobStep(context.Background(), j.ID, 0, 0, t0, 0); err != nil || c.Status != store.ClaimOK {
				t.Fatalf("claim: %+v %v", c, err)
			}
			tt.record(h, j)
			h.start()
			if got := h.wantAttempts(1); got[0].RecipientIndex != 1 {
				t.Fatalf("sent %+v, want only the second recipient", got)
			}
			got := h.job(j.ID)
			if got.Status != vpslink.JobCompleted || got.RecipientsSent != tt.sent || got.RecipientsFailed != tt.failed {
				t.Fatalf("job %s sent=%d failed=%d (%s), want completed %d %d", got.Status, got.RecipientsSent,
					got.RecipientsFailed, got.ErrorMessage, tt.sent, tt.failed)
			}
		})
	}
}

// A receipt recorded while a part's send is still returning proves it sent,
// whatever the send said: the recipient gets the next part and counts as
// sent.
func TestEngine_JobReceiptBeforeOutcome(t *testing.T) {
	h := newHarness(t, nil)
	h.sender.Script(schedulertest.Unknown)
	j := h.createJob(t0, 1, 0, nil, nil)
	h.sender.OnSend(func(s vpslink.Send) {
		if s.PartIndex == 0 {
			h.receipt(j, 0, 0)
		}
	})
	h.start()
	if got := h.wantAttempts(2); got[1].PartIndex != 1 {
		t.Fatalf("sends %+v, want both parts", got)
	}
	got := h.job(j.ID)
	if got.Status != vpslink.JobCompleted || got.RecipientsSent != 1 || got.RecipientsFailed != 0 {
		t.Fatalf("job %s sent=%d failed=%d, want completed 1 0", got.Status, got.RecipientsSent, got.RecipientsFailed)
	}
}
