package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestMessages_CreateCreatesContact(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
	m := storetest.CreateMessage(t, db, "+49 151 1111111", "hello", at)
	if m.ToPhone != "491511111111" || m.Status != vpslink.MessagePending {
		t.Fatalf("%+v", m)
	}
	c, err := db.GetContact(ctx, "491511111111")
	if err != nil || c.Name != "491511111111" {
		t.Fatalf("minimal contact: %+v %v", c, err)
	}
	got, err := db.GetMessage(ctx, m.ID)
	if err != nil || !got.ScheduledAt.Equal(at) || got.Message != "hello" {
		t.Fatalf("get: %+v %v", got, err)
	}
	var stored string
	db.Reader().QueryRow(`SELECT scheduled_at FROM scheduled_messages WHERE id = ?`, m.ID).Scan(&stored)
	if stored != "2026-12-31T23:00:00.000Z" {
		t.Fatalf("stored time %q is not fixed-width UTC", stored)
	}
}

func TestMessages_Invalid(t *testing.T) {
	db := storetest.Open(t)
	at := time.Now()
	for _, tc := range []struct {
		name  string
		m     vpslink.ScheduledMessage
		field string
	}{
		{"bad phone", vpslink.ScheduledMessage{ToPhone: "hello", Message: "x", ScheduledAt: at}, "to_phone"},
		{"empty text", vpslink.ScheduledMessage{ToPhone: "4915112345678", ScheduledAt: at}, "message"},
		{"long text", vpslink.ScheduledMessage{ToPhone: "4915112345678", Message: string(make([]rune, 65537)), ScheduledAt: at}, "message"},
		{"no time", vpslink.ScheduledMessage{ToPhone: "4915112345678", Message: "x"}, "scheduled_at"},
		{"bad zone", vpslink.ScheduledMessage{ToPhone: "4915112345678", Message: "x", ScheduledAt: at, RecipientTimezone: "x/y"}, "timezone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.CreateMessage(context.Background(), &tc.m); vpslink.ErrorField(err) != tc.field {
				t.Fatalf("err = %v, want error on %s", err, tc.field)
			}
		})
	}
	if _, total, _ := db.ListContacts(context.Background(), vpslink.ContactFilter{}); total != 0 {
		t.Fatal("failed creates left contacts behind")
	}
}

func TestMessages_ListFilters(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 5 {
		ids = append(ids, storetest.CreateMessage(t, db, "4915100000001", "hello", base.Add(time.Duration(i)*time.Hour)).ID)
	}
	storetest.CreateMessage(t, db, "4915100000002", "hello", base)
	if _, err := db.CancelMessage(ctx, ids[0], ""); err != nil {
		t.Fatal(err)
	}
	from, until := base.Add(time.Hour), base.Add(3*time.Hour)
	for _, tc := range []struct {
		name  string
		f     vpslink.MessageFilter
		total int
	}{
		{"all", vpslink.MessageFilter{}, 6},
		{"pending", vpslink.MessageFilter{Status: "pending"}, 5},
		{"cancelled", vpslink.MessageFilter{Status: "cancelled"}, 1},
		{"to", vpslink.MessageFilter{To: "+4915100000002"}, 1},
		{"range", vpslink.MessageFilter{From: &from, Until: &until}, 2},
		{"page", vpslink.MessageFilter{Limit: 2}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := db.ListMessages(ctx, tc.f)
			if err != nil || total != tc.total {
				t.Fatalf("total %d, %v; want %d", total, err, tc.total)
			}
			if tc.f.Limit > 0 && len(got) != tc.f.Limit {
				t.Fatalf("page of %d", len(got))
			}
		})
	}
	if _, _, err := db.ListMessages(ctx, vpslink.MessageFilter{Status: "bogus"}); vpslink.ErrorField(err) != "status" {
		t.Fatalf("bad status: %v", err)
	}
}

