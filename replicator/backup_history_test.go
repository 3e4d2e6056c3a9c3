package replicator

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink/scheduler/schedulertest"
)

// A database with its owner's backup_history table gets a row for every
// snapshot: a success once uploaded, a failure with the reason while the
// target is down.
func TestSnapshotRecordsBackupHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	db := createTestDB(t, dbPath, 10)
	if _, err := db.Exec(`CREATE TABLE backup_history (id INTEGER PRIMARY KEY AUTOINCREMENT,
		timestamp TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, filename TEXT NOT NULL, size_bytes INTEGER,
		location TEXT, status TEXT NOT NULL CHECK (status IN ('success', 'failed')))`); err != nil {
		t.Fatal(err)
	}
	target := &failingTarget{Target: DirTarget(filepath.Join(dir, "snapshots"))}
	c := schedulertest.NewClock(time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC))
	s := newTestSnapshotter(t, dbPath, target, c)
	if _, err := s.Backup(ctx); err != nil {
		t.Fatal(err)
	}
	target.setDown(true)
	c.Set(time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC))
	if _, err := s.Backup(ctx); err == nil {
		t.Fatal("a snapshot to a target that is down succeeded")
	}
	rows, err := db.Query(`SELECT timestamp, filename, size_bytes, location, status FROM backup_history ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var at, file, location, status string
		var size int64
		if err := rows.Scan(&at, &file, &size, &location, &status); err != nil {
			t.Fatal(err)
		}
		if size <= 0 || !strings.Contains(location, "snapshots") {
			t.Errorf("row %s: size %d, location %q", file, size, location)
		}
		got = append(got, at+" "+file+" "+status)
	}
	want := []string{
		"2026-11-27T13:00:00.000Z whatsapp_20261127_130000.db.gz success",
		"2026-11-27T14:00:00.000Z whatsapp_20261127_140000.db.gz failed",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("backup_history:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
