package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/internal/gc"
	"github.com/vpslink/vpslink/replicator"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/ui"
	"github.com/vpslink/vpslink/whatsapp"
)

// dryRunDelayEnv slows every dry-run send by a duration ("300ms"). It stands
// in for a slow network so that crash tests can kill the service mid-send;
// it has no effect on the WhatsApp sender.
const dryRunDelayEnv = "VPSLINK_DRYRUN_DELAY"

func newServeCmd(a *app) *cobra.Command {
	var sender, listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the scheduler and the HTTP API",
		Long: `Run the service: migrate the database, send scheduled messages and jobs when due,
and serve the HTTP API. SIGTERM or Ctrl-C lets the in-flight send finish, then exits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("sender") {
				cfg.Sender = sender
			}
			if cmd.Flags().Changed("listen") {
				cfg.Listen = listen
			}
			if err := cfg.validate(); err != nil {
				return err
			}
			gc.TuneForService()
			return serve(cmd.Context(), cfg, newLogger(cfg.LogLevel, a.stderr))
		},
	}
	cmd.Flags().StringVar(&sender, "sender", "", "whatsapp or dryrun (env VPSLINK_SENDER)")
	cmd.Flags().StringVar(&listen, "listen", "", "API listen address (env VPSLINK_LISTEN; default 127.0.0.1:3001)")
	return cmd
}

// newLogger logs text to a terminal and JSON otherwise (journald, docker).
func newLogger(level string, w io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// serve runs the service until ctx is cancelled.
func serve(ctx context.Context, cfg *Config, log *slog.Logger) error {
	slog.SetDefault(log)
	if cfg.APISecret == "" && !isLoopback(cfg.Listen) {
		return fmt.Errorf("listen address %s is not loopback: set VPSLINK_API_SECRET (or api_secret) first", cfg.Listen)
	}
	if err := os.MkdirAll(cfg.DataDir(), 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	unlock, err := lockDatabase(cfg.DB)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, change := range db.MigrateReport() {
		log.Warn("database adopted", "change", change)
	}
	if err := db.ReserveWAL(ctx); err != nil {
		// Only commits' speed depends on it.
		log.Warn("WAL not reserved", "err", err)
	}
	stopInstance, err := startInstance(ctx, db, log)
	if err != nil {
		return err
	}
	defer stopInstance()
	secret, err := serveSecret(cfg, log)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		store.NewSizeCollector(db), store.NewReviewCollector(db))
	sender, closeSender, err := newSender(ctx, cfg, db, log, reg)
	if err != nil {
		return err
	}
	defer closeSender()
	engine, err := scheduler.New(scheduler.Config{
		DB: db, Sender: sender, Logger: log, Registerer: reg,
		SafetyPoll: cfg.SafetyPoll.Duration, MaxLateness: cfg.MaxLateness.Duration,
		MaxSendsPerMinute: cfg.MaxSendsPerMinute, GapJitter: cfg.GapJitter.Duration,
	})
	if err != nil {
		return err
	}
	if wa, ok := sender.(*whatsapp.Client); ok {
		// Sends that came due while offline stayed pending: go at once.
		wa.OnConnected(engine.Notify)
		wa.Start(context.WithoutCancel(ctx)) // closeSender stops it after the last send
	}

	// In child mode serve supervises `vpslink replicate` for its lifetime.
	repl := startReplication(ctx, cfg, log)
	defer repl.stop()

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	handler, err := buildHandler(handlerDeps{db: db, engine: engine, secret: secret, cfg: cfg,
		health: healthSources(sender, repl, cfg), registerer: reg, gatherer: repl.gatherer(reg), log: log})
	if err != nil {
		return err
	}
	if cfg.MetricsListen != "" {
		go func() {
			if err := api.ListenAndServe(ctx, cfg.MetricsListen, api.MetricsHandler(repl.gatherer(reg)), 5*time.Second); err != nil {
				log.Error("metrics listener", "err", err)
			}
		}()
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()
	log.Info("vpslink serving", "version", vpslink.Version, "listen", ln.Addr().String(), "db", cfg.DB, "sender", cfg.Sender)

	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	engineDone := make(chan error, 1)
	go func() { engineDone <- engine.Run(runCtx) }()

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case runErr = <-engineDone:
		engineDone <- runErr
	case err := <-httpDone:
		runErr = fmt.Errorf("http server: %w", err)
		httpDone <- err
	}
	stopRun()
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	// The engine returns once the in-flight send is finished and recorded.
	if err := <-engineDone; err != nil && runErr == nil {
		runErr = err
	}
	log.Info("stopped")
	return runErr
}

// newSender builds the configured sender and its cleanup.
func newSender(ctx context.Context, cfg *Config, db *store.DB, log *slog.Logger, reg prometheus.Registerer) (vpslink.Sender, func(), error) {
	switch cfg.Sender {
	case "dryrun":
		s, err := scheduler.NewDryRunSender(cfg.DryRunLogPath(), nil)
		if err != nil {
			return nil, nil, err
		}
		if v := os.Getenv(dryRunDelayEnv); v != "" {
			if s.Delay, err = time.ParseDuration(v); err != nil {
				s.Close()
				return nil, nil, fmt.Errorf("%s: %q is not a duration", dryRunDelayEnv, v)
			}
		}
		return s, func() { s.Close() }, nil
	case "whatsapp":
		return openWhatsApp(ctx, cfg, db, log, reg)
	}
	return nil, nil, fmt.Errorf("sender: %q is not whatsapp or dryrun", cfg.Sender)
}

// isLoopback reports whether listen binds only a loopback address.
func isLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// serveSecret returns the configured secret or, on a loopback listener
// without one, the secret in <datadir>/api-secret, created once. Only the
// file's path is ever logged.
func serveSecret(cfg *Config, log *slog.Logger) (string, error) {
	if cfg.APISecret != "" {
		return cfg.APISecret, nil
	}
	path := filepath.Join(cfg.DataDir(), "api-secret")
	b, err := os.ReadFile(path)
	if err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			log.Info("API secret read from file", "path", path)
			return s, nil
		}
		return "", fmt.Errorf("API secret file %s is empty", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read API secret: %w", err)
	}
	var raw [32]byte
	rand.Read(raw[:])
	secret := hex.EncodeToString(raw[:])
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("create API secret: %w", err)
	}
	_, err = f.WriteString(secret + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("write API secret: %w", err)
	}
	log.Info("API secret created", "path", path)
	return secret, nil
}

// handlerDeps is what the HTTP API needs from serve.
type handlerDeps struct {
	db         *store.DB
	engine     *scheduler.Engine
	secret     string
	cfg        *Config
	health     api.HealthSources
	registerer prometheus.Registerer
	gatherer   prometheus.Gatherer
	log        *slog.Logger
}

// buildHandler is serve's HTTP surface: the API of SPEC §5 (api/) with the
// web UI (ui/) mounted on it.
func buildHandler(d handlerDeps) (http.Handler, error) {
	srv, err := api.New(api.Config{
		DB: d.db, Scheduler: d.engine, Secret: d.secret,
		AllowedIPs: d.cfg.AllowedIPs, TrustedProxies: d.cfg.TrustedProxies,
		Sender: d.cfg.Sender, Health: d.health,
		Registerer: d.registerer, Gatherer: d.gatherer, Logger: d.log,
	})
	if err != nil {
		return nil, err
	}
	web, err := ui.New(ui.Config{DB: d.db, Scheduler: d.engine, Guard: srv, Secret: d.secret,
		Sender: d.cfg.Sender, Status: uiStatus(d.health), Logger: d.log})
	if err != nil {
		return nil, err
	}
	srv.MountUI(web)
	return srv, nil
}

// uiStatus shows the UI what /health reports.
func uiStatus(h api.HealthSources) ui.Status {
	st := ui.Status{LastBackup: h.LastBackup}
	if h.WhatsApp != nil {
		st.WhatsApp = func() (string, string) {
			s := h.WhatsApp()
			return s.State, s.Reason
		}
	}
	if h.Replication != nil {
		st.Replication = func() (string, bool, *float64) {
			r := h.Replication()
			return r.Mode, r.Up, r.LagSeconds
		}
	}
	return st
}

// healthSources tells GET /health about WhatsApp, the replicator and the
// last snapshot, which the snapshot job keeps in <datadir>/backups.
func healthSources(sender vpslink.Sender, repl *replication, cfg *Config) api.HealthSources {
	h := api.HealthSources{
		Replication: repl.health,
		LastBackup: func() time.Time {
			t, _ := replicator.LastBackupAt(filepath.Join(cfg.DataDir(), "backups"))
			return t
		},
	}
	if wa, ok := sender.(*whatsapp.Client); ok {
		h.WhatsApp = func() api.WhatsAppState {
			state, reason, connected := wa.State()
			return api.WhatsAppState{State: state, Reason: reason, Connected: connected}
		}
	}
	return h
}
