package replicator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/prometheus/client_golang/prometheus"
)

// ShutdownSyncTimeout bounds the final sync on shutdown, so that stopping
// while S3 is down does not hang a container stop (Docker's default grace
// period is 10 s); whatever is left is uploaded on the next start.
const ShutdownSyncTimeout = 5 * time.Second

// lagPollInterval is how often replication progress is sampled for the lag
// metric. It is local work only (no S3 requests).
const lagPollInterval = 250 * time.Millisecond

// catchUpAfter is the lag after which, and the interval at which, the
// replicator itself retries the upload (see catchUp).
const catchUpAfter = 3 * time.Second

// Replicator continuously replicates the databases of a Config with the
// embedded litestream library.
type Replicator struct {
	Logger *slog.Logger
	// Now is the clock of the lag measurement.
	Now func() time.Time

	store *litestream.Store
	dbs   []*litestream.DB

	mu   sync.Mutex
	lags []*lagTracker
}

// New builds, but does not start, a replicator for cfg.
func New(cfg *Config, logger *slog.Logger) (*Replicator, error) {
	r := &Replicator{Logger: logger, Now: time.Now}
	for _, dbc := range cfg.DBs {
		db := litestream.NewDB(dbc.Path)
		db.Logger = logger.With("db", dbc.Path)
		if dbc.MonitorInterval != nil {
			db.MonitorInterval = *dbc.MonitorInterval
		}
		if dbc.CheckpointInterval != nil {
			db.CheckpointInterval = *dbc.CheckpointInterval
		}
		if dbc.BusyTimeout != nil {
			db.BusyTimeout = *dbc.BusyTimeout
		}
		if dbc.MinCheckpointPageN != nil {
			db.MinCheckpointPageN = *dbc.MinCheckpointPageN
		}
		client, err := dbc.Replica.NewClient()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dbc.Path, err)
		}
		rep := litestream.NewReplicaWithClient(db, client)
		if v := dbc.Replica.SyncInterval; v != nil {
			rep.SyncInterval = *v
		}
		client.SetLogger(logger)
		db.Replica = rep
		r.dbs = append(r.dbs, db)
		r.lags = append(r.lags, &lagTracker{})
	}

	s := litestream.NewStore(r.dbs, cfg.CompactionLevels())
	s.Logger = logger
	s.SnapshotInterval = durationOr(cfg.Snapshot.Interval, DefaultLTXSnapshotInterval)
	s.SnapshotRetention = durationOr(cfg.Snapshot.Retention, DefaultLTXSnapshotRetention)
	s.L0Retention = durationOr(cfg.L0Retention, litestream.DefaultL0Retention)
	s.L0RetentionCheckInterval = durationOr(cfg.L0RetentionCheckInterval, DefaultL0RetentionCheckInterval)
	if cfg.Retention.Enabled != nil {
		s.SetRetentionEnabled(*cfg.Retention.Enabled)
	}
	s.SetShutdownSyncTimeout(ShutdownSyncTimeout)
	r.store = s
	return r, nil
}

// Run replicates until ctx is done, then makes a last, bounded attempt to
// upload what is left and closes the databases.
func (r *Replicator) Run(ctx context.Context) error {
	if err := r.store.Open(ctx); err != nil {
		return fmt.Errorf("start replication: %w", err)
	}
	for _, db := range r.dbs {
		r.Logger.Info("replicating", "db", db.Path(), "replica", db.Replica.Client.Type())
	}

	ticker := time.NewTicker(lagPollInterval)
	defer ticker.Stop()
	var lastNudge time.Time
	for ctx.Err() == nil {
		r.sampleLag()
		if r.Lag() > catchUpAfter && time.Since(lastNudge) > catchUpAfter {
			lastNudge = time.Now()
			r.catchUp(ctx)
		}
		select {
		case <-ctx.Done():
		case <-ticker.C:
		}
	}

	closeCtx, cancel := context.WithTimeout(context.Background(), 2*ShutdownSyncTimeout)
	defer cancel()
	if err := r.store.Close(closeCtx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop replication: %w", err)
	}
	return nil
}

// catchUp syncs every lagging database now. Litestream retries a failed
// upload with a backoff that doubles up to five minutes, so after an S3
// outage the replica could stay behind for minutes; trying every few
// seconds instead costs nothing while S3 is unreachable (no request reaches
// it) and ends the lag within seconds of its return.
func (r *Replicator) catchUp(ctx context.Context) {
	for i, db := range r.dbs {
		r.mu.Lock()
		lagging := r.lags[i].lag(r.Now()) > catchUpAfter
		r.mu.Unlock()
		if !lagging {
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, catchUpAfter)
		err := db.Replica.Sync(sctx)
		cancel()
		if err != nil {
			r.Logger.Debug("catch-up sync failed", "db", db.Path(), "error", err)
		}
	}
}

// sampleLag updates every database's lag from its local and replicated
// positions.
func (r *Replicator) sampleLag() {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.Now()
	for i, db := range r.dbs {
		r.lags[i].update(db, now)
	}
}

// Lag is the age of the oldest committed change, over all databases, that
// is not yet in its replica; 0 when everything is replicated.
func (r *Replicator) Lag() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.Now()
	var worst time.Duration
	for _, l := range r.lags {
		if d := l.lag(now); d > worst {
			worst = d
		}
	}
	return worst
}

// Register adds vpslink_replication_lag_seconds to reg. litestream's own
// litestream_* metrics live in prometheus.DefaultRegisterer.
func (r *Replicator) Register(reg prometheus.Registerer) error {
	return reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "vpslink_replication_lag_seconds",
		Help: "Age of the oldest committed change not yet in the replica; 0 when in sync.",
	}, func() float64 { return r.Lag().Seconds() }))
}
