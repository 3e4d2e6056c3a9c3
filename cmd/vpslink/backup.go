package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/s3client"
	"github.com/vpslink/vpslink/replicator"
)

func newBackupCmd(a *app) *cobra.Command {
	var target string
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Compressed snapshots of the database with tiered retention (now, list, prune, verify)",
	}
	cmd.PersistentFlags().StringVar(&target, "target", "",
		"snapshot target: s3://bucket/prefix or a directory (env VPSLINK_SNAPSHOT_TARGET; default: the litestream replica's bucket under backups/, or <datadir>/snapshots)")
	cmd.AddCommand(
		newBackupNowCmd(a, &target),
		newBackupListCmd(a, &target),
		newBackupPruneCmd(a, &target),
		newBackupVerifyCmd(a, &target),
	)
	return cmd
}

// snapshotter returns the snapshot job for cfg: the database, the local
// queue <datadir>/backups, the target (flag, else configuration, else the
// default in docs/backups.md) and the retention policy, with its metrics registered
// with reg. `vpslink replicate` runs it; the backup commands use it once.
func snapshotter(cfg *Config, target string, reg prometheus.Registerer, logger *slog.Logger) (*replicator.Snapshotter, error) {
	t, err := snapshotTarget(cfg, target)
	if err != nil {
		return nil, err
	}
	policy, err := replicator.ParseRetentionPolicy(cfg.Retention)
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	if cfg.SnapshotInterval.Duration <= 0 {
		return nil, fmt.Errorf("snapshot_interval: must be positive")
	}
	s := replicator.NewSnapshotter(cfg.DB, filepath.Join(cfg.DataDir(), "backups"), t, policy, reg)
	s.Interval = cfg.SnapshotInterval.Duration
	s.LocalRetention = cfg.SnapshotLocalRetention.Duration
	s.Logger = logger
	return s, nil
}

// snapshotTarget resolves the snapshot target: the flag, else
// VPSLINK_SNAPSHOT_TARGET / snapshot_target, else the default that follows
// the litestream replica (its bucket under backups/, or <datadir>/snapshots).
func snapshotTarget(cfg *Config, flag string) (replicator.Target, error) {
	spec := flag
	if spec == "" {
		spec = cfg.SnapshotTarget
	}
	ls, err := replicator.LoadConfig(cfg.LitestreamConfigPath(), cfg.DB)
	if err != nil {
		// A directory needs nothing from the litestream config; an S3
		// target may need its credentials, so the error stands.
		if spec != "" && !strings.HasPrefix(spec, "s3://") {
			return replicator.ParseTarget(spec, s3client.Config{})
		}
		return nil, err
	}
	return replicator.SnapshotTarget(spec, ls, cfg.DB)
}

// cliSnapshotter is the snapshot job for one CLI command: metrics go to a
// throwaway registry and logs to stderr.
func (a *app) cliSnapshotter(target string) (*replicator.Snapshotter, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	return snapshotter(cfg, target, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func newBackupNowCmd(a *app, target *string) *cobra.Command {
	return &cobra.Command{
		Use:   "now",
		Short: "Take a snapshot now, upload the queue and apply retention",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.cliSnapshotter(*target)
			if err != nil {
				return err
			}
			meta, err := s.Backup(cmd.Context())
			if meta.Key == "" {
				return err
			}
			if a.jsonOut {
				if jerr := a.printJSON(meta); jerr != nil {
					return jerr
				}
			} else {
				fmt.Fprintf(a.stdout, "%s  %d bytes (database %d bytes)  sha256 %s\n", meta.Key, meta.Size, meta.DBSize, meta.SHA256)
			}
			if err != nil {
				return err
			}
			if !a.jsonOut {
				fmt.Fprintf(a.stdout, "uploaded to %s\n", s.Target)
			}
			return nil
		},
	}
}

func newBackupListCmd(a *app, target *string) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the snapshots on the target with their time, size and the tiers that keep them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.cliSnapshotter(*target)
			if err != nil {
				return err
			}
			decisions, err := s.Prune(cmd.Context(), s.Now(), true)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(decisions)
			}
			t := a.table("KEY", "TIME", "SIZE", "TIERS")
			for _, d := range decisions {
				tiers := strings.Join(d.Reasons, ",")
				if !d.Keep {
					tiers = "(pruned next)"
				}
				t.row(d.Key, d.Time, d.Size, tiers)
			}
			return t.flush()
		},
	}
}

func newBackupPruneCmd(a *app, target *string) *cobra.Command {
	var dryRun bool
	var now string
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Apply the retention policy to the target and show every decision",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.cliSnapshotter(*target)
			if err != nil {
				return err
			}
			at := s.Now()
			if now != "" {
				if at, err = time.Parse(time.RFC3339, now); err != nil {
					return vpslink.FieldError("--now", "%q is not an RFC 3339 time", now)
				}
			}
			decisions, err := s.Prune(cmd.Context(), at, dryRun)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(decisions)
			}
			t := a.table("KEY", "TIME", "KEEP", "REASONS")
			for _, d := range decisions {
				t.row(d.Key, d.Time, d.Keep, strings.Join(d.Reasons, ","))
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show the decisions without deleting anything")
	cmd.Flags().StringVar(&now, "now", "", "apply retention as of this RFC 3339 time (later snapshots are left alone)")
	return cmd
}

func newBackupVerifyCmd(a *app, target *string) *cobra.Command {
	return &cobra.Command{
		Use:   "verify [KEY|latest]",
		Short: "Download a snapshot and check its sha256, decompression, integrity and row counts",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.cliSnapshotter(*target)
			if err != nil {
				return err
			}
			key := "latest"
			if len(args) == 1 {
				key = args[0]
			}
			meta, err := replicator.VerifySnapshot(cmd.Context(), s.Target, key, s.QueueDir)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(meta)
			}
			fmt.Fprintf(a.stdout, "%s ok: sha256 %s, integrity ok, schema version %d, row counts match (%d tables)\n",
				meta.Key, meta.SHA256, meta.SchemaVersion, len(meta.RowCounts))
			return nil
		},
	}
}
