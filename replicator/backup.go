package replicator

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/store"
)

// Defaults of the snapshot_interval and snapshot_local_retention keys
// (docs/configuration.md).
const (
	DefaultSnapshotInterval       = time.Hour
	DefaultSnapshotLocalRetention = 24 * time.Hour
)

// uploadedSuffix marks a local snapshot as uploaded: "<name>.uploaded".
const uploadedSuffix = ".uploaded"

// Snapshotter takes snapshots of the database into a local queue directory
// (<datadir>/backups), uploads them to a target oldest first and applies
// retention to the target after each successful upload. While the target
// is unreachable snapshots wait in the queue and nothing is pruned remotely.
type Snapshotter struct {
	DB             string          // the live database
	QueueDir       string          // local copies, which are also the upload queue
	Target         Target          // where snapshots are kept
	Policy         RetentionPolicy // applied to the target
	Interval       time.Duration   // between snapshots, aligned on multiples (1h: on the hour)
	LocalRetention time.Duration   // how long uploaded local copies are kept
	Now            func() time.Time
	Logger         *slog.Logger
	Metrics        *BackupMetrics
	// Copy makes the consistent copy of DB a snapshot is made from.
	Copy CopyFunc
	// Record adds each snapshot attempt to DB's backup_history table when
	// it has one (its owner's own backup log); it does nothing otherwise.
	Record RecordFunc

	verifiedDay string // UTC date of the last automatic verification
}

// NewSnapshotter returns a Snapshotter with the default interval and local
// retention, whose metrics are registered with reg.
func NewSnapshotter(db, queueDir string, target Target, policy RetentionPolicy, reg prometheus.Registerer) *Snapshotter {
	return &Snapshotter{
		DB:             db,
		QueueDir:       queueDir,
		Target:         target,
		Policy:         policy,
		Interval:       DefaultSnapshotInterval,
		LocalRetention: DefaultSnapshotLocalRetention,
		Now:            time.Now,
		Logger:         slog.Default(),
		Metrics:        NewBackupMetrics(reg),
		Copy:           store.CopyFile,
		Record: func(ctx context.Context, r store.BackupRecord) error {
			return store.RecordBackupFile(ctx, db, r)
		},
	}
}

// RecordFunc records a snapshot attempt in the database (see
// Snapshotter.Record).
type RecordFunc func(ctx context.Context, r store.BackupRecord) error

// Backup takes a snapshot now and uploads the queue. The returned metadata
// is valid whenever the snapshot was taken, even if the upload failed: the
// snapshot is then queued.
func (s *Snapshotter) Backup(ctx context.Context) (Metadata, error) {
	unlock, err := lockDir(s.QueueDir)
	if err != nil {
		return Metadata{}, err
	}
	defer unlock()
	now := s.Now()
	meta, err := s.backup(ctx, now)
	s.record(ctx, now, meta, err)
	return meta, err
}

func (s *Snapshotter) backup(ctx context.Context, now time.Time) (Metadata, error) {
	meta, err := CreateSnapshot(ctx, s.Copy, s.DB, s.QueueDir, now)
	if err != nil {
		return Metadata{}, err
	}
	s.Metrics.LastSize.Set(float64(meta.Size))
	s.Logger.Info("snapshot taken", "key", meta.Key, "size", meta.Size, "db_size", meta.DBSize)
	if err := s.flush(ctx); err != nil {
		return meta, fmt.Errorf("snapshot %s queued in %s: %w", meta.Key, s.QueueDir, err)
	}
	return meta, nil
}

// record adds a snapshot attempt to backup_history: a success once it is
// uploaded, a failure with the reason otherwise (a queued snapshot
// included), so that its owner's queries of that table keep telling the
// truth. Failing to record it is logged; the snapshot stands.
func (s *Snapshotter) record(ctx context.Context, at time.Time, meta Metadata, err error) {
	if s.Record == nil {
		return
	}
	r := store.BackupRecord{At: at, File: cmp.Or(meta.Key, SnapshotName(at)), Size: meta.Size,
		Location: s.Target.String(), Err: err}
	if rerr := s.Record(context.WithoutCancel(ctx), r); rerr != nil {
		s.Logger.Warn("snapshot not recorded in backup_history", "key", r.File, "err", rerr)
	}
}

// Flush uploads the queued snapshots, then applies retention.
func (s *Snapshotter) Flush(ctx context.Context) error {
	unlock, err := lockDir(s.QueueDir)
	if err != nil {
		return err
	}
	defer unlock()
	return s.flush(ctx)
}

func (s *Snapshotter) flush(ctx context.Context) error {
	local, err := localSnapshots(s.QueueDir)
	if err != nil {
		return err
	}
	if err := s.uploadQueue(ctx, local); err != nil {
		return errors.Join(err, s.pruneLocal())
	}
	return s.pruneLocal()
}

