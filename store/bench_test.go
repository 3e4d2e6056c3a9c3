package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// reportPercentiles adds p50 and p99 of the measured durations to the
// benchmark's output.
func reportPercentiles(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds()), "p99-µs")
}

// One scheduled message per transaction, as the API writes them, with
// synchronous=FULL, into a WAL reserved as serve reserves it.
func BenchmarkCreateMessage(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	if err := db.ReserveWAL(ctx); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		m := &vpslink.ScheduledMessage{ToPhone: fmt.Sprintf("49151%08d", i%1000), Message: "hello", ScheduledAt: at}
		if err := db.CreateMessage(ctx, m); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	reportPercentiles(b, d)
}

// The scheduler's question "what is due next?" over 100,000 pending rows.
func BenchmarkNextDueWith100kPending(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	seedPending(b, db, 100_000)
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		var id, at string
		if err := db.Reader().QueryRowContext(ctx, `SELECT id, scheduled_at FROM scheduled_messages
			WHERE status = 'pending' ORDER BY scheduled_at LIMIT 1`).Scan(&id, &at); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	reportPercentiles(b, d)
}

// seedPending inserts n pending messages in one transaction.
func seedPending(b *testing.B, db *store.DB, n int) {
	b.Helper()
	base := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.ExecContext(context.Background(), `INSERT INTO contacts (phone, name) VALUES ('4915100000001', 'Bench')`); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(context.Background(), `INSERT INTO scheduled_messages (id, to_phone, message, scheduled_at, status, created_at, updated_at)
			VALUES (?, '4915100000001', 'hello', ?, 'pending', ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			at := vpslink.FormatTime(base.Add(time.Duration(i) * time.Second))
			if _, err := stmt.Exec(fmt.Sprintf("m%07d", i), at, at, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// A burst's unit of work: one claim in its own synced commit, which also
// writes the previous send's outcome, as the scheduler runs them.
func BenchmarkClaimMessage(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	if err := db.ReserveWAL(ctx); err != nil {
		b.Fatal(err)
	}
	seedPending(b, db, b.N)
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		c, err := db.ClaimMessage(ctx, fmt.Sprintf("m%07d", i), now, 0)
		if err != nil || c.Status != store.ClaimOK {
			b.Fatalf("claim %d: %+v, %v", i, c, err)
		}
		db.FinishMessage(c.Delivery, store.Outcome{State: vpslink.DeliverySent, At: now})
		d = append(d, time.Since(start))
	}
	reportPercentiles(b, d)
}
