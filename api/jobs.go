package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// jobInput is the body of POST /api/jobs. message_parts and config keep the
// seed's camelCase inner fields, exactly as stored.
type jobInput struct {
	Title            string                   `json:"title"`
	ScheduledStartAt string                   `json:"scheduled_start_at"`
	Timezone         string                   `json:"timezone"`
	Recipients       []string                 `json:"recipients"`
	MessageParts     []vpslink.MessagePart    `json:"message_parts"`
	Config           *vpslink.JobConfigUpdate `json:"config"`
}

// jobPatch is the body of PATCH /api/jobs/{id}.
type jobPatch struct {
	Title            *string                  `json:"title"`
	ScheduledStartAt *string                  `json:"scheduled_start_at"`
	Timezone         *string                  `json:"timezone"`
	Recipients       *[]string                `json:"recipients"`
	MessageParts     *[]vpslink.MessagePart   `json:"message_parts"`
	Config           *vpslink.JobConfigUpdate `json:"config"`
}

// jobDetail is GET /api/jobs/{id}: the job, its progress and what happened
// to each recipient.
type jobDetail struct {
	*vpslink.Job
	Progress jobProgress       `json:"progress"`
	Results  []recipientResult `json:"results"`
	// QuietHours is the window the job's steps wait out, from the
	// settings as they are now; null when quiet hours are off.
	QuietHours *vpslink.QuietWindow `json:"quiet_hours"`
}

type jobProgress struct {
	Recipients int `json:"recipients"`
	Done       int `json:"done"`
	Percent    int `json:"percent"`
}

// recipientResult is one recipient's deliveries, one per part sent or
// attempted, from the delivery ledger.
type recipientResult struct {
	RecipientIndex int                 `json:"recipient_index"`
	Recipient      string              `json:"recipient"`
	Deliveries     []*vpslink.Delivery `json:"deliveries"`
}

func newJobDetail(j *vpslink.Job, deliveries []*vpslink.Delivery, settings vpslink.Settings) *jobDetail {
	d := &jobDetail{Job: j, Results: []recipientResult{}, QuietHours: settings.JobQuietHours()}
	d.Progress.Recipients = len(j.Recipients)
	d.Progress.Done = j.RecipientsSent + j.RecipientsFailed
	if d.Progress.Recipients > 0 {
		d.Progress.Percent = 100 * d.Progress.Done / d.Progress.Recipients
	}
	for i, r := range j.Recipients {
		res := recipientResult{RecipientIndex: i, Recipient: r, Deliveries: []*vpslink.Delivery{}}
		for _, del := range deliveries {
			if del.RecipientIndex == i {
				res.Deliveries = append(res.Deliveries, del)
			}
		}
		d.Results = append(d.Results, res)
	}
	return d
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "status", "limit", "offset")
	f := vpslink.JobFilter{Status: q.str("status")}
	f.Limit, f.Offset = q.paging()
	if q.err != nil {
		return q.err
	}
	key := "/api/jobs?" + url.Values{"status": {f.Status}, "limit": {strconv.Itoa(f.Limit)}, "offset": {strconv.Itoa(f.Offset)}}.Encode()
	version, cacheable, done := s.cachedBody(w, r, key)
	if done {
		return nil
	}
	list, total, err := s.db.ListJobs(r.Context(), f)
	if err != nil {
		return err
	}
	s.writePage(w, r, key, version, cacheable, page{Success: true, Data: list, Total: total, Limit: f.Limit, Offset: f.Offset})
	return nil
}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request) error {
	var in jobInput
	if err := decode(r, &in); err != nil {
		return err
	}
	defaults, _, err := s.db.Settings(r.Context())
	if err != nil {
		return err
	}
	j := &vpslink.Job{Title: in.Title, Recipients: in.Recipients, MessageParts: in.MessageParts, Config: defaults.JobConfig()}
	if in.Config != nil {
		in.Config.Apply(&j.Config)
	}
	if err := s.db.UseTemplates(r.Context(), j.MessageParts); err != nil {
		return err
	}
	if err := j.Validate(); err != nil {
		return err
	}
	at, _, err := s.userTime(r.Context(), "scheduled_start_at", in.ScheduledStartAt, in.Timezone, nil)
	if err != nil {
		return err
	}
	j.ScheduledStartAt = at
	return s.commit(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx) (any, error) {
		if err := tx.CheckJobRenders(ctx, j); err != nil {
			return nil, err
		}
		return j, tx.CreateJob(ctx, j)
	})
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.db.GetJob(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	deliveries, err := s.db.JobDeliveries(r.Context(), j.ID)
	if err != nil {
		return err
	}
	settings, _, err := s.db.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: newJobDetail(j, deliveries, settings)})
	return nil
}

// updateJob edits a job that has not sent anything yet.
func (s *Server) updateJob(w http.ResponseWriter, r *http.Request) error {
	var in jobPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	u := vpslink.JobUpdate{Title: in.Title, Recipients: in.Recipients, MessageParts: in.MessageParts, Config: in.Config}
	if in.ScheduledStartAt != nil {
		at, _, err := s.userTime(r.Context(), "scheduled_start_at", *in.ScheduledStartAt, deref(in.Timezone), nil)
		if err != nil {
			return err
		}
		u.ScheduledStartAt = &at
	} else if in.Timezone != nil {
		return vpslink.FieldError("timezone", "is only used with scheduled_start_at")
	}
	j, err := s.db.UpdateJob(r.Context(), mux.Vars(r)["id"], u)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: j})
	return nil
}

// jobAction is a body-less change of a job's status.
func (s *Server) jobAction(act func(context.Context, string) (*vpslink.Job, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := decodeEmpty(r); err != nil {
			return err
		}
		j, err := act(r.Context(), mux.Vars(r)["id"])
		if err != nil {
			return err
		}
		writeJSON(w, r, http.StatusOK, success{Success: true, Data: j})
		return nil
	}
}
