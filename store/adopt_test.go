package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// strictRows are rows of the kinds found in a database its owner filled by
// hand and with the seed's scripts: phones as typed, a message to a phone
// that is no contact, deleted rows behind the AUTOINCREMENT counters.
const strictRows = `
INSERT INTO contacts (id, phone, name) VALUES
    (1, '491701234567', 'Anna'),
    (2, '1(281)793-8853', 'Bob'),
    (3, '0012048079503', 'Cleo'),
    (4, '7938853', 'Dora'),
    (5, 'call me', 'Emil'),
    (6, '+49 170 1234567', 'Anna twice'),
    (9, '4915100000009', 'Gone');
DELETE FROM contacts WHERE id = 9;
INSERT INTO scheduled_messages (id, to_phone, contact_name, message, scheduled_at, status) VALUES
    ('m-bob', '1(281)793-8853', 'Bob', 'hello Bob', '2026-12-31T11:00:00.000Z', 'pending'),
    ('m-stranger', '15550001111', 'Stranger', 'hello stranger', '2026-12-31T11:00:00.000Z', 'pending'),
    ('m-anna', '491701234567', 'Anna', 'sent long ago', '2026-01-01T10:00:00.000Z', 'sent'),
    ('m-cancel', '491701234567', 'Anna', 'to be cancelled', '2027-01-01T10:00:00.000Z', 'pending');
INSERT INTO jobs (id, title, status, scheduled_start_at, config, message_parts, recipients) VALUES
    ('j-news', 'Newsletter', 'pending', '2026-12-31T11:00:00.000Z', '{"recipientGapSeconds":0,"maxRetries":0}',
     '[{"text":"news","delayAfterSeconds":null}]', '["491701234567@s.whatsapp.net"]');
INSERT INTO chats (id, name, unread_count, last_message_time) VALUES ('491701234567@s.whatsapp.net', 'Anna', 2, 1700000000);
INSERT INTO messages (id, chat_id, message, timestamp, message_type) VALUES
    (1, '491701234567@s.whatsapp.net', 'hi', 1700000000, 'text'),
    (2, '491701234567@s.whatsapp.net', NULL, 1700000001, 'audio'),
    (12, '491701234567@s.whatsapp.net', 'gone', 1700000002, 'other');
DELETE FROM messages WHERE id = 12;
INSERT INTO backup_history (filename, size_bytes, location, status) VALUES ('whatsapp_20261230.db.gz', 1000, '/backups', 'success');
`

// fixtureTime is the clock of the tests over fixtures: an hour after the
// fixtures' messages are due.
var fixtureTime = storetest.WithTime(time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC))

