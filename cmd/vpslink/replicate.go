package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/internal/s3client"
	"github.com/vpslink/vpslink/replicator"
	"github.com/vpslink/vpslink/store"
)

func newReplicateCmd(a *app) *cobra.Command {
	var (
		litestreamConfig string
		metricsAddr      string
		logJSON          bool
		parentPipe       bool
	)
	cmd := &cobra.Command{
		Use:   "replicate",
		Short: "Stream every database change to the litestream replica and take the hourly snapshots",
		Long: `Replicates the database with the embedded litestream library, using the
litestream configuration (--litestream-config, LITESTREAM_CONFIG, ./litestream.yml,
else a file replica in <datadir>/replica), and runs the hourly snapshot job.
'vpslink serve' runs it as a child process unless VPSLINK_REPLICATE is external or off.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var h slog.Handler = slog.NewTextHandler(a.stderr, nil)
			if logJSON {
				h = replicator.NewChildLogHandler(a.stderr)
			}
			logger := slog.New(h)
			// litestream logs through the default logger.
			slog.SetDefault(logger)

			var parent io.Reader
			if parentPipe {
				parent = a.stdin
			}
			return runReplicate(cmd.Context(), a, litestreamConfig, metricsAddr, parent, logger)
		},
	}
	f := cmd.Flags()
	f.StringVar(&litestreamConfig, "litestream-config", "", "litestream configuration file (env LITESTREAM_CONFIG; default ./litestream.yml if present, else a file replica in <datadir>/replica)")
	f.StringVar(&metricsAddr, "metrics-addr", "", "serve Prometheus metrics on this address, e.g. 127.0.0.1:9091 (port 0 picks one and logs it)")
	f.BoolVar(&logJSON, "log-json", false, "log JSON lines (as serve expects from its child)")
	f.BoolVar(&parentPipe, "parent-pipe", false, "exit when stdin reaches EOF (set by serve)")
	_ = f.MarkHidden("parent-pipe")
	return cmd
}

func runReplicate(ctx context.Context, a *app, litestreamConfig, metricsAddr string, parent io.Reader, logger *slog.Logger) error {
	if err := s3client.TrustCABundle(); err != nil {
		return err
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if litestreamConfig != "" {
		cfg.LitestreamConfig = litestreamConfig
	}
	lcfg, err := replicator.LoadConfig(cfg.LitestreamConfigPath(), cfg.DB)
	if err != nil {
		return err
	}
	if _, err := lcfg.DB(cfg.DB); err != nil {
		logger.Warn("the service's database is not in the litestream config", "db", cfg.DB, "error", err)
	}
	snap, err := snapshotter(cfg, "", prometheus.DefaultRegisterer, logger.With("job", "snapshot"))
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	snap.Copy = copyInChild(exe)
	snap.Record = recordInChild(exe, cfg.DB)
	return replicator.RunProcess(ctx, replicator.ProcessOptions{
		Config:      lcfg,
		MetricsAddr: metricsAddr,
		Parent:      parent,
		Jobs:        []func(context.Context) error{snap.Run},
		Logger:      logger,
	})
}

// copyInChild returns the snapshot job's copy for the replicate process:
// `exe db copy` in a child process. Here litestream holds the database open
// with its own SQLite build; the store's build opening the same file in
// this process would drop litestream's locks when it closes it, since POSIX
// file locks belong to the process, not to the library that took them.
func copyInChild(exe string) replicator.CopyFunc {
	return func(ctx context.Context, src, dst string) error {
		return runChild(ctx, exe, "--db", src, "db", "copy", dst)
	}
}

// recordInChild returns the snapshot job's record for the replicate
// process: `exe db record-backup` in a child process, for copyInChild's
// reason.
func recordInChild(exe, db string) replicator.RecordFunc {
	return func(ctx context.Context, r store.BackupRecord) error {
		args := []string{"--db", db, "db", "record-backup", "--at", r.At.UTC().Format(time.RFC3339Nano),
			"--file", r.File, "--size", strconv.FormatInt(r.Size, 10), "--location", r.Location}
		if r.Err != nil {
			args = append(args, "--error", r.Err.Error())
		}
		return runChild(ctx, exe, args...)
	}
}

// runChild runs exe with args and returns its stderr as the error when it fails.
func runChild(ctx context.Context, exe string, args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s in a child process: %w: %s", strings.Join(args[2:4], " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// replication is serve's view of the replicator, by VPSLINK_REPLICATE:
// "child" supervises `vpslink replicate`; "external" and "off" run nothing
// here (another container replicates, or nothing does).
type replication struct {
	mode string
	sup  *replicator.Supervisor // nil unless mode is child
	stop func()
}

// startReplication starts the replicator child in child mode. stop ends it
// with a bounded final sync; call it after the last write.
func startReplication(ctx context.Context, cfg *Config, log *slog.Logger) *replication {
	r := &replication{mode: cfg.Replicate, stop: func() {}}
	if cfg.Replicate != "child" {
		log.Info("replication not supervised here", "mode", cfg.Replicate)
		return r
	}
	// The child resolves its configuration like any command; the settings
	// it needs are handed over as environment variables, which take
	// precedence over any vpslink.yml, so it sees exactly serve's values.
	r.sup = replicator.NewSupervisor(replicator.SupervisorConfig{
		DB:               cfg.DB,
		LitestreamConfig: cfg.LitestreamConfig,
		Env: []string{
			"VPSLINK_SNAPSHOT_TARGET=" + cfg.SnapshotTarget,
			"VPSLINK_SNAPSHOT_INTERVAL=" + cfg.SnapshotInterval.String(),
			"VPSLINK_SNAPSHOT_LOCAL_RETENTION=" + cfg.SnapshotLocalRetention.String(),
			"VPSLINK_RETENTION=" + cfg.Retention,
		},
		Logger: log,
	})
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := r.sup.Run(ctx); err != nil {
			log.Error("replicator supervisor", "err", err)
		}
	}()
	r.stop = func() { cancel(); <-done }
	return r
}

// gatherer adds the replicator's metrics (litestream_*, the lag, up) to reg.
func (r *replication) gatherer(reg prometheus.Gatherer) prometheus.Gatherer {
	if r.sup == nil {
		return reg
	}
	return prometheus.Gatherers{reg, r.sup}
}

// health is the "replication" object of GET /health.
func (r *replication) health() api.ReplicationState {
	h := api.ReplicationState{Mode: r.mode}
	if r.sup != nil {
		h.Up = r.sup.Up()
		h.Restarts = r.sup.Restarts()
		if lag, ok := r.sup.Lag(); ok {
			s := lag.Seconds()
			h.LagSeconds = &s
		}
	}
	return h
}
