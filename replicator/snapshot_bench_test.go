package replicator

import (
	"bytes"
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpslink/vpslink/store"
)

// createBenchDB fills a WAL database at path with message-like rows (text
// from a small vocabulary, so it compresses like real chat text) until it
// reaches size bytes.
func createBenchDB(b *testing.B, path string, size int64) {
	b.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=FULL")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY, chat_id TEXT NOT NULL, message TEXT, timestamp INTEGER NOT NULL);
		CREATE INDEX idx_messages_chat ON messages(chat_id, timestamp)`); err != nil {
		b.Fatal(err)
	}
	words := strings.Fields("hallo ja nein morgen heute termin danke bitte genau okay später treffen essen arbeit zuhause schon noch wieder gut super")
	rng := rand.New(rand.NewPCG(1, 2))
	for batch := 0; ; batch++ {
		if fi, err := os.Stat(path); err == nil && fi.Size() >= size {
			break
		}
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.Prepare(`INSERT INTO messages (chat_id, message, timestamp) VALUES (?, ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 10000; i++ {
			var text bytes.Buffer
			for text.Len() < 900 {
				text.WriteString(words[rng.IntN(len(words))])
				text.WriteByte(' ')
			}
			if _, err := stmt.Exec("49"+strconv.Itoa(rng.IntN(500))+"@s.whatsapp.net", text.String(), 1700000000+batch*10000+i); err != nil {
				b.Fatal(err)
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
	}
}

// procStatus returns a field of /proc/self/status in bytes (VmRSS, VmHWM).
func procStatus(b *testing.B, field string) int64 {
	buf, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	for _, line := range strings.Split(string(buf), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	b.Fatalf("%s not in /proc/self/status", field)
	return 0
}

// BenchmarkSnapshot300MB takes a snapshot (online copy, integrity_check,
// row counts, gzip, sha256) of a 300 MB database and reports the wall time
// and the peak RSS above the process's RSS before the snapshot. The cost to
// the service's API writes is measured by BenchmarkBackupDuringAPIWrites in
// cmd/vpslink, with the snapshot in a process of its own as in production.
//
//	go test -run XXX -bench Snapshot300MB -benchtime 1x ./replicator/
func BenchmarkSnapshot300MB(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	createBenchDB(b, dbPath, 300<<20)
	fi, _ := os.Stat(dbPath)
	b.Logf("database: %d MB", fi.Size()>>20)
	syscall.Sync() // no writeback of the database just created during the snapshot

	for i := 0; b.Loop(); i++ {
		os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM to the current RSS
		rssBefore := procStatus(b, "VmRSS")
		start := time.Now()
		meta, err := CreateSnapshot(ctx, store.CopyFile, dbPath, filepath.Join(dir, "backups"), time.Date(2026, 11, 27, 13, i, 0, 0, time.UTC))
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		peak := procStatus(b, "VmHWM") - rssBefore
		b.ReportMetric(elapsed.Seconds(), "s/snapshot")
		b.ReportMetric(float64(peak)/(1<<20), "MB-peak-rss-delta")
		b.ReportMetric(float64(meta.Size)/(1<<20), "MB-compressed")
		b.Logf("snapshot %s: %.1fs, %d MB -> %d MB, peak RSS +%d MB", meta.Key, elapsed.Seconds(), meta.DBSize>>20, meta.Size>>20, peak>>20)
	}
}
