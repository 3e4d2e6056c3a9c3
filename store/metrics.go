package store

import (
	"context"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// sizeCollector reports the database and WAL file sizes at scrape time, so
// that growth (a checkpoint that never runs, a runaway import) is visible.
type sizeCollector struct {
	path    string
	db, wal *prometheus.Desc
}

// NewSizeCollector returns a collector of vpslink_database_size_bytes and
// vpslink_wal_size_bytes for db.
func NewSizeCollector(db *DB) prometheus.Collector {
	return &sizeCollector{
		path: db.path,
		db:   prometheus.NewDesc("vpslink_database_size_bytes", "Size of the SQLite database file.", nil, nil),
		wal:  prometheus.NewDesc("vpslink_wal_size_bytes", "Size of the SQLite write-ahead log.", nil, nil),
	}
}

func (c *sizeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.db
	ch <- c.wal
}

func (c *sizeCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(c.db, prometheus.GaugeValue, fileSize(c.path))
	ch <- prometheus.MustNewConstMetric(c.wal, prometheus.GaugeValue, fileSize(c.path+"-wal"))
}

// fileSize returns a file's size, 0 when it does not exist (a WAL right
// after a truncating checkpoint).
func fileSize(path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return float64(fi.Size())
}

// reviewCollector reports the post-restore review at scrape time, so that an
// alert can fire while held messages wait for the user.
type reviewCollector struct {
	db    *DB
	items *prometheus.Desc
}

// NewReviewCollector returns a collector of vpslink_restore_review_items:
// how many messages and jobs a post-restore review holds, 0 when none is
// pending.
func NewReviewCollector(db *DB) prometheus.Collector {
	return &reviewCollector{db: db, items: prometheus.NewDesc("vpslink_restore_review_items",
		"Messages and jobs held by a pending post-restore review (0: none pending).", nil, nil)}
}

func (c *reviewCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.items }

func (c *reviewCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := c.db.RestoreReview(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.items, err)
		return
	}
	n := 0
	if r != nil {
		n = r.Items()
	}
	ch <- prometheus.MustNewConstMetric(c.items, prometheus.GaugeValue, float64(n))
}
