// Package ui is vpslink's web UI: server-rendered pages for scheduling,
// watching and recovering, served by `vpslink serve` on the API's listener.
// Pages are html/template files and a little vendored htmx, all embedded in
// the binary so that nothing is fetched from outside and nothing needs Node
// to build. A person signs in with the API secret and gets a session cookie;
// every change goes through the same domain rules and store methods as the
// HTTP API.
package ui

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/vpslink/vpslink/store"
)

// Scheduler is the part of the sending engine the UI drives.
type Scheduler interface {
	Notify()
	Stop(ctx context.Context) error
	Start(ctx context.Context) error
	Stopped() bool
}

// Guard is what the API knows about a request's origin: the client address
// the allowlist applied to and whether it came over TLS (directly or via a
// trusted proxy's X-Forwarded-Proto).
type Guard interface {
	ClientAddr(r *http.Request) netip.Addr
	ForwardedTLS(r *http.Request) bool
}

// Status reports the parts of the service the UI shows but does not own.
// A nil function reports "unknown".
type Status struct {
	// WhatsApp returns the connection state and the reason for it.
	WhatsApp func() (state, reason string)
	// Replication returns the replicator mode, whether it is up and its
	// lag; lag is nil when unknown.
	Replication func() (mode string, up bool, lag *float64)
	// LastBackup returns the time of the last successful snapshot.
	LastBackup func() time.Time
}

// WhatsApp links and unlinks the account while the service runs; nil
// with the dry-run sender.
type WhatsApp interface {
	// Pair starts a link: QR codes, or a pairing code for phone.
	Pair(phone string) error
	Pairing() Pairing
	Unlink(ctx context.Context) error
}

// Pairing is a link in progress, as the WhatsApp page shows it.
type Pairing struct {
	Active bool
	QRPNG  []byte // the QR code to scan now, as a PNG
	Phone  string // the number a pairing code is for
	Code   string
	Linked bool // scanned; the first connection is being made
	Err    string
}

// Backups are the database's snapshots: nil when none are configured.
type Backups interface {
	// Target names where the snapshots go (no credentials).
	Target() string
	// List returns the snapshots, newest first, with the retention tiers
	// that keep each.
	List(ctx context.Context) ([]Snapshot, error)
	// BackupNow takes a snapshot, uploads it and applies retention.
	BackupNow(ctx context.Context) (Snapshot, error)
	// Verify downloads a snapshot ("latest" or a key) and checks it
	// completely; it returns what was checked.
	Verify(ctx context.Context, key string) (string, error)
}

// Snapshot is one snapshot as the backups page lists it.
type Snapshot struct {
	Key   string
	Time  time.Time
	Size  int64
	Tiers []string
	Keep  bool // false: the next prune deletes it
}

// Config is what New needs.
type Config struct {
	DB        *store.DB
	Scheduler Scheduler
	Guard     Guard
	// Secret is what a person types to sign in (the API secret).
	Secret string
	// Sender names the sender ("whatsapp", "dryrun").
	Sender string
	Status Status
	// WhatsApp is nil with the dry-run sender.
	WhatsApp WhatsApp
	// Backups is nil when snapshots are not configured.
	Backups Backups
	// IdleTimeout ends a session nobody used for that long; zero means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	Logger      *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultIdleTimeout is how long an unused session lasts.
const DefaultIdleTimeout = 30 * time.Minute

// Handler serves the UI.
type Handler struct {
	db        *store.DB
	scheduler Scheduler
	guard     Guard
	sender    string
	status    Status
	whatsApp  WhatsApp
	snapshots Backups
	sessions  *sessions
	logins    *loginLimiter
	pages     *pages
	once      *formOnce
	static    *staticFiles
	log       *slog.Logger
	now       func() time.Time
	mux       *http.ServeMux
}

// New builds the UI.
func New(cfg Config) (*Handler, error) {
	if cfg.DB == nil || cfg.Scheduler == nil || cfg.Guard == nil {
		return nil, errors.New("ui: DB, Scheduler and Guard are required")
	}
	if cfg.Secret == "" {
		return nil, errors.New("ui: the secret must not be empty")
	}
	h := &Handler{db: cfg.DB, scheduler: cfg.Scheduler, guard: cfg.Guard, sender: cfg.Sender,
		status: cfg.Status, whatsApp: cfg.WhatsApp, snapshots: cfg.Backups, log: cfg.Logger, now: cfg.Now}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	idle := cfg.IdleTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	h.sessions = newSessions(cfg.Secret, idle, h.now)
	h.logins = newLoginLimiter(h.now)
	h.once = newFormOnce(h.now)
	var err error
	if h.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if h.pages, err = loadPages(h.static); err != nil {
		return nil, err
	}
	h.mux = h.routes()
	return h, nil
}

// prefixes are the paths the UI owns on the API's listener; the API keeps
// /api, /health, /healthz, /metrics and /scheduler.
var prefixes = []string{"/login", "/logout", "/messages", "/contacts", "/jobs", "/templates", "/chats", "/whatsapp",
	"/backups", "/settings", "/static/", "/ui/", "/favicon.ico"}

// Owns reports whether path is one of the UI's.
func (h *Handler) Owns(path string) bool {
	if path == "/" {
		return true
	}
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

// ServeHTTP makes the Handler an http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w)
	h.mux.ServeHTTP(w, r)
}
