package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/store"
)

// dryRunDelayEnv slows every dry-run send by a duration ("300ms"). It stands
// in for a slow network so that crash tests can kill the service mid-send;
// it has no effect on the WhatsApp sender.
const dryRunDelayEnv = "VPSLINK_DRYRUN_DELAY"

// sender is the configured sender with what serve does around it, so that
// serve never needs to know which sender it runs.
type sender struct {
	vpslink.Sender
	// typer shows "typing..." before automatic-mode job parts; nil for the
	// dry run, whose log records the typing time instead.
	typer scheduler.Typer
	// start begins the sender's background work; it calls wake when sends
	// that waited may go now. The dry run has none.
	start func(ctx context.Context, wake func())
	// health is the WhatsApp connection for GET /health; nil for the dry run.
	health func() api.WhatsAppState
	close  func()
}

// newSender builds the configured sender.
func newSender(ctx context.Context, cfg *Config, db *store.DB, log *slog.Logger, reg prometheus.Registerer) (*sender, error) {
	switch cfg.Sender {
	case "dryrun":
		return openDryRun(cfg)
	case "whatsapp":
		return openWhatsApp(ctx, cfg, db, log, reg)
	}
	return nil, fmt.Errorf("sender: %q is not whatsapp or dryrun", cfg.Sender)
}

// openDryRun opens the dry-run log as the sender.
func openDryRun(cfg *Config) (*sender, error) {
	s, err := scheduler.NewDryRunSender(cfg.DryRunLogPath(), nil)
	if err != nil {
		return nil, err
	}
	if v := os.Getenv(dryRunDelayEnv); v != "" {
		if s.Delay, err = time.ParseDuration(v); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s: %q is not a duration", dryRunDelayEnv, v)
		}
	}
	return &sender{Sender: s, start: func(context.Context, func()) {}, close: func() { s.Close() }}, nil
}
