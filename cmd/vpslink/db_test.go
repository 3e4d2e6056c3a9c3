package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rawExec runs SQL on the database file at path, as another tool would.
func rawExec(t *testing.T, path, query string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

// A database made with its owner's stricter rules is adopted by `db
// migrate`, which says what it changed; `db check` then passes and lists
// the phones kept as typed; snapshots of the replicate process record
// themselves in backup_history through `db record-backup`.
func TestCLI_AdoptsStricterDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	schema, err := os.ReadFile(filepath.Join("..", "..", "store", "testdata", "strict_schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	rawExec(t, path, string(schema)+`;
		INSERT INTO contacts (phone, name) VALUES ('1(281)793-8853', 'Bob'), ('call me', 'Emil');
		INSERT INTO scheduled_messages (id, to_phone, message, scheduled_at) VALUES ('m1', '1(281)793-8853', 'hi', '2027-01-01T10:00:00Z')`)

	out := mustRunCLI(t, "db", "migrate", "--db", path)
	for _, want := range []string{"scheduled_messages: rebuilt", "jobs: rebuilt", "messages: rebuilt",
		`"1(281)793-8853" normalised to 12817938853`, `"call me" kept as it is and flagged`} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate output lacks %q:\n%s", want, out)
		}
	}
	out = mustRunCLI(t, "db", "check", "--db", path)
	if !strings.Contains(out, "flagged: contact call me (Emil)") || !strings.Contains(out, ": ok") {
		t.Errorf("check output:\n%s", out)
	}
	mustRunCLI(t, "db", "record-backup", "--db", path, "--at", "2026-12-31T12:00:00Z",
		"--file", "whatsapp_20261231_120000.db.gz", "--size", "1234", "--location", "s3://bucket/backups", "--error", "upload: refused")
	if out := mustRunCLI(t, "db", "check", "--db", path); strings.Contains(out, "backup_history") {
		t.Errorf("check after record-backup:\n%s", out)
	}
	var status string
	db, _ := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	defer db.Close()
	if err := db.QueryRow(`SELECT status FROM backup_history WHERE filename = 'whatsapp_20261231_120000.db.gz'`).Scan(&status); err != nil || status != "failed" {
		t.Errorf("backup_history row: %q %v", status, err)
	}
}

// A trigger that refuses a state vpslink writes fails `db check` with a
// clear message, and `db migrate` (as serve at start) refuses the database
// with the same one.
func TestCLI_CheckRefusedStates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", path)
	rawExec(t, path, `CREATE TRIGGER no_cancel BEFORE UPDATE OF status ON scheduled_messages
		WHEN NEW.status = 'cancelled' BEGIN SELECT RAISE(ABORT, 'cancelling is not allowed'); END`)
	out, err := runCLI(t, "db", "check", "--db", path)
	const want = "cannot set a message cancelled: cancelling is not allowed"
	if err == nil || !strings.Contains(out, want) {
		t.Errorf("check: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "db", "migrate", "--db", path); err == nil || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), "refuses rows vpslink must write") {
		t.Errorf("migrate: %v", err)
	}
}

// A column vpslink writes that another tool dropped fails `db check` by
// name; `db migrate` rebuilds the table with it.
func TestCLI_CheckMissingColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", path)
	rawExec(t, path, `ALTER TABLE chats DROP COLUMN unread_count`)
	out, err := runCLI(t, "db", "check", "--db", path)
	if err == nil || !strings.Contains(out, "unread_count") {
		t.Errorf("check: %v\n%s", err, out)
	}
	mustRunCLI(t, "db", "migrate", "--db", path)
	if out, err := runCLI(t, "db", "check", "--db", path); err != nil || !strings.Contains(out, ": ok") {
		t.Errorf("check after migrate: %v\n%s", err, out)
	}
}