// The per-status counters follow every kind of write, from vpslink and
// from other tools, and db check notices when they do not.
func TestMessages_StatusCounters(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	a := storetest.CreateMessage(t, db, "4915100000001", "hello", at)
	b := storetest.CreateMessage(t, db, "4915100000001", "hello", at)
	storetest.CreateMessage(t, db, "4915100000002", "hello", at)
	if _, err := db.CancelMessage(ctx, a.ID, ""); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO scheduled_messages (to_phone, message, scheduled_at) VALUES ('+49 151 00000003', 'raw', '2026-12-01 10:00')`,
		`UPDATE scheduled_messages SET status = 'failed' WHERE id = '` + b.ID + `'`,
		`UPDATE scheduled_messages SET message = 'same status' WHERE status = 'pending'`,
		`DELETE FROM scheduled_messages WHERE id = '` + a.ID + `'`,
	} {
		if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.ExecContext(context.Background(), stmt); return err }); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	want := map[string]int{"pending": 2, "failed": 1, "cancelled": 0}
	got, err := db.CountMessagesByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for status, n := range want {
		if got[status] != n {
			t.Errorf("counter %s = %d, want %d (all: %v)", status, got[status], n, got)
		}
		if _, total, err := db.ListMessages(ctx, vpslink.MessageFilter{Status: status}); err != nil || total != n {
			t.Errorf("list %s: total %d, %v; want %d", status, total, err, n)
		}
	}
	if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE scheduled_message_counts SET n = 7 WHERE status = 'pending'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	problems, err := db.Check(ctx)
	if err != nil || len(problems) != 1 || problems[0] != "counters: 2 messages are pending, the counter says 7" {
		t.Fatalf("check of a wrong counter: %q %v", problems, err)
	}
}

func TestMessages_UpdateAndCancel(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	m := storetest.CreateMessage(t, db, "4915100000001", "hello", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	text, when := "edited", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	got, err := db.UpdateMessage(ctx, m.ID, vpslink.MessageUpdate{Message: &text, ScheduledAt: &when})
	if err != nil || got.Message != "edited" || !got.ScheduledAt.Equal(when) {
		t.Fatalf("update: %+v %v", got, err)
	}
	empty := ""
	if _, err := db.UpdateMessage(ctx, m.ID, vpslink.MessageUpdate{Message: &empty}); vpslink.ErrorField(err) != "message" {
		t.Fatalf("empty text: %v", err)
	}
	if _, err := db.UpdateMessage(ctx, "nope", vpslink.MessageUpdate{Message: &text}); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("missing: %v", err)
	}
	if _, err := db.Reader().Exec(`SELECT 1`); err != nil {
		t.Fatal(err)
	}
	// A message being sent can be neither edited nor cancelled.
	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE scheduled_messages SET status = 'sending' WHERE id = ?`, m.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateMessage(ctx, m.ID, vpslink.MessageUpdate{Message: &text}); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("edit while sending: %v", err)
	}
	if _, err := db.CancelMessage(ctx, m.ID, ""); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("cancel while sending: %v", err)
	}
	m2 := storetest.CreateMessage(t, db, "4915100000001", "hello", when)
	for range 2 { // cancelling twice is not an error
		if got, err := db.CancelMessage(ctx, m2.ID, ""); err != nil || got.Status != vpslink.MessageCancelled {
			t.Fatalf("cancel: %+v %v", got, err)
		}
	}
	counts, err := db.CountMessagesByStatus(ctx)
	if err != nil || counts["sending"] != 1 || counts["cancelled"] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
}

