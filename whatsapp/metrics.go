package whatsapp

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the WhatsApp side's own series; the scheduler counts sends by
// kind in vpslink_sends_total, this package by what WhatsApp answered.
type metrics struct {
	connected prometheus.Gauge
	sends     *prometheus.CounterVec
	receipts  *prometheus.CounterVec
	incoming  prometheus.Counter
	stored    prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vpslink_whatsapp_connected",
			Help: "1 while connected and logged in to WhatsApp, else 0.",
		}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpslink_whatsapp_sends_total",
			Help: "WhatsApp sends by result (sent, not_sent, invalid_recipient, unknown).",
		}, []string{"result"}),
		receipts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpslink_whatsapp_receipts_total",
			Help: "WhatsApp receipts by type (delivered, read, own, retry, ...).",
		}, []string{"type"}),
		incoming: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vpslink_whatsapp_incoming_messages_total",
			Help: "Live WhatsApp messages received with readable content.",
		}),
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vpslink_whatsapp_stored_messages_total",
			Help: "Messages newly written to the chat history (live, history sync and own sends).",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.connected, m.sends, m.receipts, m.incoming, m.stored} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register whatsapp metrics: %w", err)
		}
	}
	return m, nil
}
