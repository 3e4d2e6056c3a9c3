package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/s3client"
	"github.com/vpslink/vpslink/replicator"
	"github.com/vpslink/vpslink/store"
)

func newRestoreCmd(a *app) *cobra.Command {
	var (
		opt              replicator.RestoreOptions
		timestamp        string
		litestreamConfig string
		fromSnapshot     string
	)
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Restore the database from its litestream replica (latest or point in time)",
		Long: `Restores the database from the replica in the litestream configuration
(--litestream-config, LITESTREAM_CONFIG, ./litestream.yml, else <datadir>/replica).
The restore is written to a temporary file beside the target, checked with
integrity_check and then renamed into place. An existing database is only
replaced with --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if timestamp != "" {
				t, err := time.Parse(time.RFC3339, timestamp)
				if err != nil {
					return vpslink.Errorf(vpslink.EINVALID, "--timestamp %q: want RFC 3339, e.g. 2026-11-27T10:00:00Z", timestamp)
				}
				opt.Timestamp = t
			}
			if err := s3client.TrustCABundle(); err != nil {
				return err
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if opt.Output == "" {
				opt.Output = cfg.DB
			}
			if litestreamConfig != "" {
				// Also for --from-snapshot: an S3 snapshot target takes its
				// endpoint and credentials from the litestream config.
				cfg.LitestreamConfig = litestreamConfig
			}
			return whileServeStopped(opt.Output, func() error {
				if fromSnapshot != "" {
					return a.restoreSnapshot(cmd, cfg, fromSnapshot, opt)
				}
				return a.restoreReplica(cmd, cfg, opt)
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opt.Output, "output", "o", "", "write the database here (default: --db)")
	f.StringVar(&timestamp, "timestamp", "", "restore the state as of this RFC 3339 time (default: latest)")
	f.BoolVar(&opt.IfDBNotExists, "if-db-not-exists", false, "do nothing if the database already exists")
	f.BoolVar(&opt.IfReplicaExists, "if-replica-exists", false, "do nothing if there is no replica")
	f.BoolVar(&opt.Force, "force", false, "replace an existing database")
	f.StringVar(&fromSnapshot, "from-snapshot", "", "restore this snapshot KEY (or latest) from the snapshot target instead of the replica")
	f.StringVar(&litestreamConfig, "litestream-config", "", "litestream configuration file (env LITESTREAM_CONFIG; default ./litestream.yml if present, else a file replica in <datadir>/replica)")
	return cmd
}

// markRestored writes the restore marker into the database just restored,
// so that the first serve on it holds what may already have been sent, even
// if the file should keep the identity of the one it replaced.
func markRestored(cmd *cobra.Command, path, from string) error {
	if err := store.MarkRestored(cmd.Context(), path, "vpslink restore "+from, time.Now()); err != nil {
		return fmt.Errorf("%s was restored, but: %w", path, err)
	}
	return nil
}

// restoreReplica restores the litestream replica, latest or as of
// opt.Timestamp.
func (a *app) restoreReplica(cmd *cobra.Command, cfg *Config, opt replicator.RestoreOptions) error {
	lcfg, err := replicator.LoadConfig(cfg.LitestreamConfigPath(), cfg.DB)
	if err != nil {
		return err
	}
	dbc, err := lcfg.DB(cfg.DB)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	slog.SetDefault(logger) // litestream logs through the default logger
	res, err := replicator.Restore(cmd.Context(), dbc, opt, logger)
	if err != nil {
		return err
	}
	if res.Restored {
		from := "from the replica, latest state"
		if !opt.Timestamp.IsZero() {
			from = "from the replica as of " + vpslink.FormatTime(opt.Timestamp)
		}
		if err := markRestored(cmd, opt.Output, from); err != nil {
			return err
		}
	}
	if a.jsonOut {
		return a.printJSON(map[string]any{
			"restored": res.Restored, "reason": res.Reason, "output": res.Output,
			"seconds": res.Duration.Seconds(),
		})
	}
	if !res.Restored {
		fmt.Fprintf(a.stdout, "%s: not restored: %s\n", res.Output, res.Reason)
		return nil
	}
	fmt.Fprintf(a.stdout, "%s: restored in %s\n", res.Output, res.Duration.Round(time.Millisecond))
	return nil
}

// restoreSnapshot restores one hourly snapshot instead of the replica.
func (a *app) restoreSnapshot(cmd *cobra.Command, cfg *Config, key string, opt replicator.RestoreOptions) error {
	if !opt.Timestamp.IsZero() {
		return vpslink.Errorf(vpslink.EINVALID, "--timestamp and --from-snapshot exclude each other")
	}
	if _, err := os.Stat(opt.Output); err == nil && opt.IfDBNotExists {
		fmt.Fprintf(a.stdout, "%s: not restored: database already exists\n", opt.Output)
		return nil
	}
	target, err := snapshotTarget(cfg, "")
	if err != nil {
		return err
	}
	meta, err := replicator.RestoreSnapshot(cmd.Context(), target, key, opt.Output, opt.Force)
	if err != nil {
		return err
	}
	if err := markRestored(cmd, opt.Output, "from snapshot "+meta.Key); err != nil {
		return err
	}
	if a.jsonOut {
		return a.printJSON(map[string]any{"restored": true, "output": opt.Output, "snapshot": meta})
	}
	fmt.Fprintf(a.stdout, "%s: restored from snapshot %s (taken %s)\n", opt.Output, meta.Key, vpslink.FormatTime(meta.Time))
	return nil
}