// Rows written by other tools with only the seed's columns, in loose forms,
// are normalised and valid input for everything else.
func TestMessages_SeedColumnsInsert(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	raw := storetest.Raw(t, db) // like the sqlite3 shell: foreign keys off
	if _, err := raw.Exec(`INSERT INTO scheduled_messages (id, to_phone, contact_name, message, scheduled_at)
		VALUES ('legacy-1', '+49 151 7654321', 'Carla', 'from sqlite3', '2026-12-31 22:00:00')`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO scheduled_messages (to_phone, message, scheduled_at)
		VALUES ('4915176543210', 'no id, offset time', '2027-01-01T00:30:00+01:00')`); err != nil {
		t.Fatal(err)
	}
	// The trunk 0 in brackets is not dialled from abroad.
	if _, err := raw.Exec(`INSERT INTO scheduled_messages (id, to_phone, message, scheduled_at) VALUES
		('trunk-1', '+44 (0) 7700 900128', 'x', '2027-01-01 00:00:00'), ('trunk-2', '0044 (0)7700 900129', 'x', '2027-01-01 00:00:00')`); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"trunk-1": "447700900128", "trunk-2": "447700900129"} {
		if m, err := db.GetMessage(ctx, id); err != nil || m.ToPhone != want {
			t.Fatalf("%s: %+v %v, want %s", id, m, err, want)
		}
	}
	for _, bad := range []string{
		`INSERT INTO scheduled_messages (to_phone, message, scheduled_at) VALUES ('4915176543210', 'x', 'tomorrow')`,
		`INSERT INTO scheduled_messages (to_phone, message, scheduled_at) VALUES ('call me', 'x', '2027-01-01 00:00:00')`,
		`INSERT INTO scheduled_messages (to_phone, message, scheduled_at, status) VALUES ('4915176543210', 'x', '2027-01-01 00:00:00', 'done')`,
	} {
		if _, err := raw.Exec(bad); err == nil {
			t.Fatalf("accepted: %s", bad)
		}
	}
	m, err := db.GetMessage(ctx, "legacy-1")
	if err != nil || m.ToPhone != "491517654321" || m.Status != "pending" ||
		!m.ScheduledAt.Equal(time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC)) || m.UpdatedAt.IsZero() {
		t.Fatalf("legacy row: %+v %v", m, err)
	}
	if c, err := db.GetContact(ctx, "491517654321"); err != nil || c.Name != "Carla" {
		t.Fatalf("contact from seed insert: %+v %v", c, err)
	}
	list, _, err := db.ListMessages(ctx, vpslink.MessageFilter{To: "4915176543210"})
	if err != nil || len(list) != 1 || len(list[0].ID) != 32 ||
		!list[0].ScheduledAt.Equal(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)) {
		t.Fatalf("offset row: %+v %v", list, err)
	}
	if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

// A national number another tool inserts cannot be read by a trigger,
// which does not know the phone region: it is kept as its digits, and the
// claim reads it with the phone rules, sending to the number they read or
// refusing it without a region.
func TestMessages_NationalFromOtherTools(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	raw := storetest.Raw(t, db)
	at := db.Now().Add(-time.Second)
	for _, id := range []string{"with-region", "without-region"} {
		if _, err := raw.Exec(`INSERT INTO scheduled_messages (id, to_phone, message, scheduled_at) VALUES (?, '07700 900127', 'x', ?)`,
			id, vpslink.FormatTime(at)); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := db.GetMessage(ctx, "with-region"); err != nil || m.ToPhone != "07700900127" {
		t.Fatalf("stored %+v %v", m, err)
	}
	if err := vpslink.SetPhoneRegion("GB"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vpslink.SetPhoneRegion("") })
	if c, err := db.ClaimMessage(ctx, "with-region", db.Now(), 0); err != nil || c.Status != store.ClaimOK ||
		c.Delivery.Recipient != "447700900127@s.whatsapp.net" {
		t.Fatalf("claim with a region: %+v %v", c, err)
	}
	vpslink.SetPhoneRegion("")
	if c, err := db.ClaimMessage(ctx, "without-region", db.Now(), 0); err != nil || c.Status != store.ClaimRefused ||
		!strings.Contains(c.Reason, "country code") {
		t.Fatalf("claim without a region: %+v %v", c, err)
	}
}

func TestMessages_Resend(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	now := db.Now()
	orig := storetest.CreateMessage(t, db, "491511111111", "hello", now.Add(-time.Hour))
	if _, err := db.ResendMessage(ctx, orig.ID, time.Time{}, "cli"); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("resend of a pending message: %v", err)
	}
	if _, err := db.FailMessage(ctx, orig.ID, now, store.HeldReason); err != nil {
		t.Fatal(err)
	}
	first, err := db.ResendMessage(ctx, orig.ID, time.Time{}, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == orig.ID || first.ResentFrom != orig.ID || first.Status != vpslink.MessagePending ||
		!first.ScheduledAt.Equal(now) || first.ToPhone != orig.ToPhone || first.Message != orig.Message || first.CreatedFrom != "cli" {
		t.Fatalf("resend %+v of %+v", first, orig)
	}
	if got, _ := db.GetMessage(ctx, first.ID); got.ResentFrom != orig.ID {
		t.Fatalf("stored resend %+v", got)
	}
	if got, _ := db.GetMessage(ctx, orig.ID); got.Status != vpslink.MessageFailed || got.ErrorMessage != store.HeldReason {
		t.Fatalf("the original changed: %+v", got)
	}
	// A resend of a resend names the first message; a later time is kept.
	if _, err := db.CancelMessage(ctx, first.ID, ""); err != nil {
		t.Fatal(err)
	}
	later := now.Add(time.Hour)
	second, err := db.ResendMessage(ctx, first.ID, later, "api")
	if err != nil || second.ResentFrom != orig.ID || !second.ScheduledAt.Equal(later) {
		t.Fatalf("resend of the resend: %+v %v", second, err)
	}
	if _, err := db.ResendMessage(ctx, "nope", time.Time{}, "cli"); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("resend of a missing message: %v", err)
	}
	// A sent message is not resent: it could only arrive twice.
	if err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'sent' WHERE id = ?`, second.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResendMessage(ctx, second.ID, time.Time{}, "cli"); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("resend of a sent message: %v", err)
	}
}

