package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

// series returns every occurrence of the series that starts with id, in
// order, as "number status time" lines.
func (h *harness) series(id string) string {
	h.t.Helper()
	rows, err := h.db.Reader().Query(`SELECT occurrence, status, scheduled_at FROM scheduled_messages
		WHERE id = ?1 OR series_id = ?1 ORDER BY scheduled_at, occurrence`, id)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var n int
		var status, at string
		if err := rows.Scan(&n, &status, &at); err != nil {
			h.t.Fatal(err)
		}
		tm, _ := vpslink.ParseStoredTime(at)
		lines = append(lines, fmt.Sprintf("%d %s %s", n, status, tm.Sub(t0)))
	}
	return strings.Join(lines, "; ")
}

func (h *harness) scheduleSeries(at time.Time, rule string) string {
	h.t.Helper()
	m := &vpslink.ScheduledMessage{ToPhone: "491511234567", Message: "water the plants", ScheduledAt: at, Recurrence: rule}
	if err := h.db.CreateMessage(context.Background(), m); err != nil {
		h.t.Fatal(err)
	}
	if h.cancel != nil {
		h.settle()
	}
	return m.ID
}

// A daily series sends its occurrences one after the other, each its own
// row with its own status and ledger row, and ends after COUNT.
func TestEngine_RecurringSeries(t *testing.T) {
	h := newHarness(t, nil)
	id := h.scheduleSeries(t0.Add(time.Minute), "FREQ=DAILY;COUNT=3")
	h.start()
	h.advance(time.Minute)
	h.wantAttempts(1)
	if got, want := h.series(id), "1 sent 1m0s; 2 pending 24h1m0s"; got != want {
		t.Fatalf("after the first occurrence: %s, want %s", got, want)
	}
	h.advance(24 * time.Hour)
	h.wantAttempts(2)
	h.advance(24 * time.Hour)
	h.wantAttempts(3)
	h.advance(24 * time.Hour)
	h.wantAttempts(3)
	if got, want := h.series(id), "1 sent 1m0s; 2 sent 24h1m0s; 3 sent 48h1m0s"; got != want {
		t.Fatalf("series: %s, want %s", got, want)
	}
	var rows, ids int
	if err := h.db.Reader().QueryRow(`SELECT count(*), count(DISTINCT message_id) FROM deliveries WHERE state = 'sent'`).Scan(&rows, &ids); err != nil {
		t.Fatal(err)
	}
	if rows != 3 || ids != 3 {
		t.Fatalf("%d sent ledger rows for %d messages, want one per occurrence", rows, ids)
	}
}

// A process that dies between the claim of an occurrence and its outcome
// leaves that occurrence failed as "may have been delivered", never sent
// again, and the next occurrence created exactly once by the claim: the
// series goes on after the restart without a gap or a repeat.
func TestEngine_RecurringSeriesCrashBetweenClaimAndOutcome(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	id := h.scheduleSeries(t0.Add(-time.Minute), "FREQ=DAILY")
	// The dead process's claim; the same claim retried (a second process
	// racing it, or a retry after a lost commit acknowledgement) adds nothing.
	for range 2 {
		if _, err := h.db.ClaimMessage(ctx, id, t0, 0); err != nil {
			t.Fatal(err)
		}
	}
	h.start()
	h.wantAttempts(0)
	h.wantStatus(id, vpslink.MessageFailed, "may have been delivered")
	if got, want := h.series(id), "1 failed -1m0s; 2 pending 23h59m0s"; got != want {
		t.Fatalf("after the restart: %s, want %s", got, want)
	}
	h.advance(24 * time.Hour)
	h.wantAttempts(1)
	if got, want := h.series(id), "1 failed -1m0s; 2 sent 23h59m0s; 3 pending 47h59m0s"; got != want {
		t.Fatalf("series: %s, want %s", got, want)
	}
}
