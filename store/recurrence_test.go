package store_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// createSeries schedules a recurring message due at storetest.Now.
func createSeries(t *testing.T, db *store.DB, rule, zone string) *vpslink.ScheduledMessage {
	t.Helper()
	m := &vpslink.ScheduledMessage{ToPhone: "491511234567", Message: "Happy birthday", ScheduledAt: storetest.Now,
		Recurrence: rule, RecipientTimezone: zone}
	if err := db.CreateMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// seriesRows returns the rows of series id, soonest first.
func seriesRows(t *testing.T, db *store.DB, id string) []*vpslink.ScheduledMessage {
	t.Helper()
	list, _, err := db.ListMessages(context.Background(), vpslink.MessageFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []*vpslink.ScheduledMessage
	for _, m := range list {
		if m.SeriesID == id {
			out = append(out, m)
		}
	}
	return out
}

func TestCreateMessage_Series(t *testing.T) {
	db := storetest.Open(t)
	m := createSeries(t, db, "freq=weekly", "Europe/Berlin")
	got, err := db.GetMessage(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Recurrence != "FREQ=WEEKLY" || got.SeriesID != m.ID || got.Occurrence != 1 || !got.SeriesStart.Equal(storetest.Now) {
		t.Fatalf("stored series %q %q %d %v", got.Recurrence, got.SeriesID, got.Occurrence, got.SeriesStart)
	}
	want := []time.Time{storetest.Now, storetest.Now.AddDate(0, 0, 7), storetest.Now.AddDate(0, 0, 14)}
	if len(got.NextOccurrences) != 3 {
		t.Fatalf("next occurrences %v, want %v", got.NextOccurrences, want)
	}
	for i := range want {
		if !got.NextOccurrences[i].Equal(want[i]) {
			t.Fatalf("next occurrences %v, want %v", got.NextOccurrences, want)
		}
	}
	bad := &vpslink.ScheduledMessage{ToPhone: "491511234567", Message: "x", ScheduledAt: storetest.Now, Recurrence: "FREQ=HOURLY"}
	if err := db.CreateMessage(context.Background(), bad); vpslink.ErrorField(err) != "recurrence" {
		t.Fatalf("bad rule: %v", err)
	}
}

// TestClaimMessage_CreatesNextOccurrence: the claim's transaction creates
// the series' next occurrence, once, whatever happens after it.
func TestClaimMessage_CreatesNextOccurrence(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	m := createSeries(t, db, "FREQ=YEARLY;COUNT=2", "")
	c, err := db.ClaimMessage(ctx, m.ID, storetest.Now, time.Hour)
	if err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %v %v", c, err)
	}
	rows := seriesRows(t, db, m.ID)
	if len(rows) != 2 || rows[1].Status != vpslink.MessagePending || rows[1].Occurrence != 2 ||
		!rows[1].ScheduledAt.Equal(storetest.Now.AddDate(1, 0, 0)) || rows[1].Message != m.Message {
		t.Fatalf("after the claim: %+v", rows)
	}
	// A not-sent attempt claimed again adds no second next occurrence.
	db.FinishMessage(c.Delivery, store.Outcome{State: vpslink.DeliveryNotSent, Error: "offline", At: storetest.Now})
	if c, err := db.ClaimMessage(ctx, m.ID, storetest.Now, time.Hour); err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim again: %v %v", c, err)
	}
	if rows := seriesRows(t, db, m.ID); len(rows) != 2 {
		t.Fatalf("claimed again: %d rows of the series", len(rows))
	}
	// COUNT=2: the last occurrence's claim ends the series.
	last := seriesRows(t, db, m.ID)[1]
	if c, err := db.ClaimMessage(ctx, last.ID, last.ScheduledAt, time.Hour); err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim last: %v %v", c, err)
	}
	if rows := seriesRows(t, db, m.ID); len(rows) != 2 {
		t.Fatalf("after the last occurrence: %d rows", len(rows))
	}
}

