package ui

import (
	"fmt"
	"time"
)

// replication reports the replicator's mode, whether it is up, its lag as
// text and the time of the last snapshot (zero: none).
func (h *Handler) replication() (mode string, up bool, lag string, lastSnapshot time.Time) {
	mode, lag = "unknown", "unknown"
	if h.status.Replication != nil {
		var secs *float64
		mode, up, secs = h.status.Replication()
		if secs != nil {
			lag = fmt.Sprintf("%.1f s", *secs)
		}
	}
	if h.status.LastBackup != nil {
		lastSnapshot = h.status.LastBackup()
	}
	return mode, up, lag, lastSnapshot
}
