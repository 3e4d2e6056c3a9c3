package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/replicator"
	"golang.org/x/sync/errgroup"
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
				h = slog.NewJSONHandler(a.stderr, nil)
			}
			logger := slog.New(h)
			// litestream logs through the default logger.
			slog.SetDefault(logger)

			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			if parentPipe {
				go func() {
					// The parent holds the other end of stdin: EOF means
					// it is gone, however it died.
					_, _ = io.Copy(io.Discard, a.stdin)
					logger.Info("parent gone, stopping")
					cancel()
				}()
			}
			return runReplicate(ctx, a, litestreamConfig, metricsAddr, logger)
		},
	}
	f := cmd.Flags()
	f.StringVar(&litestreamConfig, "litestream-config", "", "litestream configuration file (env LITESTREAM_CONFIG; default ./litestream.yml if present, else a file replica in <datadir>/replica)")
	f.StringVar(&metricsAddr, "metrics-addr", "", "serve Prometheus metrics on this address, e.g. 127.0.0.1:9091 (port 0 picks one and logs it)")
	f.BoolVar(&logJSON, "log-json", false, "log JSON lines")
	f.BoolVar(&parentPipe, "parent-pipe", false, "exit when stdin reaches EOF (set by serve)")
	_ = f.MarkHidden("parent-pipe")
	return cmd
}

func runReplicate(ctx context.Context, a *app, litestreamConfig, metricsAddr string, logger *slog.Logger) error {
	if err := replicator.TrustCABundle(); err != nil {
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
	rep, err := replicator.New(lcfg, logger)
	if err != nil {
		return err
	}
	// litestream registers its litestream_* metrics in the default registry.
	reg := prometheus.DefaultRegisterer
	if err := rep.Register(reg); err != nil {
		return err
	}
	snap, err := snapshotter(cfg, "", reg, logger.With("job", "snapshot"))
	if err != nil {
		return err
	}

	g, ctx := errgroup.WithContext(ctx)
	if metricsAddr != "" {
		l, err := net.Listen("tcp", metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		srv := &http.Server{Handler: promhttp.Handler(), ReadHeaderTimeout: 5 * time.Second}
		logger.Info(replicator.MetricsListeningMsg, "addr", l.Addr().String())
		g.Go(func() error {
			if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		g.Go(func() error {
			<-ctx.Done()
			return srv.Close()
		})
	}
	g.Go(func() error { return rep.Run(ctx) })
	// Snapshots are the second line of defence: their failure is logged,
	// never allowed to stop the continuous replica.
	go func() {
		if err := snap.Run(ctx); err != nil && ctx.Err() == nil {
			logger.Error("snapshot job stopped", "error", err)
		}
	}()
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}