// TestClaimMessage_SeriesCrashSafety reasons about a crash at each point:
// the next occurrence is written by the claim's own transaction, so either
// both are on disk or neither is. A claim whose next occurrence cannot be
// written is not committed at all, and a database reopened after a
// committed claim holds the next occurrence.
func TestClaimMessage_SeriesCrashSafety(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vpslink.db")
	db := storetest.Open(t, storetest.WithPath(path))
	m := createSeries(t, db, "FREQ=DAILY", "")

	// The next occurrence's insert fails: the claim must not commit.
	err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TRIGGER refuse_next BEFORE INSERT ON scheduled_messages
			WHEN NEW.occurrence = 2 BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimMessage(ctx, m.ID, storetest.Now, time.Hour); err == nil {
		t.Fatal("claim succeeded although its next occurrence could not be written")
	}
	got, _ := db.GetMessage(ctx, m.ID)
	if got.Status != vpslink.MessagePending || len(seriesRows(t, db, m.ID)) != 1 {
		t.Fatalf("a failed claim left status %s and %d rows", got.Status, len(seriesRows(t, db, m.ID)))
	}
	var ledgerRows int
	err = db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries`).Scan(&ledgerRows); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DROP TRIGGER refuse_next`)
		return err
	})
	if ledgerRows != 0 {
		t.Fatalf("a failed claim left %d ledger rows", ledgerRows)
	}
	if err != nil {
		t.Fatal(err)
	}

	// The claim commits; the process dies before sending. Reopened, the
	// database holds the claimed occurrence and exactly one next one.
	if c, err := db.ClaimMessage(ctx, m.ID, storetest.Now, time.Hour); err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %v %v", c, err)
	}
	db.Close()
	db = storetest.Open(t, storetest.WithPath(path))
	rows := seriesRows(t, db, m.ID)
	if len(rows) != 2 || rows[0].Status != vpslink.MessageSending || rows[1].Status != vpslink.MessagePending {
		t.Fatalf("after reopening: %+v", rows)
	}
}

func TestClaimMessage_MissedOccurrence(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	m := createSeries(t, db, "FREQ=DAILY", "")
	late := storetest.Now.Add(2 * time.Hour)
	c, err := db.ClaimMessage(ctx, m.ID, late, time.Hour)
	if err != nil || c.Status != store.ClaimMissed {
		t.Fatalf("claim: %v %v", c, err)
	}
	if _, err := db.FailMessage(ctx, m.ID, late, "missed"); err != nil {
		t.Fatal(err)
	}
	rows := seriesRows(t, db, m.ID)
	if len(rows) != 2 || rows[0].Status != vpslink.MessageFailed || rows[1].Status != vpslink.MessagePending ||
		!rows[1].ScheduledAt.Equal(storetest.Now.AddDate(0, 0, 1)) {
		t.Fatalf("after a missed occurrence: %+v", rows)
	}
}