// A resend shows the recipient's current name: a contact or group renamed
// since the first message gives its new name; a contact deleted since
// leaves the name the first message had.
func TestMessages_ResendTakesCurrentName(t *testing.T) {
	const phone, group = "491511111111", "120363012345678901@g.us"
	ctx := context.Background()
	for _, tc := range []struct {
		name, to string
		change   func(t *testing.T, db *store.DB)
		want     string
	}{
		{"contact renamed", phone, func(t *testing.T, db *store.DB) {
			name := "Ann Smith"
			if _, err := db.UpdateContact(ctx, phone, vpslink.ContactUpdate{Name: &name}); err != nil {
				t.Fatal(err)
			}
		}, "Ann Smith"},
		{"contact deleted", phone, func(t *testing.T, db *store.DB) {
			if err := db.DeleteContact(ctx, phone); err != nil {
				t.Fatal(err)
			}
		}, "Ann"},
		{"group renamed", group, func(t *testing.T, db *store.DB) { storetest.CreateGroup(t, db, group, "Choir 2027", 30) }, "Choir 2027"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t)
			storetest.CreateContact(t, db, &vpslink.Contact{Phone: phone, Name: "Ann"})
			storetest.CreateGroup(t, db, group, "Choir", 30)
			orig := storetest.CreateMessage(t, db, tc.to, "hello", db.Now().Add(time.Hour))
			if _, err := db.CancelMessage(ctx, orig.ID, ""); err != nil {
				t.Fatal(err)
			}
			tc.change(t, db)
			m, err := db.ResendMessage(ctx, orig.ID, time.Time{}, "api")
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := db.GetMessage(ctx, m.ID); m.ContactName != tc.want || got.ContactName != tc.want {
				t.Fatalf("resend named %q, stored %q, want %q", m.ContactName, got.ContactName, tc.want)
			}
		})
	}
}

func TestMessages_ListSearch(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	storetest.CreateContact(t, db, &vpslink.Contact{Phone: "48601234567", Name: "Żaneta Wójcik", Aliases: []string{"Żanka"}})
	storetest.CreateMessage(t, db, "48601234567", "Wesołych ŚWIĄT", at)
	storetest.CreateMessage(t, db, "351911111111", "Reunião às 10h_00 (100% sure)", at)
	storetest.CreateMessage(t, db, "351911111111", "See you", at)
	// The contact's name now, not the one stored with the message, finds it too.
	name := "Ana Łukasz"
	if _, err := db.UpdateContact(ctx, "351911111111", vpslink.ContactUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		search string
		want   []string
	}{
		{"świąt", []string{"Wesołych ŚWIĄT"}},
		{"REUNIÃO", []string{"Reunião às 10h_00 (100% sure)"}},
		{"żaneta", []string{"Wesołych ŚWIĄT"}},
		{"ŻANKA", []string{"Wesołych ŚWIĄT"}},
		{"łukasz", []string{"Reunião às 10h_00 (100% sure)", "See you"}},
		{"+351 911", []string{"Reunião às 10h_00 (100% sure)", "See you"}},
		{"h_0", []string{"Reunião às 10h_00 (100% sure)"}},
		{"0%", []string{"Reunião às 10h_00 (100% sure)"}},
		{"1_h", nil},
		{"nobody", nil},
	} {
		t.Run(tc.search, func(t *testing.T) {
			got, total, err := db.ListMessages(ctx, vpslink.MessageFilter{Search: tc.search})
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			for _, m := range got {
				texts = append(texts, m.Message)
			}
			slices.Sort(texts)
			if total != len(tc.want) || !slices.Equal(texts, tc.want) {
				t.Fatalf("found %q (total %d), want %q", texts, total, tc.want)
			}
		})
	}
}
