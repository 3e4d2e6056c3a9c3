package replicator_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/replicator"
)

// TestRestore covers restore's refusals and no-ops on a file replica.
func TestRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	db := openDB(t, dbPath)
	insert(t, db, 1, 20)
	want := rowsOf(t, db)

	cfg, err := replicator.DefaultConfig(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	rep, err := replicator.New(cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rep.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	replica := cfg.DBs[0]
	// The replica's directory and a zero lag show up before the first LTX
	// file is complete (the lag is sampled, the file is written to .tmp
	// first), so wait until a restore gives back every row.
	probe := filepath.Join(t.TempDir(), "probe.db")
	waitFor(t, 30*time.Second, "the first sync", func() bool {
		_, err := replicator.Restore(context.Background(), replica, replicator.RestoreOptions{Output: probe, Force: true}, logger)
		return err == nil && strings.Join(dump(t, probe), "\n") == strings.Join(want, "\n")
	})

	empty := &replicator.DBConfig{Path: dbPath, Replica: &replicator.ReplicaConfig{Path: filepath.Join(dir, "empty")}}
	existing := filepath.Join(t.TempDir(), "existing.db")
	for _, tt := range []struct {
		name     string
		dbc      *replicator.DBConfig
		opt      replicator.RestoreOptions
		restored bool
		code     string // vpslink error code, "" for success
	}{
		{name: "latest", dbc: replica, opt: replicator.RestoreOptions{}, restored: true},
		{name: "refuses to overwrite", dbc: replica, opt: replicator.RestoreOptions{Output: existing}, code: vpslink.ECONFLICT},
		{name: "if-db-not-exists", dbc: replica, opt: replicator.RestoreOptions{Output: existing, IfDBNotExists: true}},
		{name: "force", dbc: replica, opt: replicator.RestoreOptions{Output: existing, Force: true}, restored: true},
		{name: "no replica", dbc: empty, opt: replicator.RestoreOptions{}, code: vpslink.ENOTFOUND},
		{name: "if-replica-exists", dbc: empty, opt: replicator.RestoreOptions{IfReplicaExists: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.opt.Output
			if out == "" {
				out = filepath.Join(t.TempDir(), "restored.db")
				tt.opt.Output = out
			} else {
				// An unrelated database with a stale WAL beside it.
				for _, f := range []string{out, out + "-wal"} {
					if err := os.WriteFile(f, []byte("not this one"), 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			before, _ := os.ReadFile(out)
			res, err := replicator.Restore(context.Background(), tt.dbc, tt.opt, logger)
			if got := vpslink.ErrorCode(err); tt.code != "" && got != tt.code {
				t.Fatalf("err = %v (code %q), want code %s", err, got, tt.code)
			} else if tt.code == "" && err != nil {
				t.Fatal(err)
			}
			if res.Restored != tt.restored {
				t.Fatalf("restored = %v (%s), want %v", res.Restored, res.Reason, tt.restored)
			}
			if tt.restored {
				if _, err := os.Stat(out + "-wal"); err == nil {
					t.Fatal("the replaced database's WAL was left beside the restored one")
				}
				if got := dump(t, out); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("restored %d rows, want %d", len(got), len(want))
				}
			} else if after, _ := os.ReadFile(out); string(after) != string(before) {
				t.Fatal("an existing file was changed")
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*restore*"))
			if len(leftovers) > 0 {
				t.Fatalf("temporary files left: %v", leftovers)
			}
		})
	}
}
