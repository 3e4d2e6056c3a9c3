package whatsapp

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/internal/metric"
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
		connected: metric.Gauge("vpslink_whatsapp_connected", "1 while connected and logged in to WhatsApp, else 0."),
		sends: metric.CounterVec("vpslink_whatsapp_sends_total",
			"WhatsApp sends by result (sent, not_sent, invalid_recipient, unknown).", "result"),
		receipts: metric.CounterVec("vpslink_whatsapp_receipts_total",
			"WhatsApp receipts by type (delivered, read, own, retry, ...).", "type"),
		incoming: metric.Counter("vpslink_whatsapp_incoming_messages_total",
			"Live WhatsApp messages received with readable content."),
		stored: metric.Counter("vpslink_whatsapp_stored_messages_total",
			"Messages newly written to the chat history (live, history sync and own sends)."),
	}
	if err := metric.Register(reg, "whatsapp", m.connected, m.sends, m.receipts, m.incoming, m.stored); err != nil {
		return nil, err
	}
	return m, nil
}
