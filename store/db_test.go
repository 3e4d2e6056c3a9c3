package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestOpen_WALAndMigrations(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	var mode string
	if err := db.Reader().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var fk, sync int
	db.Reader().QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	db.Reader().QueryRow(`PRAGMA synchronous`).Scan(&sync)
	if fk != 1 || sync != 2 {
		t.Fatalf("foreign_keys=%d synchronous=%d, want 1 and 2 (FULL)", fk, sync)
	}
	var autocheckpoint int
	if err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(context.Background(), `PRAGMA wal_autocheckpoint`).Scan(&autocheckpoint)
	}); err != nil || autocheckpoint != 8192 {
		t.Fatalf("writer wal_autocheckpoint = %d, %v; want 8192", autocheckpoint, err)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil || v < 2 {
		t.Fatalf("schema version %d, %v", v, err)
	}
	if report, err := db.Migrate(ctx); err != nil || len(report) > 0 {
		t.Fatalf("second migrate: %q %v", report, err)
	}
	if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	if _, err := store.OpenReadOnly(ctx, missing); err == nil {
		t.Fatal("opened a missing file")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("read-only open created the file")
	}
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, []byte("this is not a database, just some text of some length........"), 0o600)
	if _, err := store.OpenReadOnly(ctx, corrupt); err == nil || !strings.Contains(err.Error(), "not") {
		t.Fatalf("corrupt file: %v", err)
	}
	db := storetest.Open(t)
	ro, err := store.OpenReadOnly(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.SetSetting(ctx, "k", "v"); err == nil {
		t.Fatal("wrote through a read-only handle")
	}
}

func TestSizeCollector(t *testing.T) {
	db := storetest.Open(t)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(store.NewSizeCollector(db))
	families, err := reg.Gather()
	if err != nil || len(families) != 2 {
		t.Fatalf("%v, %v", families, err)
	}
	for _, f := range families {
		if f.GetName() == "vpslink_database_size_bytes" && f.GetMetric()[0].GetGauge().GetValue() < 4096 {
			t.Fatalf("database size %v", f.GetMetric()[0].GetGauge().GetValue())
		}
	}
}

// A database the seed's own schema.sql created, with rows in it, is
// adopted: every migration applies, the rows stay, and the seed's index
// names exist and serve the queries they were made for (with vpslink's
// definitions where those serve them better).
func TestOpen_AdoptsSeedDatabase(t *testing.T) {
	ctx := context.Background()
	path := fixtureDB(t, "seed_schema.sql", `
		INSERT INTO contacts (phone, name) VALUES ('491517654321', 'Carla');
		INSERT INTO scheduled_messages (id, to_phone, message, scheduled_at, status)
		VALUES ('seed-1', '491517654321', 'from the seed', '2026-12-31T22:00:00.000Z', 'pending')`)
	db := storetest.Open(t, storetest.WithPath(path))
	if m, err := db.GetMessage(ctx, "seed-1"); err != nil || m.Message != "from the seed" {
		t.Fatalf("seed row: %+v %v", m, err)
	}
	if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
	for _, tt := range []struct{ index, query string }{
		{"idx_scheduled_status", `SELECT id FROM scheduled_messages WHERE status = 'pending' ORDER BY scheduled_at, id LIMIT 50`},
		{"idx_scheduled_time", `SELECT id FROM scheduled_messages WHERE scheduled_at > '2027' ORDER BY scheduled_at`},
		{"idx_scheduled_phone", `SELECT id FROM scheduled_messages WHERE to_phone = '491517654321'`},
		{"idx_contacts_favorite", `SELECT id FROM contacts WHERE is_favorite = 1`},
		{"idx_jobs_status", `SELECT id FROM jobs WHERE status = 'running' ORDER BY next_step_at`},
		{"idx_jobs_scheduled", `SELECT id FROM jobs WHERE scheduled_start_at > '2027' ORDER BY scheduled_start_at`},
		{"idx_messages_chat", `SELECT id FROM messages WHERE chat_id = 'x' ORDER BY timestamp DESC LIMIT 50`},
		{"idx_messages_timestamp", `SELECT id FROM messages WHERE timestamp > 1700000000`},
		{"idx_chats_last_message", `SELECT id FROM chats ORDER BY last_message_time DESC LIMIT 50`},
		{"idx_deliveries_claimed", `SELECT id FROM deliveries INDEXED BY idx_deliveries_claimed WHERE state = 'claimed'`},
	} {
		var plan strings.Builder
		rows, err := db.Reader().Query(`EXPLAIN QUERY PLAN ` + tt.query)
		if err != nil {
			t.Fatalf("%s: %v", tt.index, err)
		}
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan.WriteString(detail + "\n")
		}
		rows.Close()
		if !strings.Contains(plan.String(), tt.index) || strings.Contains(plan.String(), "TEMP B-TREE") {
			t.Errorf("%s does not serve %q:\n%s", tt.index, tt.query, plan.String())
		}
	}
}
