package replicator

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/internal/metric"
)

// BackupMetrics are the snapshot job's metrics (docs/metrics.md). The replicate
// process registers them; serve merges them into its /metrics.
type BackupMetrics struct {
	LastSuccess prometheus.Gauge     // time of the newest uploaded snapshot
	Backups     *prometheus.GaugeVec // snapshots kept per tier, and tier="total"
	QueueLength prometheus.Gauge     // local snapshots not yet uploaded
	LastSize    prometheus.Gauge     // compressed size of the newest snapshot
	LastVerify  *prometheus.GaugeVec // 1 if the last verification passed, 0 if not; absent before the first
}

// NewBackupMetrics creates the metrics and registers them with reg.
func NewBackupMetrics(reg prometheus.Registerer) *BackupMetrics {
	m := &BackupMetrics{
		LastSuccess: metric.Gauge("vpslink_backup_last_success_timestamp_seconds",
			"Time of the newest snapshot uploaded to the snapshot target."),
		Backups: metric.GaugeVec("vpslink_backups",
			"Snapshots on the target kept by each retention tier as of the last retention run; tier=\"total\" counts all kept.", "tier"),
		QueueLength: metric.Gauge("vpslink_backup_queue_length", "Local snapshots waiting to be uploaded."),
		LastSize:    metric.Gauge("vpslink_backup_last_size_bytes", "Compressed size of the newest snapshot taken."),
		// No labels: a vector stays absent until the first verification,
		// where a plain gauge would claim a failure (0) from the start.
		LastVerify: metric.GaugeVec("vpslink_backup_last_verify_success",
			"1 if the last snapshot verification passed, 0 if it failed."),
	}
	reg.MustRegister(m.LastSuccess, m.Backups, m.QueueLength, m.LastSize, m.LastVerify)
	return m
}

// observeRetention sets vpslink_backups from a prune's decisions.
func (m *BackupMetrics) observeRetention(decisions []Decision) {
	counts := map[string]int{"total": 0}
	for _, tier := range tierNames {
		counts[tier] = 0
	}
	for _, d := range decisions {
		if !d.Keep {
			continue
		}
		counts["total"]++
		for _, tier := range d.Reasons {
			counts[tier]++
		}
	}
	for tier, n := range counts {
		m.Backups.WithLabelValues(tier).Set(float64(n))
	}
}