func TestCancelAndEditOccurrence(t *testing.T) {
	ctx := context.Background()
	text := "Edited"
	later := storetest.Now.Add(time.Hour)
	weekly := "FREQ=WEEKLY"
	tests := []struct {
		name string
		do   func(db *store.DB, id string) error
		// want: statuses of the series' rows, soonest first, and the rule
		// the pending head carries.
		want     []string
		wantRule string
	}{
		{"cancel one occurrence: the series goes on", func(db *store.DB, id string) error {
			_, err := db.CancelMessage(ctx, id, "")
			return err
		}, []string{vpslink.MessageCancelled, vpslink.MessagePending}, "FREQ=DAILY"},
		{"cancel the series", func(db *store.DB, id string) error {
			_, err := db.CancelMessage(ctx, id, vpslink.ScopeSeries)
			return err
		}, []string{vpslink.MessageCancelled}, ""},
		{"edit one occurrence: it leaves the series, which goes on", func(db *store.DB, id string) error {
			_, err := db.UpdateMessage(ctx, id, vpslink.MessageUpdate{Message: &text, ScheduledAt: &later})
			return err
		}, []string{vpslink.MessagePending, vpslink.MessagePending}, "FREQ=DAILY"},
		{"edit the series: the rule changes from this occurrence on", func(db *store.DB, id string) error {
			_, err := db.UpdateMessage(ctx, id, vpslink.MessageUpdate{Recurrence: &weekly, Scope: vpslink.ScopeSeries})
			return err
		}, []string{vpslink.MessagePending}, "FREQ=WEEKLY"},
		{"a bad scope is refused", func(db *store.DB, id string) error {
			_, err := db.CancelMessage(ctx, id, "all")
			if vpslink.ErrorField(err) != "scope" {
				t.Errorf("bad scope: %v", err)
			}
			return nil
		}, []string{vpslink.MessagePending}, "FREQ=DAILY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.Open(t)
			m := createSeries(t, db, "FREQ=DAILY", "")
			if err := tt.do(db, m.ID); err != nil {
				t.Fatal(err)
			}
			rows := seriesRows(t, db, m.ID)
			var got []string
			rule := ""
			for _, r := range rows {
				got = append(got, r.Status)
				if r.Status == vpslink.MessagePending && r.Recurrence != "" {
					rule = r.Recurrence
				}
			}
			if len(got) != len(tt.want) || rule != tt.wantRule {
				t.Fatalf("statuses %v rule %q, want %v %q", got, rule, tt.want, tt.wantRule)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("statuses %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// A series whose recipient has no time zone repeats in the default zone in
// force when it starts (here a saved setting over the configuration's UTC),
// created so or made a series by an edit: 23:00 in Sydney stays 23:00 when
// daylight saving ends, so it moves from 12:00 to 13:00 UTC. A zone given
// is kept.
func TestSeries_DefaultZone(t *testing.T) {
	ctx := context.Background()
	const rule = "FREQ=MONTHLY;INTERVAL=3"
	sydney := []time.Time{storetest.Now, storetest.Now.AddDate(0, 3, 0), storetest.Now.AddDate(0, 6, 0).Add(time.Hour)}
	utc := []time.Time{storetest.Now, storetest.Now.AddDate(0, 3, 0), storetest.Now.AddDate(0, 6, 0)}
	for _, tc := range []struct {
		name, zone string
		byEdit     bool
		wantZone   string
		want       []time.Time
	}{
		{"created without a zone", "", false, "Australia/Sydney", sydney},
		{"made a series by an edit", "", true, "Australia/Sydney", sydney},
		{"created with a zone", "UTC", false, "UTC", utc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t)
			if _, _, err := db.UpdateSettings(ctx, map[string]json.RawMessage{"default_timezone": json.RawMessage(`"Australia/Sydney"`)}); err != nil {
				t.Fatal(err)
			}
			m := &vpslink.ScheduledMessage{ToPhone: "491511234567", Message: "Quarterly", ScheduledAt: storetest.Now,
				RecipientTimezone: tc.zone}
			if !tc.byEdit {
				m.Recurrence = rule
			}
			if err := db.CreateMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
			if tc.byEdit {
				r := rule
				if _, err := db.UpdateMessage(ctx, m.ID, vpslink.MessageUpdate{Recurrence: &r}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.GetMessage(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.RecipientTimezone != tc.wantZone || len(got.NextOccurrences) != len(tc.want) {
				t.Fatalf("zone %q, next %v; want %q, %v", got.RecipientTimezone, got.NextOccurrences, tc.wantZone, tc.want)
			}
			for i := range tc.want {
				if !got.NextOccurrences[i].Equal(tc.want[i]) {
					t.Fatalf("next %v, want %v", got.NextOccurrences, tc.want)
				}
			}
		})
	}
}
