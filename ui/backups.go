package ui

import (
	"net/http"
	"time"
)

type backupsPage struct {
	Now        time.Time
	Mode       string
	Up         bool
	Lag        string
	LastBackup time.Time
	Configured bool
	Target     string
	Snapshots  []Snapshot
	Result     string // what "back up now" or "verify" did
	Error      string
}

func (h *Handler) backupsData(r *http.Request) backupsPage {
	p := backupsPage{Now: h.now(), Configured: h.snapshots != nil}
	p.Mode, p.Up, p.Lag, p.LastBackup = h.replication()
	if h.snapshots == nil {
		return p
	}
	p.Target = h.snapshots.Target()
	var err error
	if p.Snapshots, err = h.snapshots.List(r.Context()); err != nil {
		p.Error = "Listing the snapshots failed: " + err.Error()
	}
	return p
}

// backups shows the replica, the last snapshot and the snapshot list.
func (h *Handler) backups(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "backups", "Backups", h.backupsData(r))
}

// backupNow takes a snapshot while the person waits: seconds for a
// database of some megabytes.
func (h *Handler) backupNow(w http.ResponseWriter, r *http.Request) {
	h.backupAction(w, r, func() (string, error) {
		s, err := h.snapshots.BackupNow(r.Context())
		return "Snapshot " + s.Key + " taken and uploaded.", err
	})
}

func (h *Handler) verifyBackup(w http.ResponseWriter, r *http.Request) {
	key := r.PostFormValue("key")
	if key == "" {
		key = "latest"
	}
	h.backupAction(w, r, func() (string, error) { return h.snapshots.Verify(r.Context(), key) })
}

// backupAction runs act and shows the page with its result. Errors of the
// snapshot job name paths and buckets, never credentials, so they are
// shown as they are.
func (h *Handler) backupAction(w http.ResponseWriter, r *http.Request, act func() (string, error)) {
	if h.snapshots == nil {
		h.render(w, r, http.StatusConflict, "backups", "Backups", h.backupsData(r))
		return
	}
	result, err := act()
	p := h.backupsData(r)
	status := http.StatusOK
	if err != nil {
		p.Error, status = err.Error(), http.StatusBadGateway
		h.log.Warn("ui backup action failed", "path", r.URL.Path, "err", err)
	} else {
		p.Result = result
	}
	h.render(w, r, status, "backups", "Backups", p)
}
