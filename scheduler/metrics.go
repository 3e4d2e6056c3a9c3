package scheduler

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/metric"
	"github.com/vpslink/vpslink/store"
)

type metrics struct {
	sends    *prometheus.CounterVec
	lateness prometheus.Histogram
	missed   prometheus.Counter
	stopped  prometheus.Gauge
	refused  *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, db *store.DB, e *Engine) (*metrics, error) {
	m := &metrics{
		sends: metric.CounterVec("vpslink_sends_total",
			"Sends by kind (message, job) and result (sent, not_sent, failed, unknown).", "kind", "result"),
		lateness: metric.Histogram("vpslink_dispatch_lateness_seconds", "Time from a send's due time to its network call.",
			[]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600}),
		missed: metric.Counter("vpslink_messages_missed_total",
			"Messages and jobs failed because they were due longer ago than the maximum lateness."),
		stopped: metric.Gauge("vpslink_sending_stopped", "1 while the emergency stop is on."),
		refused: metric.CounterVec("vpslink_writes_refused_total",
			"Claims and send outcomes the database refused by its rules (a CHECK, a trigger, a missing column), by kind; each message or job failed with the reason.",
			"kind"),
	}
	for _, kind := range []string{vpslink.SendKindMessage, vpslink.SendKindJob} {
		m.refused.WithLabelValues(kind) // 0 from the start, so increase() sees the first refusal
	}
	if err := metric.Register(reg, "scheduler", m.sends, m.lateness, m.missed, m.stopped, m.refused, &statusCollector{db: db}); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *metrics) setStopped(v bool) {
	if v {
		m.stopped.Set(1)
	} else {
		m.stopped.Set(0)
	}
}

// statusCollector reports row counts by status straight from the database
// at scrape time, so the gauges are true whatever process wrote the rows.
type statusCollector struct{ db *store.DB }

var (
	messagesDesc = prometheus.NewDesc("vpslink_scheduled_messages", "Scheduled messages by status.", []string{"status"}, nil)
	jobsDesc     = prometheus.NewDesc("vpslink_jobs", "Jobs by status.", []string{"status"}, nil)
)

func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- messagesDesc
	ch <- jobsDesc
}

func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, g := range []struct {
		desc     *prometheus.Desc
		count    func(context.Context) (map[string]int, error)
		statuses []string
	}{
		{messagesDesc, c.db.CountMessagesByStatus, vpslink.MessageStatuses},
		{jobsDesc, c.db.CountJobsByStatus, vpslink.JobStatuses},
	} {
		counts, err := g.count(ctx)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(g.desc, err)
			continue
		}
		for _, s := range g.statuses {
			ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(counts[s]), s)
		}
	}
}
