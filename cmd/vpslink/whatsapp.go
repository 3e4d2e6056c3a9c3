package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/whatsapp"
)

// openWhatsApp opens the WhatsApp sender over the session store. It does
// not connect: serve starts it once the scheduler can be woken.
func openWhatsApp(ctx context.Context, cfg *Config, db *store.DB, log *slog.Logger, reg prometheus.Registerer) (*sender, error) {
	wa, err := whatsapp.Open(ctx, whatsapp.Options{SessionDB: cfg.SessionDBPath(), DB: db, Logger: log, Registerer: reg})
	if err != nil {
		return nil, err
	}
	return &sender{
		Sender: wa,
		typer:  wa,
		start: func(ctx context.Context, wake func()) {
			wa.OnConnected(wake)
			wa.Start(ctx)
		},
		health: func() api.WhatsAppState {
			state, reason, connected := wa.State()
			return api.WhatsAppState{State: state, Reason: reason, Connected: connected}
		},
		close: func() {
			if err := wa.Close(); err != nil {
				log.Warn("close WhatsApp session", "err", err)
			}
		},
	}, nil
}
