package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// stats is GET /api/stats: how many scheduled messages and jobs are in each
// status, every status present even at zero.
type stats struct {
	Messages map[string]int `json:"messages"`
	Jobs     map[string]int `json:"jobs"`
}

func (s *Server) counts(ctx context.Context) (*stats, error) {
	msgs, err := s.db.CountMessagesByStatus(ctx)
	if err != nil {
		return nil, err
	}
	jobs, err := s.db.CountJobsByStatus(ctx)
	if err != nil {
		return nil, err
	}
	return &stats{Messages: withZeros(msgs, vpslink.MessageStatuses), Jobs: withZeros(jobs, vpslink.JobStatuses)}, nil
}

// withZeros adds every status missing from counts at zero.
func withZeros(counts map[string]int, statuses []string) map[string]int {
	for _, status := range statuses {
		counts[status] += 0
	}
	return counts
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request) error {
	if err := parseQuery(r).err; err != nil {
		return err
	}
	st, err := s.counts(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: st})
	return nil
}

// health is GET /health, the seed's bare object without the envelope.
type health struct {
	Status          string `json:"status"`
	Connected       bool   `json:"connected"`
	PendingMessages int    `json:"pendingMessages"`
	PendingJobs     int    `json:"pendingJobs"`
	Sender          string `json:"sender"`
	SendingStopped  bool   `json:"sending_stopped"`
	// SchedulerProblem says why sending does not work as it should (the
	// database refusing a write, steps failing); it makes the status degraded.
	SchedulerProblem string           `json:"scheduler_problem,omitempty"`
	WhatsApp         WhatsAppState    `json:"whatsapp"`
	Replication      ReplicationState `json:"replication"`
	LastBackupAt     *time.Time       `json:"last_backup_at"`
	// RestoreReview is the pending post-restore review, null when none.
	RestoreReview *store.RestoreReview `json:"restore_review"`
	Version       string               `json:"version"`
}

// Health statuses: ok, degraded (running, but something the user should
// look at: WhatsApp disconnected, the replicator down, sending stopped, a
// post-restore review pending, the database refusing the scheduler's
// writes),
// error (the database cannot be read; answered with 503).
const (
	healthOK       = "ok"
	healthDegraded = "degraded"
	healthError    = "error"
)

func (s *Server) healthReport(w http.ResponseWriter, r *http.Request) error {
	if err := parseQuery(r).err; err != nil {
		return err
	}
	h := health{Status: healthOK, Sender: s.sender, Version: vpslink.Version,
		SendingStopped: s.scheduler.Stopped(), SchedulerProblem: s.scheduler.Problem(),
		WhatsApp: WhatsAppState{State: "unknown"}}
	if f := s.health.WhatsApp; f != nil {
		h.WhatsApp = f()
	}
	h.Connected = h.WhatsApp.Connected
	if f := s.health.Replication; f != nil {
		h.Replication = f()
	}
	if f := s.health.LastBackup; f != nil {
		if t := f(); !t.IsZero() {
			t = t.UTC()
			h.LastBackupAt = &t
		}
	}
	status := http.StatusOK
	review, err := s.db.RestoreReview(r.Context())
	h.RestoreReview = review
	if (s.health.WhatsApp != nil && !h.Connected) || h.SendingStopped || h.SchedulerProblem != "" ||
		(h.Replication.Mode == "child" && !h.Replication.Up) || review != nil {
		h.Status = healthDegraded
	}
	if st, cerr := s.counts(r.Context()); err != nil || cerr != nil {
		err = errors.Join(err, cerr)
		logger(r).Error("health: read database", "err", err)
		h.Status, status = healthError, http.StatusServiceUnavailable
	} else {
		h.PendingMessages = st.Messages[vpslink.MessagePending] + st.Messages[vpslink.MessageSending]
		h.PendingJobs = st.Jobs[vpslink.JobPending] + st.Jobs[vpslink.JobRunning] + st.Jobs[vpslink.JobPaused]
	}
	writeJSON(w, r, status, h)
	return nil
}

// healthz is the liveness probe: no authentication, no data.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeBody(w, http.StatusOK, []byte("{\"status\":\"ok\"}\n"))
	return nil
}

// schedulerReply is the seed's answer to the scheduler routes.
type schedulerReply struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

type sendingState struct {
	Stopped bool `json:"sending_stopped"`
}

func (s *Server) schedulerRefresh(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(r); err != nil {
		return err
	}
	s.scheduler.Notify()
	writeJSON(w, r, http.StatusOK, schedulerReply{Success: true, Message: "Scheduler state refreshed"})
	return nil
}

// schedulerSwitch is the emergency stop (fn = Stop) or its release.
func (s *Server) schedulerSwitch(fn func(context.Context) error, msg string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := decodeEmpty(r); err != nil {
			return err
		}
		if err := fn(r.Context()); err != nil {
			return err
		}
		writeJSON(w, r, http.StatusOK, schedulerReply{Success: true, Message: msg, Data: sendingState{Stopped: s.scheduler.Stopped()}})
		return nil
	}
}

// reviewEnded is the answer of POST /api/restore-review/done.
type reviewEnded struct {
	Ended bool `json:"ended"`
}

// endRestoreReview is POST /api/restore-review/done: the user has checked
// what a restore held back (docs/restores.md). Ending no review is not an
// error: ended says whether one was pending.
func (s *Server) endRestoreReview(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(r); err != nil {
		return err
	}
	ended, err := s.db.EndRestoreReview(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: reviewEnded{Ended: ended}})
	return nil
}
