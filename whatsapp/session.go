package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	_ "github.com/mattn/go-sqlite3" // the session store uses the same SQLite build as the main database
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	waLog "go.mau.fi/whatsmeow/util/log"
)

func init() {
	// The name the phone shows under Linked devices.
	wastore.DeviceProps.Os = ptr("vpslink")
}

func ptr[T any](v T) *T { return &v }

// Session is the whatsmeow session store: the device's keys, in its own
// SQLite file. It is never the main database, which is replicated and
// backed up: these keys let anyone act as the account.
type Session struct {
	path      string
	container *sqlstore.Container
}

// OpenSession opens (creating it with mode 0600) the session store at path.
func OpenSession(ctx context.Context, path string, log *slog.Logger) (*Session, error) {
	if path == "" {
		return nil, fmt.Errorf("whatsapp: no session store path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create session store directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open session store: %w", err)
	}
	f.Close()
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	q.Set("_journal_mode", "WAL")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	c, err := sqlstore.New(ctx, "sqlite3", dsn, waLogger(log, "session"))
	if err != nil {
		return nil, fmt.Errorf("open session store %s: %w", path, err)
	}
	return &Session{path: path, container: c}, nil
}

// Path returns the session store's file.
func (s *Session) Path() string { return s.path }

// Device returns the stored device, or a new unpaired one (ID nil).
func (s *Session) Device(ctx context.Context) (*wastore.Device, error) {
	d, err := s.container.GetFirstDevice(ctx)
	if err != nil {
		return nil, fmt.Errorf("read session store %s: %w", s.path, err)
	}
	return d, nil
}

// Close closes the store.
func (s *Session) Close() error { return s.container.Close() }

// slogLogger adapts slog to whatsmeow's logger. whatsmeow's debug output is
// a protocol trace, so it goes to slog's debug level.
type slogLogger struct{ l *slog.Logger }

func waLogger(l *slog.Logger, module string) waLog.Logger {
	return slogLogger{l: l.With("module", module)}
}

func (s slogLogger) Warnf(msg string, args ...any)  { s.l.Warn(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Errorf(msg string, args ...any) { s.l.Error(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Infof(msg string, args ...any)  { s.l.Info(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Debugf(msg string, args ...any) { s.l.Debug(fmt.Sprintf(msg, args...)) }
func (s slogLogger) Sub(module string) waLog.Logger { return slogLogger{l: s.l.With("sub", module)} }
