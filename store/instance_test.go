package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

var instanceNow = time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)

// atInstanceNow opens a database with its clock at instanceNow.
var atInstanceNow = storetest.WithTime(instanceNow)

// startAt opens the database at path, starts an instance on it and closes
// it again, returning the review that start added to.
func startAt(t *testing.T, path string) *store.RestoreReview {
	t.Helper()
	db := storetest.Open(t, storetest.WithPath(path), atInstanceNow)
	defer db.Close()
	_, review, err := db.StartInstance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return review
}

// readFile returns the closed database's bytes (its WAL folded in by Close).
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replaceFile puts b at path as a new file, as `gunzip` + `mv` or a restore
// does.
func replaceFile(t *testing.T, path string, b []byte) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestStartInstance(t *testing.T) {
	ctx := context.Background()
	// seed gives the database a history: one message sent, one due before
	// the start, one due after it, and a running job.
	seed := func(t *testing.T, db *store.DB) (due, later *vpslink.ScheduledMessage, job *vpslink.Job) {
		sent := storetest.CreateMessage(t, db, "491511111111", "hello", instanceNow.Add(-2*time.Hour))
		due = storetest.CreateMessage(t, db, "491511111112", "hello", instanceNow.Add(-time.Minute))
		later = storetest.CreateMessage(t, db, "491511111113", "hello", instanceNow.Add(time.Minute))
		job = &vpslink.Job{ScheduledStartAt: instanceNow.Add(-time.Hour),
			MessageParts: []vpslink.MessagePart{{Text: "hi"}}, Recipients: []string{"491511111114"}}
		if err := db.CreateJob(ctx, job); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'sent', sent_at = updated_at WHERE id = ?`, sent.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'running', current_part_index = 0 WHERE id = ?`, job.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return due, later, job
	}
	for _, tc := range []struct {
		name string
		// between runs something to the closed database after a first start
		// (and a seed), then the second start's review is checked.
		between  func(t *testing.T, path string)
		firstRun bool // start once before the seed
		held     bool
		reason   string // part of the review's reason
	}{
		{name: "restart", firstRun: true, between: func(*testing.T, string) {}},
		{name: "new host: history, no instance file", reason: "no instance file", between: func(t *testing.T, path string) {}},
		{name: "instance file removed", firstRun: true, held: true, reason: "no instance file", between: func(t *testing.T, path string) {
			os.Remove(path + ".instance")
		}},
		{name: "file replaced by its own copy", firstRun: true, held: true, reason: "replaced", between: func(t *testing.T, path string) {
			replaceFile(t, path, readFile(t, path))
		}},
		{name: "rewound in place", firstRun: true, held: true, reason: "rewound", between: func(t *testing.T, path string) {
			old := readFile(t, path)
			startAt(t, path) // a later start advances the epoch
			if err := os.WriteFile(path, old, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "another database", firstRun: true, held: true, reason: "id differs", between: func(t *testing.T, path string) {
			// Rows like these, but the history of another database.
			db := storetest.Open(t, storetest.WithPath(path), atInstanceNow)
			defer db.Close()
			if err := db.SetSetting(ctx, "database_id", "another"); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "marked by restore", firstRun: true, held: true, reason: "restored (replica file:///r", between: func(t *testing.T, path string) {
			if err := store.MarkRestored(ctx, path, "replica file:///r", instanceNow); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "whatsapp.db")
			if tc.firstRun {
				if r := startAt(t, path); r != nil {
					t.Fatalf("first start on a new database: review %+v", r)
				}
			}
			db := storetest.Open(t, storetest.WithPath(path), atInstanceNow)
			due, later, job := seed(t, db)
			db.Close()
			if tc.name == "new host: history, no instance file" {
				tc.held = true
			}
			tc.between(t, path)

			db = storetest.Open(t, storetest.WithPath(path), atInstanceNow)
			defer db.Close()
			_, review, err := db.StartInstance(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.held {
				if review != nil {
					t.Fatalf("review %+v", review)
				}
				return
			}
			if review == nil || review.Messages < 1 || review.Jobs < 1 || len(review.Reasons) == 0 {
				t.Fatalf("review %+v, want the due message and the job held", review)
			}
			if !strings.Contains(review.String(), tc.reason) {
				t.Fatalf("review %s, want a reason with %q", review, tc.reason)
			}
			if got, _ := db.GetMessage(ctx, due.ID); got.Status != vpslink.MessageFailed || got.ErrorMessage != store.HeldReason {
				t.Fatalf("due message %s %q", got.Status, got.ErrorMessage)
			}
			if got, _ := db.GetMessage(ctx, later.ID); got.Status != vpslink.MessagePending {
				t.Fatalf("message due after the start is %s", got.Status)
			}
			if got, _ := db.GetJob(ctx, job.ID); got.Status != vpslink.JobPaused || got.ErrorMessage != store.HeldReason {
				t.Fatalf("running job is %s (%q)", got.Status, got.ErrorMessage)
			}
			if stored, err := db.RestoreReview(ctx); err != nil || stored == nil || stored.Items() != review.Items() {
				t.Fatalf("stored review %+v %v", stored, err)
			}
			db.Close()
			// The review stays until ended, and the next start holds nothing more.
			if r := startAt(t, path); r != nil {
				t.Fatalf("start after the held start: review %+v", r)
			}
			db = storetest.Open(t, storetest.WithPath(path), atInstanceNow)
			if ended, err := db.EndRestoreReview(ctx); !ended || err != nil {
				t.Fatalf("end review: %v %v", ended, err)
			}
			if r, err := db.RestoreReview(ctx); r != nil || err != nil {
				t.Fatalf("review after its end: %+v %v", r, err)
			}
			// A held job resumed on purpose is no longer held.
			if j, err := db.ResumeJob(ctx, job.ID); err != nil || j.Status == vpslink.JobPaused || j.ErrorMessage != "" {
				t.Fatalf("resumed held job: %+v %v", j, err)
			}
		})
	}
}

func TestStartInstance_FreshDatabaseWithOnlyPendingRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	db := storetest.Open(t, storetest.WithPath(path), atInstanceNow)
	m := storetest.CreateMessage(t, db, "491511111111", "hello", instanceNow.Add(-time.Minute))
	db.Close()
	if r := startAt(t, path); r != nil {
		t.Fatalf("nothing was ever sent from this database, yet: %+v", r)
	}
	db = storetest.Open(t, storetest.WithPath(path), atInstanceNow)
	defer db.Close()
	if got, _ := db.GetMessage(context.Background(), m.ID); got.Status != vpslink.MessagePending {
		t.Fatalf("message is %s", got.Status)
	}
}

func TestStartInstance_Symlink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "whatsapp.db")
	startAt(t, path)
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, storetest.WithPath(link), atInstanceNow)
	seed := storetest.CreateMessage(t, db, "491511111111", "hello", instanceNow.Add(-time.Minute))
	db.UpdateQuiet(context.Background(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE scheduled_messages SET status = 'sent' WHERE id = ?`, seed.ID)
		return err
	})
	db.Close()
	if r := startAt(t, link); r != nil {
		t.Fatalf("same file through a symlink: review %+v", r)
	}
}

// The heartbeat writes nothing while nothing is sent, and advances the
// epoch once something was.
func TestInstance_Heartbeat(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	db := storetest.Open(t, storetest.WithPath(path), atInstanceNow)
	in, _, err := db.StartInstance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	epoch := func() string {
		v, err := db.Setting(ctx, "instance_epoch")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	start := epoch()
	if err := in.Heartbeat(ctx); err != nil || epoch() != start {
		t.Fatalf("idle heartbeat: epoch %s, was %s (%v)", epoch(), start, err)
	}
	m := storetest.CreateMessage(t, db, "491511111111", "hi", instanceNow)
	if c, err := db.ClaimMessage(ctx, m.ID, instanceNow, 0); err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	if err := in.Heartbeat(ctx); err != nil || epoch() == start {
		t.Fatalf("heartbeat after a send: epoch %s (%v)", epoch(), err)
	}
	b, _ := os.ReadFile(path + ".instance")
	if !strings.Contains(string(b), `"epoch":`+epoch()) {
		t.Fatalf("instance file %s, epoch %s", b, epoch())
	}
}
