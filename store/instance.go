package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
	"golang.org/x/sys/unix"
)

// Settings that tell a database's history from the host it runs on.
const (
	// settingDatabaseID is a random id given to the database the first
	// time serve runs on it; a copy or a restore carries it along.
	settingDatabaseID = "database_id"
	// settingEpoch counts serve's starts and heartbeats on the database.
	// A database rewound in place holds a smaller number than the one its
	// instance file remembers.
	settingEpoch = "instance_epoch"
	// settingRestored is written by `vpslink restore` into the file it
	// restores, and consumed by the next start.
	settingRestored = "restored"
	// settingRestoreReview is the post-restore review: what the start
	// after a restore held back, until the user says it is reviewed.
	settingRestoreReview = "restore_review"
)

// HeldReason is the error of a message, and of a job paused, that was due
// before the first start on a database that may have lost writes.
const HeldReason = "held after a restore: it was due before the service started on a database that may have lost " +
	"its latest writes, so it may have been delivered already; check the recipient's chat and resend it only if it was not"

// instanceFile is what serve keeps beside the database (never inside it,
// so never replicated, backed up or restored): which database file it last
// ran on and how far that database had got.
type instanceFile struct {
	DatabaseID string `json:"database_id"`
	Epoch      int64  `json:"epoch"`
	Inode      uint64 `json:"inode"`
	// Birth is the file's creation time, where the filesystem keeps one:
	// a file restored over the old one may get its freed inode number.
	Birth string `json:"birth,omitempty"`
}

// RestoreReview is the post-restore review pending on a database.
type RestoreReview struct {
	Since    time.Time `json:"since"`
	Reasons  []string  `json:"reasons"`
	Messages int       `json:"messages"` // messages failed with HeldReason
	Jobs     int       `json:"jobs"`     // jobs paused with HeldReason
}

// Items is how many things the review holds.
func (r *RestoreReview) Items() int { return r.Messages + r.Jobs }

// Instance is serve's claim on the database file it runs on.
type Instance struct {
	db    *DB
	path  string // the instance file
	state instanceFile
	// claims is the ledger's row counter at the last epoch.
	claims int64
}

// StartInstance compares the database with the instance file beside it and,
// when the database may have lost writes that an earlier run made (it was
// restored, rewound, copied or moved to a new host), holds what may already
// have been sent before anything is sent: pending messages due at or before
// now fail with HeldReason, and running jobs and pending jobs already due
// are paused. It returns the review that this start added to, nil when the
// database is the one this host last ran.
//
// A normal or crash restart finds its own file and an epoch at least the
// remembered one, since the database is committed before the instance file
// is written.
func (db *DB) StartInstance(ctx context.Context) (*Instance, *RestoreReview, error) {
	real, err := CanonicalPath(db.path)
	if err != nil {
		return nil, nil, err
	}
	in := &Instance{db: db, path: real + ".instance"}
	witness, werr := readInstanceFile(in.path)
	inode, birth, err := fileIdentity(real)
	if err != nil {
		return nil, nil, err
	}
	var review *RestoreReview
	err = db.UpdateQuiet(ctx, func(tx *Tx) error {
		id, epoch, err := tx.identity(ctx)
		if err != nil {
			return err
		}
		var reasons []string
		if marker, err := tx.setting(ctx, settingRestored); err != nil {
			return err
		} else if marker != "" {
			reasons = append(reasons, "the database was restored ("+marker+")")
		}
		switch {
		case werr != nil:
			reasons = append(reasons, fmt.Sprintf("the instance file %s is unreadable (%v)", in.path, werr))
		case witness == nil:
			if used, err := tx.hasHistory(ctx); err != nil {
				return err
			} else if used || id != "" {
				reasons = append(reasons, "the database has a history but no instance file beside it (a new host, or a copied or restored file)")
			}
		case witness.DatabaseID != id:
			reasons = append(reasons, "the database is not the one this host last ran (its id differs)")
		case witness.Inode != inode || (witness.Birth != "" && birth != "" && witness.Birth != birth):
			reasons = append(reasons, "the database file was replaced (a restore, a copy or a move)")
		case epoch < witness.Epoch:
			reasons = append(reasons, fmt.Sprintf("the database was rewound (epoch %d, this host last wrote %d)", epoch, witness.Epoch))
		}
		if len(reasons) > 0 {
			if review, err = tx.hold(ctx, reasons); err != nil {
				return err
			}
		}
		if id == "" {
			if id, err = tx.setSetting(ctx, settingDatabaseID, newID()); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, settingRestored); err != nil {
			return fmt.Errorf("consume restore marker: %w", err)
		}
		in.state = instanceFile{DatabaseID: id, Inode: inode, Birth: birth}
		in.state.Epoch, err = tx.bumpEpoch(ctx)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("check database instance: %w", err)
	}
	if review != nil {
		db.notify() // held rows leave the scheduler's plan
	}
	if in.claims, err = db.claimCount(ctx); err != nil {
		return nil, nil, err
	}
	if err := writeInstanceFile(in.path, in.state); err != nil {
		return nil, nil, err
	}
	return in, review, nil
}

// Heartbeat advances the database's epoch and the instance file with it
// when sends were claimed since the last time, so that a database rewound in
// place to a state before them is told from the live one. serve calls it
// every minute. An idle database is not written to (no replication traffic).
func (in *Instance) Heartbeat(ctx context.Context) error {
	claims, err := in.db.claimCount(ctx)
	if err != nil || claims == in.claims {
		return err
	}
	var epoch int64
	err = in.db.UpdateQuiet(ctx, func(tx *Tx) error {
		var err error
		epoch, err = tx.bumpEpoch(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("instance heartbeat: %w", err)
	}
	in.state.Epoch, in.claims = epoch, claims
	return writeInstanceFile(in.path, in.state)
}

// claimCount is the ledger's AUTOINCREMENT counter: it grows with every new
// ledger row, that is with every first claim of a send.
func (db *DB) claimCount(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'deliveries'), 0)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("read ledger counter: %w", describe(err))
	}
	return n, nil
}

