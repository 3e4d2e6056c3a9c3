package replicator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/vpslink/vpslink"
)

// RestoreOptions are the choices of `vpslink restore`.
type RestoreOptions struct {
	// Output is the database file to write.
	Output string
	// Timestamp restores the state as of that time; zero is the latest.
	Timestamp time.Time
	// IfDBNotExists makes an existing Output a successful no-op (container
	// start-up on a host that may already have its database).
	IfDBNotExists bool
	// IfReplicaExists makes an empty replica a successful no-op (the very
	// first start, before anything was replicated).
	IfReplicaExists bool
	// Force replaces an existing Output.
	Force bool
}

// RestoreResult says what Restore did.
type RestoreResult struct {
	Restored bool
	Reason   string // why nothing was restored
	Output   string
	Duration time.Duration
}

// Restore writes the replica of dbc to opt.Output. The replica is restored
// into a temporary file beside Output, checked with integrity_check, and
// only then renamed over Output, so Output is never half written; an
// existing Output is replaced only with Force.
func Restore(ctx context.Context, dbc *DBConfig, opt RestoreOptions, logger *slog.Logger) (RestoreResult, error) {
	start := time.Now()
	res := RestoreResult{Output: opt.Output}
	if _, err := os.Stat(opt.Output); err == nil {
		switch {
		case opt.IfDBNotExists:
			res.Reason = "database already exists"
			return res, nil
		case !opt.Force:
			return res, vpslink.Errorf(vpslink.ECONFLICT, "database %s already exists (use --force to replace it)", opt.Output)
		}
	} else if !os.IsNotExist(err) {
		return res, err
	}

	client, err := dbc.Replica.NewClient()
	if err != nil {
		return res, err
	}
	client.SetLogger(logger)
	if err := client.Init(ctx); err != nil {
		return res, fmt.Errorf("replica for %s: %w", dbc.Path, err)
	}
	r := litestream.NewReplicaWithClient(nil, client)

	dir := filepath.Dir(opt.Output)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	// litestream writes <tmp>.tmp and renames it to tmp, so tmp itself must
	// not exist yet: reserve a unique name, then free it.
	f, err := os.CreateTemp(dir, "."+filepath.Base(opt.Output)+".restore-*")
	if err != nil {
		return res, err
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp)
	defer removeDB(tmp)

	err = r.Restore(ctx, litestream.RestoreOptions{
		OutputPath:     tmp,
		Timestamp:      opt.Timestamp,
		IntegrityCheck: litestream.IntegrityCheckFull,
	})
	switch {
	case errors.Is(err, litestream.ErrTxNotAvailable), errors.Is(err, litestream.ErrNoSnapshots):
		if opt.IfReplicaExists {
			res.Reason = "no replica found"
			return res, nil
		}
		if !opt.Timestamp.IsZero() {
			return res, vpslink.Errorf(vpslink.ENOTFOUND, "replica of %s has no state at %s", dbc.Path, opt.Timestamp.Format(time.RFC3339))
		}
		return res, vpslink.Errorf(vpslink.ENOTFOUND, "no replica of %s found", dbc.Path)
	case err != nil:
		return res, fmt.Errorf("restore %s: %w", dbc.Path, err)
	}
	if err := installDB(tmp, opt.Output); err != nil {
		return res, err
	}
	res.Restored, res.Duration = true, time.Since(start)
	return res, nil
}

// installDB renames the database file tmp over out (same directory), after
// removing out's -wal and -shm: SQLite would otherwise apply the replaced
// database's WAL to the new file.
func installDB(tmp, out string) error {
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(out + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("remove stale %s%s: %w", out, suffix, err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("install restored database: %w", err)
	}
	return syncDir(filepath.Dir(out))
}
