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
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/internal/tune"
)

func newServeCmd(a *app) *cobra.Command {
	var senderName, listen string
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
				cfg.Sender = senderName
			}
			if cmd.Flags().Changed("listen") {
				cfg.Listen = listen
			}
			if err := cfg.validate(); err != nil {
				return err
			}
			tune.ForService()
			return serve(cmd.Context(), cfg, newLogger(cfg.LogLevel, a.stderr))
		},
	}
	cmd.Flags().StringVar(&senderName, "sender", "", "whatsapp or dryrun (env VPSLINK_SENDER)")
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
func serve(ctx context.Context, cfg *Config, log *slog.Logger) (err error) {
	slog.SetDefault(log)
	s := newService(cfg, log)
	defer func() { err = errors.Join(err, s.Close()) }()
	if err := s.Open(ctx); err != nil {
		return err
	}
	return s.Run(ctx)
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