// uploadQueue uploads the snapshots not yet uploaded, oldest first, and
// prunes the target once they all are.
func (s *Snapshotter) uploadQueue(ctx context.Context, local []localSnapshot) error {
	var pending []localSnapshot
	for _, l := range local {
		if !l.uploaded {
			pending = append(pending, l)
		}
	}
	s.Metrics.QueueLength.Set(float64(len(pending)))
	for i, l := range pending {
		if err := s.upload(ctx, l.key); err != nil {
			return fmt.Errorf("upload to %s (%d snapshots queued): %w", s.Target, len(pending)-i, err)
		}
		s.Metrics.QueueLength.Set(float64(len(pending) - i - 1))
		s.Metrics.LastSuccess.Set(float64(l.time.Unix()))
		s.Logger.Info("snapshot uploaded", "key", l.key, "target", s.Target.String())
	}
	if len(pending) == 0 {
		return nil
	}
	_, err := s.Prune(ctx, s.Now(), false)
	return err
}

// upload puts a queued snapshot, then its metadata, then marks it uploaded.
// The metadata goes last so that a snapshot with a sidecar is complete.
func (s *Snapshotter) upload(ctx context.Context, key string) error {
	path := filepath.Join(s.QueueDir, key)
	metaBytes, err := os.ReadFile(path + metaSuffix)
	if err != nil {
		return err
	}
	var meta Metadata
	if err := json.Unmarshal(metaBytes, &meta); err != nil {
		return fmt.Errorf("metadata of %s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	objectMeta := map[string]string{
		"sha256":         meta.SHA256,
		"schema-version": strconv.Itoa(meta.SchemaVersion),
		"db-size":        strconv.FormatInt(meta.DBSize, 10),
	}
	if err := s.Target.Put(ctx, key, f, meta.Size, objectMeta); err != nil {
		return err
	}
	if err := s.Target.Put(ctx, key+metaSuffix, strings.NewReader(string(metaBytes)), int64(len(metaBytes)), nil); err != nil {
		return err
	}
	return os.WriteFile(path+uploadedSuffix, nil, 0o600)
}

// Prune applies the retention policy to the snapshots on the target taken
// at or before now (later ones did not exist then and are left alone) and,
// unless dryRun, deletes those it does not keep. Objects whose names are
// not snapshot names are never touched.
func (s *Snapshotter) Prune(ctx context.Context, now time.Time, dryRun bool) ([]Decision, error) {
	objects, err := s.Target.List(ctx)
	if err != nil {
		return nil, err
	}
	sizes := make(map[string]int64)
	var keys []string
	for _, o := range objects {
		if t, err := ParseSnapshotName(o.Key); err == nil && !t.After(now) {
			keys = append(keys, o.Key)
			sizes[o.Key] = o.Size
		}
	}
	decisions, err := ApplyRetention(keys, s.Policy)
	if err != nil {
		return nil, err
	}
	for i := range decisions {
		decisions[i].Size = sizes[decisions[i].Key]
	}
	s.Metrics.observeRetention(decisions)
	if dryRun {
		return decisions, nil
	}
	for _, d := range decisions {
		if d.Keep {
			continue
		}
		// The sidecar goes first: a snapshot left without one by a crash
		// still parses, so a later prune removes it.
		if err := s.Target.Delete(ctx, d.Key+metaSuffix); err != nil {
			return nil, err
		}
		if err := s.Target.Delete(ctx, d.Key); err != nil {
			return nil, err
		}
		s.Logger.Info("snapshot pruned", "key", d.Key, "target", s.Target.String())
	}
	return decisions, nil
}

// localSnapshot is a complete snapshot (data and sidecar) in the queue.
type localSnapshot struct {
	key      string
	time     time.Time
	uploaded bool
}

// localSnapshots lists the queue in dir oldest first.
func localSnapshots(dir string) ([]localSnapshot, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read snapshot queue: %w", err)
	}
	names := make(map[string]bool, len(entries))
	for _, e := range entries {
		names[e.Name()] = true
	}
	var local []localSnapshot
	for _, e := range entries {
		t, err := ParseSnapshotName(e.Name())
		if err != nil || !names[e.Name()+metaSuffix] {
			continue
		}
		local = append(local, localSnapshot{key: e.Name(), time: t, uploaded: names[e.Name()+uploadedSuffix]})
	}
	slices.SortFunc(local, func(a, b localSnapshot) int { return a.time.Compare(b.time) })
	return local, nil
}

