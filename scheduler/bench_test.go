package scheduler_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// benchEngine opens a fresh database, lets fill add rows, then runs an
// engine with the dry-run sender (rate cap off) until the benchmark ends.
func benchEngine(b *testing.B, fill func(db *store.DB)) *store.DB {
	b.Helper()
	dir := b.TempDir()
	db := storetest.Open(b, storetest.WithPath(filepath.Join(dir, "whatsapp.db")), storetest.WithClock(time.Now))
	db.SettingsBase.MaxSendsPerMinute = 0 // the default cap would set the pace, not the engine
	if err := db.ReserveWAL(context.Background()); err != nil {
		b.Fatal(err)
	}
	fill(db)
	sender, err := scheduler.NewDryRunSender(filepath.Join(dir, "dryrun.jsonl"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sender.Close() })
	e, err := scheduler.New(scheduler.Config{DB: db, Sender: sender, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	return db
}

// createMessages inserts n messages in one transaction, so that filling
// the database takes milliseconds and never eats into the due times.
func createMessages(b *testing.B, db *store.DB, n int, at func(i int) time.Time) {
	b.Helper()
	ctx := context.Background()
	err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		for i := range n {
			m := &vpslink.ScheduledMessage{ToPhone: "491511234567", Message: fmt.Sprint("bench ", i), ScheduledAt: at(i)}
			if err := tx.CreateMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func waitSent(b *testing.B, db *store.DB, n int, timeout time.Duration) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var sent int
		db.Reader().QueryRow(`SELECT count(*) FROM scheduled_messages WHERE status = 'sent'`).Scan(&sent)
		if sent == n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d sent", sent, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkDispatchLateness: 1,000 messages due at distinct times spread
// over a real minute; lateness is claim time minus due time, from the
// ledger (millisecond resolution).
func BenchmarkDispatchLateness(b *testing.B) {
	for range b.N {
		const n = 1000
		start := time.Now().Add(2 * time.Second).Truncate(time.Millisecond)
		db := benchEngine(b, func(db *store.DB) {
			createMessages(b, db, n, func(i int) time.Time { return start.Add(time.Duration(i) * time.Minute / n) })
		})
		waitSent(b, db, n, 2*time.Minute)
		rows, err := db.Reader().Query(`SELECT d.claimed_at, m.scheduled_at FROM deliveries d
			JOIN scheduled_messages m ON m.id = d.message_id`)
		if err != nil {
			b.Fatal(err)
		}
		var late []time.Duration
		for rows.Next() {
			var claimed, due string
			rows.Scan(&claimed, &due)
			c, _ := vpslink.ParseStoredTime(claimed)
			d, _ := vpslink.ParseStoredTime(due)
			late = append(late, c.Sub(d))
		}
		rows.Close()
		slices.Sort(late)
		b.ReportMetric(float64(late[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(late[n*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(late[n-1].Microseconds())/1000, "max-ms")
	}
}

// BenchmarkBurst: 1,000 messages due in the same second, each with its own
// synced claim commit (which also writes the previous send's result) and a
// dry-run line.
func BenchmarkBurst(b *testing.B) {
	for range b.N {
		const n = 1000
		due := time.Now().Add(2 * time.Second)
		db := benchEngine(b, func(db *store.DB) {
			createMessages(b, db, n, func(int) time.Time { return due })
		})
		time.Sleep(time.Until(due))
		t := time.Now()
		waitSent(b, db, n, time.Minute)
		el := time.Since(t)
		b.ReportMetric(el.Seconds(), "s/1000-sends")
		b.ReportMetric(n/el.Seconds(), "sends/s")
	}
}

// BenchmarkCommitSynchronous is the cost of one claim-sized commit (one row
// insert in its own transaction) under synchronous=FULL and NORMAL in WAL
// mode, on the same disk.
func BenchmarkCommitSynchronous(b *testing.B) {
	for _, mode := range []string{"FULL", "NORMAL"} {
		b.Run(mode, func(b *testing.B) {
			db, err := sql.Open("sqlite3", "file:"+filepath.Join(b.TempDir(), "c.db")+"?_journal_mode=WAL&_synchronous="+mode+"&_txlock=immediate")
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(`INSERT INTO t (v) VALUES (?)`, fmt.Sprint("claim ", i)); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