// hold fails the messages and pauses the jobs that may already have been
// sent, and adds them to the post-restore review.
func (tx *Tx) hold(ctx context.Context, reasons []string) (*RestoreReview, error) {
	now := fmtTime(tx.now)
	res, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'failed', error_message = ?, updated_at = ?
		WHERE status = 'pending' AND scheduled_at <= ?`, HeldReason, now, now)
	if err != nil {
		return nil, fmt.Errorf("hold messages: %w", err)
	}
	msgs, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `UPDATE jobs SET status = 'paused', error_message = ?, updated_at = ?
		WHERE status = 'running' OR (status = 'pending' AND scheduled_start_at <= ?)`, HeldReason, now, now)
	if err != nil {
		return nil, fmt.Errorf("hold jobs: %w", err)
	}
	jobs, _ := res.RowsAffected()
	r, err := tx.restoreReview(ctx)
	if err != nil {
		return nil, err
	}
	if r == nil {
		r = &RestoreReview{Since: tx.now}
	}
	r.Reasons = append(r.Reasons, reasons...)
	r.Messages += int(msgs)
	r.Jobs += int(jobs)
	b, _ := json.Marshal(r)
	_, err = tx.setSetting(ctx, settingRestoreReview, string(b))
	return r, err
}

// hasHistory reports whether anything may ever have been sent from the
// database: a ledger row, or a message or job that got past pending.
func (tx *Tx) hasHistory(ctx context.Context) (bool, error) {
	var used bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries)
		OR EXISTS (SELECT 1 FROM scheduled_messages WHERE status IN ('sending', 'sent') OR sent_at IS NOT NULL)
		OR EXISTS (SELECT 1 FROM jobs WHERE last_sent_at IS NOT NULL OR status IN ('running', 'completed'))`).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("read history: %w", err)
	}
	return used, nil
}

// identity returns the database's id ("" before the first start) and epoch.
func (tx *Tx) identity(ctx context.Context) (string, int64, error) {
	id, err := tx.setting(ctx, settingDatabaseID)
	if err != nil {
		return "", 0, err
	}
	e, err := tx.setting(ctx, settingEpoch)
	if err != nil {
		return "", 0, err
	}
	epoch, _ := strconv.ParseInt(e, 10, 64)
	return id, epoch, nil
}

