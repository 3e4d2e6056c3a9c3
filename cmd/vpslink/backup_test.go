package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/replicator"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// TestMain lets the test binary run as vpslink itself when
// VPSLINK_TEST_MAIN is set, for the code that starts vpslink as a child.
func TestMain(m *testing.M) {
	if os.Getenv("VPSLINK_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestCopyInChild takes the replicate process's copy of the database: in a
// child process, by `vpslink db copy`.
func TestCopyInChild(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	db := storetest.Open(t, storetest.WithPath(dbPath))
	if err := db.CreateContact(ctx, &vpslink.Contact{Phone: "4917612345678", Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VPSLINK_TEST_MAIN", "1")
	t.Setenv("VPSLINK_CONFIG", "/dev/null")
	copyDB := copyInChild(os.Args[0])

	dst := filepath.Join(dir, "copy.db")
	if err := copyDB(ctx, dbPath, dst); err != nil {
		t.Fatal(err)
	}
	if check, err := store.CheckFile(ctx, dst); err != nil || check.RowCounts["contacts"] != 1 {
		t.Fatalf("check of the child's copy: %+v, %v", check, err)
	}
	if err := copyDB(ctx, dbPath, dst); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("copy over an existing file: %v", err)
	}
	if err := copyDB(ctx, filepath.Join(dir, "missing.db"), filepath.Join(dir, "other.db")); err == nil || !strings.Contains(err.Error(), "missing.db") {
		t.Fatalf("copy of a missing database: %v", err)
	}
}

func TestCLI_Backup(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	db, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE contacts (phone TEXT); INSERT INTO contacts VALUES ('4917612345678')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	target := filepath.Join(dir, "remote")
	t.Setenv("VPSLINK_SNAPSHOT_TARGET", target)
	// A litestream config that cannot be loaded does not matter to a
	// directory target.
	t.Setenv("LITESTREAM_CONFIG", filepath.Join(dir, "missing.yml"))
	t.Setenv("VPSLINK_RETENTION", "daily=2")

	out := mustRunCLI(t, "--db", dbPath, "backup", "now")
	key, _, _ := strings.Cut(out, " ")
	if _, err := replicator.ParseSnapshotName(key); err != nil || !strings.Contains(out, "uploaded to "+target) {
		t.Fatalf("backup now printed %q", out)
	}
	// Older snapshots on the target, as earlier days would have left them.
	body, err := os.ReadFile(filepath.Join(target, key))
	if err != nil {
		t.Fatal(err)
	}
	for _, old := range []string{"whatsapp_20240101_000000.db.gz", "whatsapp_20240101_120000.db.gz", "README"} {
		if err := os.WriteFile(filepath.Join(target, old), body, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	var decisions []replicator.Decision
	if err := json.Unmarshal([]byte(mustRunCLI(t, "--db", dbPath, "backup", "prune", "--dry-run", "--json")), &decisions); err != nil {
		t.Fatal(err)
	}
	if len(decisions) != 3 || decisions[0].Key != key || !decisions[0].Keep ||
		decisions[1].Key != "whatsapp_20240101_120000.db.gz" || !decisions[1].Keep || decisions[1].Reasons[0] != "daily" ||
		decisions[2].Keep || len(decisions[2].Reasons) != 0 {
		t.Fatalf("prune --dry-run decisions: %+v", decisions)
	}
	// As of 2024-01-01 12:00 the snapshot taken now does not exist yet.
	mustRunCLI(t, "--db", dbPath, "backup", "prune", "--dry-run", "--json", "--now", "2024-01-01T12:00:00Z")
	if _, err := runCLI(t, "--db", dbPath, "backup", "prune", "--now", "yesterday"); err == nil || !strings.Contains(err.Error(), "--now") {
		t.Fatalf("prune --now yesterday: %v", err)
	}
	mustRunCLI(t, "--db", dbPath, "backup", "prune")
	if list := mustRunCLI(t, "--db", dbPath, "backup", "list"); !strings.Contains(list, key) || !strings.Contains(list, "whatsapp_20240101_120000.db.gz") || strings.Contains(list, "whatsapp_20240101_000000") {
		t.Fatalf("backup list after prune:\n%s", list)
	}
	if _, err := os.Stat(filepath.Join(target, "README")); err != nil {
		t.Fatalf("prune touched a foreign object: %v", err)
	}

	if out := mustRunCLI(t, "--db", dbPath, "backup", "verify"); !strings.Contains(out, key+" ok") {
		t.Fatalf("verify latest printed %q", out)
	}
	if _, err := runCLI(t, "--db", dbPath, "backup", "verify", "whatsapp_20240101_120000.db.gz"); err == nil || !strings.Contains(err.Error(), "no metadata") {
		t.Fatalf("verify of a snapshot without metadata: %v", err)
	}
	if _, err := runCLI(t, "--db", dbPath, "backup", "verify", "whatsapp_20250101_120000.db.gz"); err == nil || !strings.Contains(err.Error(), "no snapshot") {
		t.Fatalf("verify of a missing snapshot: %v", err)
	}

	restored := filepath.Join(dir, "restored", "whatsapp.db")
	if out := mustRunCLI(t, "--db", dbPath, "restore", "--from-snapshot", "latest", "-o", restored); !strings.Contains(out, key) {
		t.Fatalf("restore of the latest snapshot does not name it (%s): %q", key, out)
	}
	if _, err := runCLI(t, "--db", dbPath, "restore", "--from-snapshot", key, "-o", restored); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over an existing database: %v", err)
	}
	mustRunCLI(t, "--db", dbPath, "restore", "--from-snapshot", key, "-o", restored, "--force")
	db, err = sql.Open("sqlite3", "file:"+restored+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var phone string
	if err := db.QueryRow(`SELECT phone FROM contacts`).Scan(&phone); err != nil || phone != "4917612345678" {
		t.Fatalf("restored database: %q, %v", phone, err)
	}
}
