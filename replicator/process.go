package replicator

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
	"golang.org/x/sync/errgroup"
)

// ProcessOptions configure RunProcess.
type ProcessOptions struct {
	Config *Config
	// MetricsAddr, when set, serves the default Prometheus registry (where
	// litestream registers its litestream_* metrics) there; port 0 picks a
	// free port, announced in a MetricsListeningMsg log record.
	MetricsAddr string
	// Parent, when set, is the read end of a pipe from the parent process:
	// EOF means the parent is gone, however it died, and the process stops.
	Parent io.Reader
	// Jobs run beside replication until ctx ends (the snapshot job). Their
	// failure is logged; it never stops the continuous replica.
	Jobs   []func(ctx context.Context) error
	Logger *slog.Logger
}

// RunProcess is the body of `vpslink replicate`: replication, metrics and
// the side jobs, until ctx ends or the parent goes away. It must run in its
// own process: litestream opens the database with its own SQLite build
// (see the package doc).
func RunProcess(ctx context.Context, opt ProcessOptions) error {
	logger := opt.Logger
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if opt.Parent != nil {
		go func() {
			_, _ = io.Copy(io.Discard, opt.Parent)
			logger.Info("parent gone, stopping")
			cancel()
		}()
	}

	rep, err := New(opt.Config, logger)
	if err != nil {
		return err
	}
	if err := rep.Register(prometheus.DefaultRegisterer); err != nil {
		return err
	}

	g, ctx := errgroup.WithContext(ctx)
	if opt.MetricsAddr != "" {
		l, err := net.Listen("tcp", opt.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		srv := &http.Server{Handler: promhttp.Handler(), ReadHeaderTimeout: 5 * time.Second}
		logger.Info(MetricsListeningMsg, "addr", l.Addr().String())
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
	for _, job := range opt.Jobs {
		go func() {
			if err := job(ctx); err != nil && ctx.Err() == nil {
				logger.Error("job stopped", "error", err)
			}
		}()
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