// pruneLocal removes uploaded local copies older than LocalRetention, except
// the newest uploaded one (LastBackupAt reads it), and files a crash left
// behind: half-written temporary files and snapshots without a sidecar.
// Snapshots not yet uploaded stay whatever their age: they are the queue.
func (s *Snapshotter) pruneLocal() error {
	local, err := localSnapshots(s.QueueDir)
	if err != nil {
		return err
	}
	cutoff := s.Now().Add(-s.LocalRetention)
	newestUploaded := ""
	complete := make(map[string]localSnapshot, len(local))
	for _, l := range local {
		complete[l.key] = l
		if l.uploaded {
			newestUploaded = l.key
		}
	}
	entries, err := os.ReadDir(s.QueueDir)
	if err != nil {
		return fmt.Errorf("read snapshot queue: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		key := strings.TrimSuffix(strings.TrimSuffix(name, uploadedSuffix), metaSuffix)
		l, ok := complete[key]
		_, err := ParseSnapshotName(key)
		var remove bool
		switch {
		case strings.HasPrefix(name, "."+snapshotPrefix):
			remove = true // temporary file of an interrupted snapshot
		case err != nil:
			continue // not ours
		case !ok:
			remove = true // data or sidecar alone: an interrupted snapshot
		default:
			remove = l.uploaded && key != newestUploaded && l.time.Before(cutoff)
		}
		if remove {
			if err := os.Remove(filepath.Join(s.QueueDir, name)); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("prune local snapshot: %w", err)
			}
		}
	}
	return nil
}

// LastBackupAt returns the time of the newest snapshot in the queue
// directory that reached the target (zero if none). The snapshot job always
// keeps that one locally, so this is cheap and needs no network.
func LastBackupAt(queueDir string) (time.Time, error) {
	local, err := localSnapshots(queueDir)
	if err != nil {
		return time.Time{}, err
	}
	for _, l := range slices.Backward(local) {
		if l.uploaded {
			return l.time, nil
		}
	}
	return time.Time{}, nil
}

// lockDir takes an exclusive lock on dir (created if needed), so that the
// snapshot job and a `vpslink backup` command never work on the queue at
// the same time. It blocks until the lock is free.
func lockDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}

// Run takes a snapshot at every multiple of Interval until ctx is done. At
// start, and after a failed upload with a backoff of one minute doubling up
// to 15, it uploads what is queued without taking a snapshot. After the first
// successful snapshot of each UTC day it verifies the newest one.
func (s *Snapshotter) Run(ctx context.Context) error {
	if err := s.Policy.Validate(); err != nil {
		return err
	}
	// The metrics start from what earlier runs left: the newest uploaded
	// local snapshot and the target's tiers.
	if last, err := LastBackupAt(s.QueueDir); err == nil && !last.IsZero() {
		s.Metrics.LastSuccess.Set(float64(last.Unix()))
	}
	if _, err := s.Prune(ctx, s.Now(), true); err != nil {
		s.Logger.Warn("snapshot target unreachable at start", "target", s.Target.String(), "err", err)
	}
	retry := s.retryAfter(s.Flush(ctx), 0)
	for {
		now := s.Now()
		next := now.Truncate(s.Interval).Add(s.Interval)
		snapshot := true
		if retry > 0 && now.Add(retry).Before(next) {
			next, snapshot = now.Add(retry), false
		}
		timer := time.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
		if !snapshot {
			retry = s.retryAfter(s.Flush(ctx), retry)
			continue
		}
		_, err := s.Backup(ctx)
		retry = s.retryAfter(err, retry)
		if err == nil {
			s.verifyDaily(ctx)
		}
	}
}

// retryAfter logs err and returns how long to wait before uploading the
// queue again: 0 (until the next snapshot) when it is empty.
func (s *Snapshotter) retryAfter(err error, previous time.Duration) time.Duration {
	if err == nil {
		return 0
	}
	s.Logger.Error("snapshot job", "err", err)
	local, _ := localSnapshots(s.QueueDir)
	if !slices.ContainsFunc(local, func(l localSnapshot) bool { return !l.uploaded }) {
		return 0
	}
	return min(max(2*previous, time.Minute), 15*time.Minute)
}

func (s *Snapshotter) verifyDaily(ctx context.Context) {
	day := s.Now().UTC().Format(time.DateOnly)
	if day == s.verifiedDay {
		return
	}
	s.verifiedDay = day
	meta, err := VerifySnapshot(ctx, s.Target, "latest", s.QueueDir)
	if err != nil {
		s.Metrics.LastVerify.WithLabelValues().Set(0)
		s.Logger.Error("snapshot verification failed", "target", s.Target.String(), "err", err)
		return
	}
	s.Metrics.LastVerify.WithLabelValues().Set(1)
	s.Logger.Info("snapshot verified", "key", meta.Key, "target", s.Target.String())
}