// fixtureDB writes a database made by another tool from the schema in
// testdata/<schema> and rows, and returns its path.
func fixtureDB(t *testing.T, schema, rows string) string {
	t.Helper()
	ddl, err := os.ReadFile(filepath.Join("testdata", schema))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	raw, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(string(ddl) + rows); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMigrate_AdoptsStricterDatabase(t *testing.T) {
	ctx := context.Background()
	path := fixtureDB(t, "strict_schema.sql", strictRows)
	db := storetest.Open(t, storetest.WithPath(path), fixtureTime)
	report := strings.Join(db.MigrateReport(), "\n")
	for _, want := range []string{
		"scheduled_messages: rebuilt with vpslink's definition, 4 rows kept",
		"jobs: rebuilt with vpslink's definition, 1 rows kept",
		"messages: rebuilt with vpslink's definition, 2 rows kept",
		"contacts: 1 added for rows that referred to none",
		`contacts: phone "1(281)793-8853" normalised to 12817938853 (1 scheduled messages follow)`,
		`contacts: phone "0012048079503" normalised to 12048079503`,
		`contacts: phone "call me" kept as it is and flagged`,
		`contacts: phone "+49 170 1234567" kept as it is and flagged: its digits 491701234567 are another contact's`,
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}

	// Rows, ids and AUTOINCREMENT counters are kept; the message to Bob
	// follows his normalised phone; the stranger became a contact.
	for phone, id := range map[string]int64{"491701234567": 1, "12817938853": 2, "12048079503": 3, "7938853": 4, "15550001111": 10} {
		c, err := db.GetContact(ctx, phone)
		if err != nil || c.ID != id {
			t.Errorf("contact %s: %+v, %v (want id %d)", phone, c, err, id)
		}
	}
	if m, err := db.GetMessage(ctx, "m-bob"); err != nil || m.ToPhone != "12817938853" {
		t.Fatalf("m-bob: %+v %v", m, err)
	}
	var flagged []string
	contacts, _, err := db.ListContacts(ctx, vpslink.ContactFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range contacts {
		if c.PhoneProblem != "" {
			flagged = append(flagged, c.Phone)
		}
	}
	slices.Sort(flagged)
	if want := []string{"+49 170 1234567", "call me"}; !slices.Equal(flagged, want) {
		t.Errorf("flagged %q, want %q", flagged, want)
	}
	// A flagged contact is found by its phone as stored, can be edited
	// without correcting it, and corrected; its messages follow.
	notes := "kept"
	if c, err := db.UpdateContact(ctx, "call me", vpslink.ContactUpdate{Notes: &notes}); err != nil || c.Phone != "call me" || c.PhoneProblem == "" {
		t.Errorf("edit a flagged contact: %+v %v", c, err)
	}
	if c, err := db.GetContact(ctx, "+49 170 1234567"); err != nil || c.Name != "Anna twice" {
		t.Errorf("flagged contact by its stored phone: %+v %v", c, err)
	}
	fixed := "4915155555555"
	if c, err := db.UpdateContact(ctx, "call me", vpslink.ContactUpdate{Phone: &fixed}); err != nil || c.Phone != fixed || c.PhoneProblem != "" {
		t.Errorf("correct a flagged phone: %+v %v", c, err)
	}
	taken := "+49 170 1234567"
	if _, err := db.UpdateContact(ctx, fixed, vpslink.ContactUpdate{Phone: &taken}); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Errorf("a phone corrected into another contact's: %v", err)
	}
	bob := "+1 281 793 8854"
	if _, err := db.UpdateContact(ctx, "12817938853", vpslink.ContactUpdate{Phone: &bob}); err != nil {
		t.Fatal(err)
	}
	if m, err := db.GetMessage(ctx, "m-bob"); err != nil || m.ToPhone != "12817938854" {
		t.Errorf("message did not follow the corrected phone: %+v %v", m, err)
	}
	for table, min := range map[string]int{"contacts": 10, "messages": 12} {
		var seq int
		db.Reader().QueryRow(`SELECT seq FROM sqlite_sequence WHERE name = ?`, table).Scan(&seq)
		if seq < min {
			t.Errorf("%s counter %d, want at least %d", table, seq, min)
		}
	}
	if c := createContact(t, db, "4915112345678"); c.ID != 11 {
		t.Errorf("new contact id %d, want 11 (ids of deleted rows are not reused)", c.ID)
	}

	exerciseWrites(t, db)

	// The owner's views, triggers and indexes still exist and work.
	for _, q := range []string{
		`SELECT count(*) FROM v_pending_messages`, `SELECT count(*) FROM v_pending_jobs`, `SELECT count(*) FROM v_recent_chats`,
	} {
		var n int
		if err := db.Reader().QueryRow(q).Scan(&n); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	for _, name := range []string{"update_contacts_timestamp", "update_chats_timestamp", "idx_contacts_name", "idx_chats_unread", "idx_messages_type"} {
		var n int
		if db.Reader().QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = ?`, name).Scan(&n); n != 1 {
			t.Errorf("%s is gone", name)
		}
	}
	var stamped string
	db.Reader().QueryRow(`SELECT updated_at FROM contacts WHERE phone = '491701234567'`).Scan(&stamped)
	if !strings.Contains(stamped, " ") {
		t.Errorf("the owner's trigger did not stamp updated_at: %q", stamped)
	}

	// Every snapshot adds a row to backup_history, success or failure.
	for _, err := range []error{nil, fmt.Errorf("upload: connection refused")} {
		if err := db.RecordBackup(ctx, store.BackupRecord{At: db.Now(), File: "whatsapp_20261231_120000.db.gz",
			Size: 2000, Location: "s3://bucket/backups", Err: err}); err != nil {
			t.Fatal(err)
		}
	}
	var statuses string
	db.Reader().QueryRow(`SELECT group_concat(status) FROM backup_history`).Scan(&statuses)
	if statuses != "success,success,failed" {
		t.Errorf("backup_history statuses %q", statuses)
	}

	if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
		t.Errorf("check: %q %v", problems, err)
	}
	db.Close()
	again := storetest.Open(t, storetest.WithPath(path), fixtureTime)
	for _, line := range again.MigrateReport() {
		if !strings.Contains(line, "flagged") {
			t.Errorf("a second migrate changed something: %s", line)
		}
	}
}

func createContact(t *testing.T, db *store.DB, phone string) *vpslink.Contact {
	t.Helper()
	c := &vpslink.Contact{Phone: phone, Name: "New " + phone}
	storetest.CreateContact(t, db, c)
	return c
}

// exerciseWrites writes every state vpslink writes into an adopted
// database: a claim, each send outcome, a cancel, a job's pause, resume and
// end, an import, chat capture of every message type and receipts.
func exerciseWrites(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	claim := func(id string) *store.Claim {
		t.Helper()
		c, err := db.ClaimMessage(ctx, id, now, 0)
		if err != nil || c.Status != store.ClaimOK {
			t.Fatalf("claim %s: %+v %v", id, c, err)
		}
		return c
	}
	bob := claim("m-bob")
	db.FinishMessage(bob.Delivery, store.Outcome{State: vpslink.DeliverySent, At: now})
	stranger := claim("m-stranger")
	db.FinishMessage(stranger.Delivery, store.Outcome{State: vpslink.DeliveryUnknown, Error: "timeout: may have been delivered", At: now})
	if err := db.FlushResults(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelMessage(ctx, "m-cancel", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyReceipt(ctx, store.ReceiptRead, []string{bob.Delivery.WAMessageID, stranger.Delivery.WAMessageID}, now); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"m-bob": vpslink.MessageSent, "m-stranger": vpslink.MessageSent, "m-cancel": vpslink.MessageCancelled} {
		if m, err := db.GetMessage(ctx, id); err != nil || m.Status != want {
			t.Errorf("%s: %+v %v, want %s", id, m, err, want)
		}
	}

	if _, err := db.PauseJob(ctx, "j-news"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResumeJob(ctx, "j-news"); err != nil {
		t.Fatal(err)
	}
	step, err := db.ClaimJobStep(ctx, "j-news", 0, 0, now, 0)
	if err != nil || step.Status != store.ClaimOK {
		t.Fatalf("claim job step: %+v %v", step, err)
	}
	if err := db.FinishJobStep(ctx, step.Delivery, store.Outcome{State: vpslink.DeliverySent, At: now},
		func(store.Outcome) store.JobProgress {
			return store.JobProgress{CurrentRecipientIndex: 1, RecipientSent: true, LastSentAt: &now, Finished: true}
		}); err != nil {
		t.Fatal(err)
	}
	if j, err := db.GetJob(ctx, "j-news"); err != nil || j.Status != vpslink.JobCompleted {
		t.Errorf("job: %+v %v", j, err)
	}
	untitled := &vpslink.Job{ScheduledStartAt: now.Add(time.Hour), Recipients: []string{"491701234567@s.whatsapp.net"},
		MessageParts: []vpslink.MessagePart{{Text: "part"}}}
	if err := db.CreateJob(ctx, untitled); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelJob(ctx, untitled.ID); err != nil {
		t.Fatal(err)
	}

	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ImportContact(ctx, &vpslink.Contact{Phone: "4930123456", Name: "Imported"})
		return err
	}); err != nil {
		t.Fatalf("import: %v", err)
	}

	var batch store.WABatch
	chat := "491701234567@s.whatsapp.net"
	batch.Chats = append(batch.Chats, store.WAChat{ID: chat, Name: "Anna", UnreadCount: -1, LastMessageTime: now.Unix()})
	for i, typ := range vpslink.MessageTypes {
		batch.Messages = append(batch.Messages, store.WAMessage{ChatMessage: vpslink.ChatMessage{ChatID: chat, Message: typ,
			Timestamp: now.Unix() + int64(i), MessageType: typ, WAMessageID: "IN-" + typ, SenderJID: chat}, CountUnread: true})
	}
	if n, err := db.IngestWhatsApp(ctx, batch); err != nil || n != len(vpslink.MessageTypes) {
		t.Fatalf("chat capture: %d %v", n, err)
	}
	if _, err := db.MarkChatRead(ctx, chat); err != nil {
		t.Fatal(err)
	}
}

// A database made by vpslink, one made by the seed's schema.sql and one
// made with the owner's stricter rules all end in the same schema: the
// same tables, columns, constraints, foreign keys, indexes and triggers,
// besides the owner's own extra indexes, triggers, views and tables.
func TestMigrate_SameSchemaFromEveryStart(t *testing.T) {
	fresh := storetest.Open(t, fixtureTime)
	seed := storetest.Open(t, storetest.WithPath(fixtureDB(t, "seed_schema.sql", "")), fixtureTime)
	strict := storetest.Open(t, storetest.WithPath(fixtureDB(t, "strict_schema.sql", strictRows)), fixtureTime)
	ownersOwn := []string{"idx_chats_unread", "idx_messages_type", "update_contacts_timestamp",
		"update_chats_timestamp", "v_pending_messages", "v_pending_jobs", "v_recent_chats", "backup_history"}
	want := schemaDump(t, fresh, nil)
	for name, db := range map[string]*store.DB{"seed": seed, "strict": strict} {
		if got := schemaDump(t, db, ownersOwn); got != want {
			t.Errorf("%s schema differs from vpslink's:\n%s", name, lineDiff(want, got))
		}
	}
}

// schemaDump describes db's schema in a canonical text: sqlite_master's
// statements (a rebuilt table's quoted name aside) and what SQLite reports
// of each table's columns, foreign keys and indexes.
func schemaDump(t *testing.T, db *store.DB, skip []string) string {
	t.Helper()
	var b strings.Builder
	rows, err := db.Reader().Query(`SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, table, ddl string
		rows.Scan(&typ, &name, &table, &ddl)
		if slices.Contains(skip, name) {
			continue
		}
		ddl = strings.Replace(ddl, `CREATE TABLE "`+name+`"`, "CREATE TABLE "+name, 1)
		if name == "idx_contacts_name" {
			ddl = "" // the owner's version of this index differs, and is kept
		}
		fmt.Fprintf(&b, "%s %s on %s: %s\n", typ, name, table, ddl)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, table := range tables {
		for _, pragma := range []string{"table_info", "foreign_key_list", "index_list"} {
			rows, err := db.Reader().Query(`SELECT * FROM pragma_`+pragma+`(?)`, table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				rows.Scan(ptrs...)
				if pragma == "index_list" && slices.Contains(skip, fmt.Sprint(vals[1])) {
					continue
				}
				if pragma == "index_list" {
					vals[0] = nil // an index's position in the list depends on creation order
				}
				fmt.Fprintf(&b, "%s %s %v\n", table, pragma, vals)
			}
			rows.Close()
		}
	}
	return b.String()
}

// lineDiff lists the lines only one of a and b has.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
