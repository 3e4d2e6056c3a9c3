package ui

import (
	"net/http"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// dashboardPage is everything the dashboard shows; the live part is
// polled as a fragment so that sends and progress appear without a reload.
type dashboardPage struct {
	Now      time.Time
	Counts   map[string]int
	Total    int
	Upcoming []*vpslink.ScheduledMessage
	Jobs     []*vpslink.Job
	Stopped  bool
	Sender   string
	WhatsApp string
	WAReason string
	ReplMode string
	ReplUp   bool
	ReplLag  string
	LastSnap time.Time
	// Review is the post-restore review, nil when none is pending.
	Review *store.RestoreReview
}

// upcomingShown is how many of the next messages due the dashboard lists.
const upcomingShown = 5

func (h *Handler) dashboardData(r *http.Request) (*dashboardPage, error) {
	ctx := r.Context()
	p := &dashboardPage{Now: h.now(), Stopped: h.scheduler.Stopped(), Sender: h.sender}
	var err error
	if p.Counts, err = h.db.CountMessagesByStatus(ctx); err != nil {
		return nil, err
	}
	for _, n := range p.Counts {
		p.Total += n
	}
	if p.Review, err = h.db.RestoreReview(ctx); err != nil {
		return nil, err
	}
	if p.Upcoming, _, err = h.db.ListMessages(ctx, vpslink.MessageFilter{Status: vpslink.MessagePending, Limit: upcomingShown}); err != nil {
		return nil, err
	}
	if p.Jobs, _, err = h.db.ListJobs(ctx, vpslink.JobFilter{Status: vpslink.JobRunning, Limit: 10}); err != nil {
		return nil, err
	}
	p.WhatsApp = "not used"
	if h.status.WhatsApp != nil {
		p.WhatsApp, p.WAReason = h.status.WhatsApp()
	}
	p.ReplMode, p.ReplUp, p.ReplLag, p.LastSnap = h.replication()
	return p, nil
}

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	p, err := h.dashboardData(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "dashboard", "Dashboard", p)
}

// dashboardLive is the dashboard's polled part.
func (h *Handler) dashboardLive(w http.ResponseWriter, r *http.Request) {
	p, err := h.dashboardData(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderFragment(w, r, "dashboard", "live", p)
}

// emergencyStop turns sending off or on with the persisted switch the API
// and the CLI use.
func (h *Handler) emergencyStop(w http.ResponseWriter, r *http.Request) {
	var err error
	if r.PostFormValue("stop") == "1" {
		err = h.scheduler.Stop(r.Context())
	} else {
		err = h.scheduler.Start(r.Context())
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	back := localPath(r.PostFormValue("back"))
	if r.Header.Get("HX-Request") != "" {
		w.Header().Set("HX-Redirect", back)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// endReview records that the held messages and jobs of a restore were
// looked at, as `vpslink review done` does.
func (h *Handler) endReview(w http.ResponseWriter, r *http.Request) {
	if _, err := h.db.EndRestoreReview(r.Context()); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