func (tx *Tx) bumpEpoch(ctx context.Context) (int64, error) {
	var epoch int64
	err := tx.QueryRowContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, '1', ?)
		ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1, updated_at = excluded.updated_at
		RETURNING CAST(value AS INTEGER)`, settingEpoch, fmtTime(tx.now)).Scan(&epoch)
	if err != nil {
		return 0, fmt.Errorf("advance epoch: %w", err)
	}
	return epoch, nil
}

func (tx *Tx) restoreReview(ctx context.Context) (*RestoreReview, error) {
	v, err := tx.setting(ctx, settingRestoreReview)
	if err != nil {
		return nil, err
	}
	return parseReview(v)
}

// parseReview reads a stored review; "" is none.
func parseReview(v string) (*RestoreReview, error) {
	if v == "" {
		return nil, nil
	}
	r := &RestoreReview{}
	if err := json.Unmarshal([]byte(v), r); err != nil {
		return nil, fmt.Errorf("read restore review: %w", err)
	}
	return r, nil
}

// RestoreReview returns the pending post-restore review, nil when there is
// none.
func (db *DB) RestoreReview(ctx context.Context) (*RestoreReview, error) {
	v, err := db.Setting(ctx, settingRestoreReview)
	if err != nil {
		return nil, err
	}
	return parseReview(v)
}

// EndRestoreReview records that the user has reviewed what a restore held
// back. It reports whether a review was pending.
func (db *DB) EndRestoreReview(ctx context.Context) (bool, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, settingRestoreReview)
		if err != nil {
			return fmt.Errorf("end restore review: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

// MarkRestored writes the restore marker into the database file at path,
// which `vpslink restore` has just restored and not yet put in place; the
// next start on it holds what may already have been sent. from says what
// it was restored from. A file without vpslink's settings table (older
// than vpslink) is left as it is: it has no instance, so its first start
// treats it as restored anyway.
func MarkRestored(ctx context.Context, path, from string, at time.Time) error {
	db, err := sql.Open("sqlite3", dsn(path, "rw", true))
	if err != nil {
		return fmt.Errorf("open restored database: %w", err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'settings'`).Scan(&n); err != nil {
		return fmt.Errorf("read restored database: %w", describe(err))
	} else if n == 0 {
		return nil
	}
	note := fmt.Sprintf("%s, at %s", from, vpslink.FormatTime(at))
	if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		settingRestored, note, fmtTime(at)); err != nil {
		return fmt.Errorf("mark restored database: %w", describe(err))
	}
	// Fold the write into the file itself: only the file is moved into place.
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("checkpoint restored database: %w", describe(err))
	}
	return db.Close()
}

// CanonicalPath returns path made absolute with every symlink resolved, so
// that one database file has one name however it is reached. A path that
// does not exist yet resolves through its directory.
func CanonicalPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", path, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return abs, nil
	}
	return filepath.Join(dir, filepath.Base(abs)), nil
}

// fileIdentity returns the file's inode and, where the filesystem records
// it, its creation time.
func fileIdentity(path string) (uint64, string, error) {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, 0, unix.STATX_INO|unix.STATX_BTIME, &st); err != nil {
		return 0, "", fmt.Errorf("stat %s: %w", path, err)
	}
	birth := ""
	if st.Mask&unix.STATX_BTIME != 0 {
		birth = fmt.Sprintf("%d.%09d", st.Btime.Sec, st.Btime.Nsec)
	}
	return st.Ino, birth, nil
}

func readInstanceFile(path string) (*instanceFile, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	f := &instanceFile{}
	if err := json.Unmarshal(b, f); err != nil {
		return nil, err
	}
	return f, nil
}

// writeInstanceFile replaces the instance file atomically and durably.
func writeInstanceFile(path string, f instanceFile) error {
	b, _ := json.Marshal(f)
	tmp := path + ".tmp"
	if err := writeSynced(tmp, append(b, '\n')); err != nil {
		return fmt.Errorf("write instance file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write instance file: %w", err)
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// String says what the review holds and why, for a log line.
func (r *RestoreReview) String() string {
	return fmt.Sprintf("%d messages and %d jobs held: %s", r.Messages, r.Jobs, strings.Join(r.Reasons, "; "))
}
