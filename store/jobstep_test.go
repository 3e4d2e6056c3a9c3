package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// claimFirstStep creates newJob and claims its first step at its start.
func claimFirstStep(t *testing.T, db *store.DB) (*vpslink.Job, *store.Claim) {
	t.Helper()
	j := newJob()
	if err := db.CreateJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	c, err := db.ClaimJobStep(context.Background(), j.ID, 0, 0, j.ScheduledStartAt, 0)
	if err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	return j, c
}

// progress is a job's progress after a step whatever its outcome.
func progress(p store.JobProgress) func(store.Outcome) store.JobProgress {
	return func(store.Outcome) store.JobProgress { return p }
}

// A job step's outcome whose commit fails stays queued and is recorded by
// the next write, as a message's is: the job does not stay behind its
// ledger.
func TestFinishJobStep_RetriedAfterFailedCommit(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	j, c := claimFirstStep(t, db)
	cancelled, cancel := context.WithCancel(ctx)
	cancel() // the writer connection is never had: the commit fails
	sent := store.Outcome{State: vpslink.DeliverySent, At: j.ScheduledStartAt}
	if err := db.FinishJobStep(cancelled, c.Delivery, sent, progress(store.JobProgress{CurrentPartIndex: 1, LastSentAt: &sent.At})); err == nil {
		t.Fatal("FinishJobStep succeeded without a writer")
	}
	storetest.CreateMessage(t, db, "491511234567", "an unrelated write", db.Now())
	got, _ := db.GetJob(ctx, j.ID)
	ds, _ := db.JobDeliveries(ctx, j.ID)
	if got.CurrentPartIndex != 1 || len(ds) != 1 || ds[0].State != vpslink.DeliverySent {
		t.Fatalf("after the next write: job at part %d, ledger %+v", got.CurrentPartIndex, ds)
	}
}

// Outcomes that a transaction took and rolled back are committed again
// soon by a transaction of their own, not at the next unrelated write.
func TestFinishMessage_RequeuedOutcomeRetried(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	db := storetest.Open(t, storetest.WithPath(path))
	m, c := mustClaimNew(t, db)
	db.FinishMessage(c.Delivery, store.Outcome{State: vpslink.DeliverySent, At: db.Now()})
	if err := db.Update(ctx, func(*store.Tx) error { return vpslink.FieldError("message", "is required") }); err == nil {
		t.Fatal("the failing write succeeded")
	}
	deadline := time.Now().Add(30 * time.Second)
	for messageStatus(t, path, m.ID) != vpslink.MessageSent {
		if time.Now().After(deadline) {
			t.Fatal("the outcome the failed write took was not committed again")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A step whose ledger row exists already (a receipt came before the
// outcome, then the process died) is reported as recorded, with the row,
// rather than refused: the row stands as the step's outcome.
func TestClaimJobStep_Recorded(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	j, c := claimFirstStep(t, db)
	if _, err := db.ApplyReceipt(ctx, store.ReceiptDelivered, []string{c.Delivery.WAMessageID}, j.ScheduledStartAt); err != nil {
		t.Fatal(err)
	}
	again, err := db.ClaimJobStep(ctx, j.ID, 0, 0, j.ScheduledStartAt.Add(time.Second), 0)
	if err != nil || again.Status != store.ClaimRecorded || again.Delivery == nil ||
		again.Delivery.State != vpslink.DeliveryDelivered || again.Job == nil {
		t.Fatalf("claim of a recorded step: %+v %v", again, err)
	}
}

// A job is started once any ledger row of it is in a state but not_sent:
// with its first part in flight it can no longer be edited, and it resumes
// as running.
func TestJobs_StartedByTheLedger(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	j, _ := claimFirstStep(t, db)
	if _, err := db.PauseJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	recipients := []string{"4915100000009"}
	if _, err := db.UpdateJob(ctx, j.ID, vpslink.JobUpdate{Recipients: &recipients}); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("edit with the first part in flight: %v, want a conflict", err)
	}
	if got, err := db.ResumeJob(ctx, j.ID); err != nil || got.Status != vpslink.JobRunning {
		t.Fatalf("resume: %+v %v", got, err)
	}
}

// The maximum lateness applies to a job until something of it may have
// gone: a not-sent attempt marks it running without starting it.
func TestClaimJobStep_LatenessUntilStarted(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		outcome string
		want    store.ClaimStatus
	}{
		{vpslink.DeliveryNotSent, store.ClaimMissed},
		{vpslink.DeliverySent, store.ClaimOK},
	} {
		t.Run(tt.outcome, func(t *testing.T) {
			db := storetest.Open(t)
			j, c := claimFirstStep(t, db)
			o := store.Outcome{State: tt.outcome, At: j.ScheduledStartAt}
			p := store.JobProgress{}
			if tt.outcome == vpslink.DeliverySent {
				p = store.JobProgress{CurrentPartIndex: 1, LastSentAt: &o.At}
			}
			if err := db.FinishJobStep(ctx, c.Delivery, o, progress(p)); err != nil {
				t.Fatal(err)
			}
			late := j.ScheduledStartAt.Add(3 * time.Hour)
			got, err := db.ClaimJobStep(ctx, j.ID, 0, p.CurrentPartIndex, late, time.Hour)
			if err != nil || got.Status != tt.want {
				t.Fatalf("claim 3 h late: %+v %v, want status %d", got, err, tt.want)
			}
		})
	}
}

// Start-up recovery reads receipts already recorded: a message left
// sending whose ledger row is delivered ends sent, not failed.
func TestRecoverMessages_ReceiptFirst(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	m, c := mustClaimNew(t, db)
	if _, err := db.ApplyReceipt(ctx, store.ReceiptDelivered, []string{c.Delivery.WAMessageID}, db.Now()); err != nil {
		t.Fatal(err)
	}
	other, _ := mustClaimNew(t, db)
	if _, err := db.RecoverMessages(ctx, db.Now(), "interrupted: it may have been delivered"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetMessage(ctx, m.ID); got.Status != vpslink.MessageSent || got.SentAt == nil {
		t.Fatalf("message with a receipt: %+v", got)
	}
	if got, _ := db.GetMessage(ctx, other.ID); got.Status != vpslink.MessageFailed {
		t.Fatalf("message without one: %+v", got)
	}
}
