// Package api is vpslink's HTTP API (api/openapi.yaml): the routes the web UI and the
// CLI call, with authentication, strict input, idempotent creation, request
// ids, access logs and Prometheus metrics. Every write goes through the
// store, whose OnWrite hook wakes the scheduler.
package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/store"
)

// Scheduler is the part of the sending engine the API drives.
type Scheduler interface {
	// Notify makes the engine reload its plan from the database.
	Notify()
	// Stop turns the persisted emergency stop on; Start turns it off.
	Stop(ctx context.Context) error
	Start(ctx context.Context) error
	Stopped() bool
	// Problem says what keeps sending from working as it should, or "".
	Problem() string
}

// WhatsAppState is the WhatsApp connection as /health reports it.
type WhatsAppState struct {
	State     string `json:"state"`
	Reason    string `json:"reason"`
	Connected bool   `json:"-"`
}

// ReplicationState is the litestream replica as /health reports it.
type ReplicationState struct {
	// Mode is serve's replicator mode: child (supervised here, so Up is
	// known), external or off.
	Mode       string   `json:"mode,omitempty"`
	Up         bool     `json:"up"`
	LagSeconds *float64 `json:"lag_seconds"`
	Restarts   int      `json:"restarts,omitempty"`
}

// HealthSources report the state of the parts the API does not own. A nil
// function reports "unknown".
type HealthSources struct {
	WhatsApp    func() WhatsAppState
	Replication func() ReplicationState
	// LastBackup returns the time of the last successful snapshot, zero
	// when there is none.
	LastBackup func() time.Time
}

// Config is what New needs.
type Config struct {
	DB        *store.DB
	Scheduler Scheduler
	// Secret is the API secret; it must not be empty.
	Secret string
	// AllowedIPs and TrustedProxies are IPs and CIDRs (the allowed_ips and
	// trusted_proxies keys of docs/configuration.md).
	AllowedIPs     []string
	TrustedProxies []string
	// CORSOrigins are the browser origins ("https://app.example.com")
	// allowed to call the API from a page; "*" allows any. None by default.
	CORSOrigins []string
	// Sender names the sender for /health ("whatsapp", "dryrun").
	Sender string
	Health HealthSources
	// Registerer receives the HTTP metrics; Gatherer is what /metrics
	// serves. Nil means the default registry for both.
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	Logger     *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the API.
type Server struct {
	db           *store.DB
	batch        *store.Batcher
	scheduler    Scheduler
	secretDigest [sha256.Size]byte
	allowed      prefixes
	trusted      prefixes
	origins      []string
	failures     *failureLimiter
	sender       string
	health       HealthSources
	gatherer     prometheus.Gatherer
	metrics      *metrics
	log          *slog.Logger
	now          func() time.Time
	idem         *idempotency
	handler      http.Handler
	router       *mux.Router
	ui           UI
	pages        *pageCache
}

// UI is the web UI, served on the API's listener for the paths it owns.
// Its requests pass the IP allowlist but not the secret check: a browser
// signs in once and holds a session cookie instead.
type UI interface {
	http.Handler
	Owns(path string) bool
}

// MountUI serves ui for the paths it owns; call it before serving.
func (s *Server) MountUI(ui UI) { s.ui = ui }

// Failed authentications a client may make before it is refused, and the
// time in which it regains them.
const (
	authFailureBurst  = 10
	authFailurePeriod = time.Minute
)

// New builds the API from cfg.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil || cfg.Scheduler == nil {
		return nil, errors.New("api: DB and Scheduler are required")
	}
	if cfg.Secret == "" {
		return nil, errors.New("api: the API secret must not be empty")
	}
	s := &Server{
		db:           cfg.DB,
		batch:        store.NewBatcher(cfg.DB),
		scheduler:    cfg.Scheduler,
		secretDigest: sha256.Sum256([]byte(cfg.Secret)),
		failures:     newFailureLimiter(authFailureBurst, authFailurePeriod),
		origins:      normalizeOrigins(cfg.CORSOrigins),
		sender:       cfg.Sender,
		health:       cfg.Health,
		gatherer:     cfg.Gatherer,
		log:          cfg.Logger,
		now:          cfg.Now,
		pages:        newPageCache(),
	}
	var err error
	if s.allowed, err = parsePrefixes("allowed_ips", cfg.AllowedIPs); err != nil {
		return nil, err
	}
	if s.trusted, err = parsePrefixes("trusted_proxies", cfg.TrustedProxies); err != nil {
		return nil, err
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	reg := cfg.Registerer
	if reg == nil {
		reg = prometheus.DefaultRegisterer
	}
	if s.gatherer == nil {
		s.gatherer = prometheus.DefaultGatherer
	}
	if s.metrics, err = newMetrics(reg); err != nil {
		return nil, err
	}
	s.idem = newIdempotency(s)
	s.router = s.routes()
	s.handler = s.withRequestInfo(recoverPanics(s.observe(s.cors(s.authenticate(limitBody(s.router))))))
	return s, nil
}

// ServeHTTP makes the Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ListenAndServe serves h on addr until ctx is cancelled, then shuts down
// gracefully: it stops accepting, lets requests in flight finish for up to
// grace, and returns nil after a clean shutdown.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, grace time.Duration) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", addr, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down %s: %w", addr, err)
	}
	return nil
}

// Router returns the routes, for tools that walk them (the OpenAPI test).
func (s *Server) Router() *mux.Router { return s.router }
