package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/store"
)

// writer is an open database for one CLI write.
type writer struct {
	db  *store.DB
	cfg *Config
}

// write opens the existing database, runs fn, closes the database and, when
// something was written, tells a running service to re-plan.
func (a *app) write(cmd *cobra.Command, fn func(w *writer) error) error {
	db, cfg, err := a.openWrite(cmd.Context())
	if err != nil {
		return err
	}
	wrote := false
	db.OnWrite(func() { wrote = true })
	err = fn(&writer{db: db, cfg: cfg})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil && wrote {
		notifyService(cmd.Context(), cfg)
	}
	return err
}

// notifyService asks a running `vpslink serve` to reload its schedule. It is
// best effort: the service also notices other processes' writes by itself.
func notifyService(ctx context.Context, cfg *Config) {
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if resp, err := callService(ctx, cfg, http.MethodPost, "/scheduler/refresh"); err == nil {
		resp.Body.Close()
	}
}

// callService sends an authenticated request to the service on cfg.Listen.
func callService(ctx context.Context, cfg *Config, method, path string) (*http.Response, error) {
	secret, err := apiSecret(cfg)
	if err != nil {
		return nil, err
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", cfg.Listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+net.JoinHostPort(host, port)+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-API-Secret", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no answer on %s", cfg.Listen)
	}
	return resp, nil
}

// apiSecret returns the configured secret, else the one serve generated in
// the data directory.
func apiSecret(cfg *Config) (string, error) {
	if cfg.APISecret != "" {
		return cfg.APISecret, nil
	}
	b, err := os.ReadFile(filepath.Join(cfg.DataDir(), "api-secret"))
	if err != nil {
		return "", fmt.Errorf("no API secret configured and none in the data directory")
	}
	return strings.TrimSpace(string(b)), nil
}

func joinList(l []string) string { return strings.Join(l, ", ") }
