package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/replicator"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/ui"
	"github.com/vpslink/vpslink/whatsapp"
)

// service is `vpslink serve`: Open opens its components in order, Run sends
// and serves until its context ends, and Close releases what Open opened,
// in reverse order. The end-to-end tests drive this same value.
type service struct {
	cfg *Config
	log *slog.Logger

	// Set by Open, each by its own step.
	db       *store.DB
	secret   string
	registry *prometheus.Registry
	sender   *sender
	engine   *scheduler.Engine
	repl     *replication
	ln       net.Listener
	http     *http.Server

	closers []func() error // in opening order
}

func newService(cfg *Config, log *slog.Logger) *service {
	return &service{cfg: cfg, log: log}
}

// Open opens the components. A new component is one more step here, and
// one more closer if it holds anything. After an error, Close still
// releases what the earlier steps opened.
func (s *service) Open(ctx context.Context) error {
	steps := []func(context.Context) error{
		s.checkListen,
		s.lockDatabase,
		s.openStore,
		s.startInstance,
		s.openSecret,
		s.openMetrics,
		s.startReplication,
		s.openSender,
		s.openEngine,
		s.startSender,
		s.openHTTP,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// onClose registers fn for Close.
func (s *service) onClose(fn func() error) { s.closers = append(s.closers, fn) }

// Close releases the components in reverse order: the sender stops after
// the engine's last send, the replicator after the sender's last write
// (WhatsApp records what its event worker still holds), the lock after the
// database is closed.
func (s *service) Close() error {
	var errs []error
	for _, fn := range slices.Backward(s.closers) {
		errs = append(errs, fn())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// checkListen refuses, before anything is created, a listener other
// machines can reach while no secret was configured.
func (s *service) checkListen(context.Context) error {
	if s.cfg.APISecret == "" && !isLoopback(s.cfg.Listen) {
		return fmt.Errorf("listen address %s is not loopback: set VPSLINK_API_SECRET (or api_secret) first", s.cfg.Listen)
	}
	return nil
}

func (s *service) lockDatabase(context.Context) error {
	if err := os.MkdirAll(s.cfg.DataDir(), 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	unlock, err := lockDatabase(s.cfg.DB)
	if err != nil {
		return err
	}
	s.onClose(func() error { unlock(); return nil })
	return nil
}

func (s *service) openStore(ctx context.Context) error {
	db, err := openStore(ctx, s.cfg, store.Open)
	if err != nil {
		return err
	}
	s.db = db
	s.onClose(db.Close)
	for _, change := range db.MigrateReport() {
		s.log.Warn("database adopted", "change", change)
	}
	if err := db.ReserveWAL(ctx); err != nil {
		// Only commits' speed depends on it.
		s.log.Warn("WAL not reserved", "err", err)
	}
	return nil
}

// startInstance holds for review what a restored database may already have
// sent, before the engine could send it again.
func (s *service) startInstance(ctx context.Context) error {
	stop, err := startInstance(ctx, s.db, s.log)
	if err != nil {
		return err
	}
	s.onClose(func() error { stop(); return nil })
	return nil
}

func (s *service) openSecret(context.Context) (err error) {
	s.secret, err = serveSecret(s.cfg, s.log)
	return err
}

func (s *service) openMetrics(context.Context) error {
	s.registry = prometheus.NewRegistry()
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		store.NewSizeCollector(s.db), store.NewReviewCollector(s.db))
	return nil
}

func (s *service) openSender(ctx context.Context) error {
	snd, err := newSender(ctx, s.cfg, s.db, s.log, s.registry)
	if err != nil {
		return err
	}
	s.sender = snd
	s.onClose(func() error { snd.close(); return nil })
	return nil
}

func (s *service) openEngine(context.Context) error {
	engine, err := scheduler.New(scheduler.Config{
		DB: s.db, Sender: s.sender, Typer: s.sender.typer, Logger: s.log, Registerer: s.registry,
		SafetyPoll: s.cfg.SafetyPoll.Duration, MaxLateness: s.cfg.MaxLateness.Duration,
		GapJitter: s.cfg.GapJitter.Duration,
	})
	if err != nil {
		return err
	}
	s.engine = engine
	return nil
}

// startSender connects the sender in the background. It outlives Run's
// context: the sender's closer stops it, after the engine's last send.
func (s *service) startSender(ctx context.Context) error {
	// Sends that came due while offline stayed pending: go at once.
	s.sender.start(context.WithoutCancel(ctx), s.engine.Notify)
	return nil
}

// startReplication supervises `vpslink replicate` in child mode until Close.
func (s *service) startReplication(ctx context.Context) error {
	s.repl = startReplication(ctx, s.cfg, s.log)
	s.onClose(func() error { s.repl.stop(); return nil })
	return nil
}

func (s *service) openHTTP(context.Context) error {
	h, err := s.handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	s.ln = ln
	// Run's shutdown closes the listener; this covers an Open without Run.
	s.onClose(func() error {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			return err
		}
		return nil
	})
	s.http = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return nil
}

// handler is everything served on the API's listener: the HTTP API (api/)
// with the web UI (ui/) mounted on it. Another surface on the same port is
// mounted here too.
func (s *service) handler() (http.Handler, error) {
	health := s.health()
	srv, err := api.New(api.Config{
		DB: s.db, Scheduler: s.engine, Secret: s.secret,
		AllowedIPs: s.cfg.AllowedIPs, TrustedProxies: s.cfg.TrustedProxies,
		CORSOrigins: s.cfg.CORSAllowedOrigins,
		Sender:      s.cfg.Sender, Health: health,
		Registerer: s.registry, Gatherer: s.gatherer(), Logger: s.log,
	})
	if err != nil {
		return nil, err
	}
	cfg := ui.Config{DB: s.db, Scheduler: s.engine, Guard: srv, Secret: s.secret,
		Sender: s.cfg.Sender, Status: uiStatus(health), Logger: s.log}
	if wa, ok := s.sender.Sender.(*whatsapp.Client); ok {
		cfg.WhatsApp = uiWhatsApp{wa}
	}
	// The snapshot job itself runs in `vpslink replicate`; the UI takes
	// and verifies snapshots on demand, as `vpslink backup` does.
	if snap, err := snapshotter(s.cfg, "", prometheus.NewRegistry(), s.log); err == nil {
		cfg.Backups = uiBackups{snap}
	} else {
		s.log.Info("the web UI's backups page has no snapshots", "err", err)
	}
	web, err := ui.New(cfg)
	if err != nil {
		return nil, err
	}
	srv.MountUI(web)
	return srv, nil
}

// uiWhatsApp lets the UI pair and unlink the service's WhatsApp client.
type uiWhatsApp struct{ c *whatsapp.Client }

func (w uiWhatsApp) Pair(phone string) error          { return w.c.Pair(phone) }
func (w uiWhatsApp) Unlink(ctx context.Context) error { return w.c.Unlink(ctx) }
func (w uiWhatsApp) Pairing() ui.Pairing {
	p := w.c.Pairing()
	out := ui.Pairing{Active: p.Active, Phone: p.Phone, Code: p.Code, Linked: p.Linked, Err: p.Err}
	if p.QR != "" {
		out.QRPNG, _ = whatsapp.QRImage(p.QR) // an unrenderable code shows as "waiting"
	}
	return out
}

// uiBackups lets the UI list, take and verify snapshots.
type uiBackups struct{ s *replicator.Snapshotter }

func (b uiBackups) Target() string { return b.s.Target.String() }

func (b uiBackups) List(ctx context.Context) ([]ui.Snapshot, error) {
	decisions, err := b.s.Prune(ctx, b.s.Now(), true)
	if err != nil {
		return nil, err
	}
	out := make([]ui.Snapshot, 0, len(decisions))
	for _, d := range decisions {
		out = append(out, ui.Snapshot{Key: d.Key, Time: d.Time, Size: d.Size, Tiers: d.Reasons, Keep: d.Keep})
	}
	slices.SortFunc(out, func(a, b ui.Snapshot) int { return b.Time.Compare(a.Time) })
	return out, nil
}

func (b uiBackups) BackupNow(ctx context.Context) (ui.Snapshot, error) {
	meta, err := b.s.Backup(ctx)
	return ui.Snapshot{Key: meta.Key, Time: meta.Time, Size: meta.Size}, err
}

func (b uiBackups) Verify(ctx context.Context, key string) (string, error) {
	meta, err := replicator.VerifySnapshot(ctx, b.s.Target, key, b.s.QueueDir)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is good: sha256 %s, integrity ok, schema version %d, row counts match (%d tables).",
		meta.Key, meta.SHA256, meta.SchemaVersion, len(meta.RowCounts)), nil
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

// gatherer is every metric serve exposes: its own and the replicator's.
func (s *service) gatherer() prometheus.Gatherer { return s.repl.gatherer(s.registry) }

// health tells GET /health about WhatsApp (nil for the dry run), the
// replicator and the last snapshot, which the snapshot job keeps in
// <datadir>/backups.
func (s *service) health() api.HealthSources {
	return api.HealthSources{
		WhatsApp:    s.sender.health,
		Replication: s.repl.health,
		LastBackup: func() time.Time {
			t, _ := replicator.LastBackupAt(filepath.Join(s.cfg.DataDir(), "backups"))
			return t
		},
	}
}

// Run serves HTTP and runs the engine until ctx ends or either fails, then
// lets the in-flight send finish and be recorded before it returns.
func (s *service) Run(ctx context.Context) error {
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	if s.cfg.MetricsListen != "" {
		go func() {
			if err := api.ListenAndServe(runCtx, s.cfg.MetricsListen, api.MetricsHandler(s.gatherer()), 5*time.Second); err != nil {
				s.log.Error("metrics listener", "err", err)
			}
		}()
	}
	httpDone := make(chan error, 1)
	go func() { httpDone <- s.http.Serve(s.ln) }()
	s.log.Info("vpslink serving", "version", vpslink.Version, "listen", s.ln.Addr().String(), "db", s.cfg.DB, "sender", s.cfg.Sender)

	engineDone := make(chan error, 1)
	go func() { engineDone <- s.engine.Run(runCtx) }()

	var runErr error
	select {
	case <-ctx.Done():
		s.log.Info("shutting down")
	case runErr = <-engineDone:
		engineDone <- runErr
	case err := <-httpDone:
		runErr = fmt.Errorf("http server: %w", err)
	}
	stopRun()
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.http.Shutdown(shutCtx); err != nil {
		s.log.Warn("http shutdown", "err", err)
	}
	// The engine returns once the in-flight send is finished and recorded.
	if err := <-engineDone; err != nil && runErr == nil {
		runErr = err
	}
	s.log.Info("stopped")
	return runErr
}
