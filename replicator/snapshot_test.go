package replicator

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler/schedulertest"
)

// createTestDB creates a WAL database at path with a migrations table at
// version 2 and n contacts. It is written with the store's SQLite build,
// which takes the snapshots: one file is opened by one build per process.
func createTestDB(t testing.TB, path string, n int) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_seed.sql', '2026-11-27T00:00:00.000Z'), (2, '0002_vpslink.sql', '2026-11-27T00:00:00.000Z')`,
		`CREATE TABLE contacts (id INTEGER PRIMARY KEY, phone TEXT UNIQUE NOT NULL, name TEXT NOT NULL, notes TEXT)`,
		`CREATE TABLE "odd ""name""" (x)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	insertContacts(t, db, 0, n)
	return db
}

func insertContacts(t testing.TB, db *sql.DB, from, n int) {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := from; i < from+n; i++ {
		if _, err := tx.Exec(`INSERT INTO contacts (phone, name, notes) VALUES (?, ?, ?)`,
			fmt.Sprintf("4917%08d", i), fmt.Sprintf("Contact %d", i), strings.Repeat("note ", i%50)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func newTestSnapshotter(t *testing.T, db string, target Target, c *schedulertest.Clock) *Snapshotter {
	t.Helper()
	s := NewSnapshotter(db, filepath.Join(t.TempDir(), "backups"), target, RetentionPolicy{Hourly: 24, Daily: 7, Weekly: 4, Monthly: 12}, prometheus.NewRegistry())
	s.Now = c.Now
	s.Logger = slog.New(slog.DiscardHandler)
	return s
}

func TestSnapshotVerifyRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	db := createTestDB(t, dbPath, 500)
	target := DirTarget(filepath.Join(dir, "snapshots"))
	c := schedulertest.NewClock(time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC))
	s := newTestSnapshotter(t, dbPath, target, c)

	// A writer keeps committing while the snapshot runs: the copy must be
	// one consistent state and the writer must not fail.
	stop := make(chan struct{})
	writerErr := make(chan error, 1)
	go func() {
		defer close(writerErr)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.Exec(`INSERT INTO contacts (phone, name) VALUES (?, 'writer')`, fmt.Sprintf("3100%08d", i)); err != nil {
				writerErr <- err
				return
			}
		}
	}()
	meta, err := s.Backup(ctx)
	close(stop)
	if err := <-writerErr; err != nil {
		t.Fatalf("write during snapshot: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if meta.Key != "whatsapp_20261127_130000.db.gz" || meta.SchemaVersion != 2 || meta.RowCounts["contacts"] < 500 || meta.RowCounts[`odd "name"`] != 0 {
		t.Fatalf("metadata = %+v", meta)
	}
	if got := testutil.ToFloat64(s.Metrics.LastSuccess); got != float64(c.Now().Unix()) {
		t.Fatalf("last success = %v", got)
	}
	if got := testutil.ToFloat64(s.Metrics.Backups.WithLabelValues("hourly")); got != 1 {
		t.Fatalf("vpslink_backups{tier=hourly} = %v", got)
	}
	if at, err := LastBackupAt(s.QueueDir); err != nil || !at.Equal(c.Now()) {
		t.Fatalf("LastBackupAt = %v, %v", at, err)
	}
	objects, err := target.List(ctx)
	if err != nil || len(objects) != 2 || objects[0].Key != meta.Key || objects[1].Key != meta.Key+".json" {
		t.Fatalf("target holds %+v, %v", objects, err)
	}

	verified, err := VerifySnapshot(ctx, target, "latest", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if verified.SHA256 != meta.SHA256 {
		t.Fatalf("verified %+v, want %+v", verified, meta)
	}

	out := filepath.Join(t.TempDir(), "restored.db")
	if _, err := RestoreSnapshot(ctx, target, meta.Key, out, false); err != nil {
		t.Fatal(err)
	}
	if _, err := RestoreSnapshot(ctx, target, "latest", out, false); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("restore over an existing database: %v, want a conflict", err)
	}
	// A stale WAL beside the destination must not be applied to the
	// restored file.
	if err := os.WriteFile(out+"-wal", bytes.Repeat([]byte{0xAA}, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := RestoreSnapshot(ctx, target, "latest", out, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("stale WAL still beside the restored database: %v", err)
	}
	restored, err := sql.Open("sqlite3", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var n int64
	var name string
	if err := restored.QueryRow(`SELECT count(*), (SELECT name FROM contacts WHERE phone = '491700000499') FROM contacts`).Scan(&n, &name); err != nil {
		t.Fatal(err)
	}
	if n != meta.RowCounts["contacts"] || name != "Contact 499" {
		t.Fatalf("restored %d contacts (%q), want %d", n, name, meta.RowCounts["contacts"])
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

func TestVerifyFailures(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	createTestDB(t, dbPath, 200)
	c := schedulertest.NewClock(time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC))

	for _, tt := range []struct {
		name   string
		damage func(t *testing.T, dir, key string)
		want   string
	}{
		{"flipped byte", func(t *testing.T, dir, key string) {
			editFile(t, filepath.Join(dir, key), func(b []byte) []byte { b[len(b)/2] ^= 0xFF; return b })
		}, "is corrupt: sha256"},
		{"truncated", func(t *testing.T, dir, key string) {
			editFile(t, filepath.Join(dir, key), func(b []byte) []byte { return b[:len(b)-100] })
		}, "is corrupt: sha256"},
		{"not gzip, metadata agrees", func(t *testing.T, dir, key string) {
			rewriteSnapshot(t, dir, key, []byte("SQLite format 3\x00 but not compressed"))
		}, "decompress: gzip: invalid header"},
		{"not a database", func(t *testing.T, dir, key string) {
			rewriteSnapshot(t, dir, key, gzipBytes(t, bytes.Repeat([]byte("garbage!"), 1024)))
		}, "file is not a database"},
		{"row count", func(t *testing.T, dir, key string) {
			editMetadata(t, dir, key, func(m *Metadata) { m.RowCounts["contacts"]++ })
		}, "contacts has 200 rows, metadata says 201"},
		{"no metadata", func(t *testing.T, dir, key string) {
			os.Remove(filepath.Join(dir, key+metaSuffix))
		}, "no metadata"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target := DirTarget(t.TempDir())
			s := newTestSnapshotter(t, dbPath, target, c)
			meta, err := s.Backup(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tt.damage(t, string(target), meta.Key)
			_, err = VerifySnapshot(ctx, target, meta.Key, t.TempDir())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("verify error = %v, want it to say %q", err, tt.want)
			}
			out := filepath.Join(t.TempDir(), "out.db")
			if _, err := RestoreSnapshot(ctx, target, meta.Key, out, false); err == nil {
				t.Fatal("restore of a damaged snapshot succeeded")
			}
			if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
				t.Fatalf("failed restore left %v", entries)
			}
		})
	}
}

func editFile(t *testing.T, path string, edit func([]byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, edit(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

func editMetadata(t *testing.T, dir, key string, edit func(*Metadata)) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, key+metaSuffix))
	if err != nil {
		t.Fatal(err)
	}
	meta, err := readMetadata(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	edit(&meta)
	if err := writeMetadata(filepath.Join(dir, key+metaSuffix), meta); err != nil {
		t.Fatal(err)
	}
}

// rewriteSnapshot replaces a snapshot's content and fixes its checksum, as
// if the snapshot had been broken before it was hashed.
func rewriteSnapshot(t *testing.T, dir, key string, content []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, key), content, 0o600); err != nil {
		t.Fatal(err)
	}
	editMetadata(t, dir, key, func(m *Metadata) { m.SHA256, m.Size = sha256Hex(content), int64(len(content)) })
}

// failingTarget wraps a target, records every Put and fails while down.
type failingTarget struct {
	Target
	mu   sync.Mutex
	down bool
	puts []string
}

var errDown = errors.New("connection refused")

func (f *failingTarget) setDown(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }

func (f *failingTarget) err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	return nil
}

func (f *failingTarget) Put(ctx context.Context, key string, r io.ReadSeeker, size int64, meta map[string]string) error {
	if err := f.err(); err != nil {
		return err
	}
	f.mu.Lock()
	f.puts = append(f.puts, key)
	f.mu.Unlock()
	return f.Target.Put(ctx, key, r, size, meta)
}

func (f *failingTarget) List(ctx context.Context) ([]Object, error) {
	if err := f.err(); err != nil {
		return nil, err
	}
	return f.Target.List(ctx)
}

func (f *failingTarget) Delete(ctx context.Context, key string) error {
	if err := f.err(); err != nil {
		return err
	}
	return f.Target.Delete(ctx, key)
}

// TestQueueWhileTargetDown takes hourly snapshots through a day with the
// target down for two of them: they wait in the queue, nothing is pruned,
// and they are uploaded oldest first when it returns. Uploaded local copies
// older than a day are then removed.
func TestQueueWhileTargetDown(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	createTestDB(t, dbPath, 10)
	target := &failingTarget{Target: DirTarget(filepath.Join(dir, "snapshots"))}
	c := schedulertest.NewClock(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	s := newTestSnapshotter(t, dbPath, target, c)
	s.Policy = RetentionPolicy{Hourly: 2}

	snapshotAt := func(hour int, wantErr bool) string {
		t.Helper()
		c.Set(time.Date(2026, 11, 27, hour, 0, 0, 0, time.UTC))
		meta, err := s.Backup(ctx)
		if (err != nil) != wantErr || meta.Key == "" {
			t.Fatalf("snapshot at %02d:00: %v (want error: %v)", hour, err, wantErr)
		}
		return meta.Key
	}
	k0, k1 := snapshotAt(0, false), snapshotAt(1, false)
	target.setDown(true)
	k2, k3 := snapshotAt(2, true), snapshotAt(3, true)
	if got := testutil.ToFloat64(s.Metrics.QueueLength); got != 2 {
		t.Fatalf("queue length = %v, want 2", got)
	}
	if at, _ := LastBackupAt(s.QueueDir); !at.Equal(time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("LastBackupAt = %v while down", at)
	}
	target.setDown(false)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{k0, k0 + ".json", k1, k1 + ".json", k2, k2 + ".json", k3, k3 + ".json"}
	if !slicesEqual(target.puts, want) {
		t.Fatalf("uploads:\n got %v\nwant %v", target.puts, want)
	}
	if got := testutil.ToFloat64(s.Metrics.QueueLength); got != 0 {
		t.Fatalf("queue length = %v after flush", got)
	}
	objects, _ := target.List(ctx)
	if len(objects) != 4 || objects[0].Key != k2 || objects[2].Key != k3 {
		t.Fatalf("after prune the target holds %+v, want %s and %s", objects, k2, k3)
	}

	// A day later, with the target down again, the uploaded local copies
	// older than 24h are removed but the newest uploaded one, and the
	// queued snapshot stays.
	target.setDown(true)
	k4 := snapshotAt(28, true)
	wantLocal := func(want ...string) {
		t.Helper()
		local, err := localSnapshots(s.QueueDir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range local {
			got = append(got, l.key)
		}
		if !slicesEqual(got, want) {
			t.Fatalf("local copies %v, want %v", got, want)
		}
	}
	wantLocal(k3, k4)
	if at, _ := LastBackupAt(s.QueueDir); !at.Equal(time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)) {
		t.Fatalf("LastBackupAt = %v, want the time of %s", at, k3)
	}
	target.setDown(false)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	wantLocal(k4)
	if entries, _ := os.ReadDir(s.QueueDir); len(entries) != 4 { // .lock, data, sidecar, marker
		t.Fatalf("queue directory holds %v", entries)
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRun runs the snapshot job with a one-second interval: at start it
// uploads what an earlier run left queued, then it takes a snapshot on each
// boundary and verifies the first one of the day.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	createTestDB(t, dbPath, 10)
	target := &failingTarget{Target: DirTarget(filepath.Join(dir, "snapshots"))}
	s := newTestSnapshotter(t, dbPath, target, schedulertest.NewClock(time.Time{}))
	s.Now, s.Interval = time.Now, time.Second
	queued, err := CreateSnapshot(ctx, s.Copy, dbPath, s.QueueDir, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var puts []string
	for deadline := time.Now().Add(10 * time.Second); len(puts) < 6 || testutil.ToFloat64(s.Metrics.LastVerify.WithLabelValues()) != 1; {
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: uploads %v, last verify %v", puts, testutil.ToFloat64(s.Metrics.LastVerify.WithLabelValues()))
		}
		time.Sleep(50 * time.Millisecond)
		target.mu.Lock()
		puts = slices.Clone(target.puts)
		target.mu.Unlock()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run returned %v", err)
	}
	if puts[0] != queued.Key {
		t.Fatalf("first upload %s, want the queued %s", puts[0], queued.Key)
	}
	for _, key := range []string{puts[2], puts[4]} {
		if ts, err := ParseSnapshotName(key); err != nil || ts.Before(queued.Time.Add(time.Hour)) {
			t.Fatalf("snapshot %s not taken by Run: %v", key, err)
		}
	}
}

// TestQueueCleansUpAfterACrash: files an interrupted snapshot leaves in the
// queue are removed at the next flush; other files are left alone.
func TestQueueCleansUpAfterACrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	createTestDB(t, dbPath, 1)
	c := schedulertest.NewClock(time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC))
	s := newTestSnapshotter(t, dbPath, DirTarget(filepath.Join(dir, "snapshots")), c)
	if err := os.MkdirAll(s.QueueDir, 0o700); err != nil {
		t.Fatal(err)
	}
	leftovers := []string{
		".whatsapp_20261127_120000.db.gz.copy",    // the uncompressed copy
		".whatsapp_20261127_120000.db.gz.tmp-123", // a half-written file
		"whatsapp_20261127_110000.db.gz",          // data without its sidecar
		"whatsapp_20261127_100000.db.gz.json",     // sidecar without its data
		"whatsapp_20261127_090000.db.gz.uploaded", // a lone marker
	}
	for _, name := range append(leftovers, "notes.txt") {
		if err := os.WriteFile(filepath.Join(s.QueueDir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	meta, err := s.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(s.QueueDir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{".lock", "notes.txt", meta.Key, meta.Key + ".json", meta.Key + ".uploaded"}
	if !slicesEqual(got, want) {
		t.Fatalf("queue holds %v, want %v", got, want)
	}
}
