package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// messageInput is the body of POST /api/messages.
type messageInput struct {
	ToPhone     string `json:"to_phone"`
	Message     string `json:"message"`
	ScheduledAt string `json:"scheduled_at"`
	ContactName string `json:"contact_name"`
	Timezone    string `json:"timezone"`
	Recurrence  string `json:"recurrence"`
	TemplateID  *int64 `json:"template_id"`
}

// messagePatch is the body of PATCH /api/messages/{id}; absent or null
// fields stay as they are.
type messagePatch struct {
	ToPhone     *string `json:"to_phone"`
	Message     *string `json:"message"`
	ScheduledAt *string `json:"scheduled_at"`
	ContactName *string `json:"contact_name"`
	Timezone    *string `json:"timezone"`
	Recurrence  *string `json:"recurrence"`
	TemplateID  *int64  `json:"template_id"`
}

// resendInput is the optional body of POST /api/messages/{id}/resend.
type resendInput struct {
	ScheduledAt string `json:"scheduled_at"`
	Timezone    string `json:"timezone"`
}

// createdFrom marks messages scheduled through the API.
const createdFrom = "api"

// userTime parses a schedule time the client sent: "now", RFC 3339 with an
// offset, or a wall-clock time in the first zone that is known of: the
// request's timezone, then fallback (the message's or the contact's zone).
// A time more than a minute in the past is refused. It returns the zone's
// name it used, if any.
func (s *Server) userTime(ctx context.Context, field, value, timezone string, fallback func(context.Context) string) (time.Time, string, error) {
	loc, err := vpslink.LoadLocation("timezone", timezone)
	if err != nil {
		return time.Time{}, "", err
	}
	now := s.now()
	t, err := vpslink.ParseScheduleTime(field, value, loc, now)
	if err != nil && loc == nil && fallback != nil {
		// Only a wall-clock time without a zone gets here: look one up.
		if loc, _ = vpslink.LoadLocation("timezone", fallback(ctx)); loc != nil {
			t, err = vpslink.ParseScheduleTime(field, value, loc, now)
		}
	}
	if err != nil {
		return time.Time{}, "", err
	}
	if loc == nil {
		return t, "", nil
	}
	return t, loc.String(), nil
}

// contactZone returns a fallback that reads the timezone of the contact
// with phone, if there is one.
func (s *Server) contactZone(phone string) func(context.Context) string {
	return func(ctx context.Context) string {
		c, err := s.db.GetContact(ctx, phone)
		if err != nil {
			return ""
		}
		return c.Timezone
	}
}

// messageZone returns a fallback that reads the zone m's wall-clock times
// are meant in: its recipient timezone, else its contact's.
func (s *Server) messageZone(m *vpslink.ScheduledMessage) func(context.Context) string {
	return func(ctx context.Context) string {
		if m.RecipientTimezone != "" {
			return m.RecipientTimezone
		}
		return s.contactZone(m.ToPhone)(ctx)
	}
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "status", "to", "search", "from", "until", "limit", "offset")
	f := vpslink.MessageFilter{Status: q.str("status"), To: q.str("to"), Search: q.str("search"), From: q.time("from"), Until: q.time("until")}
	f.Limit, f.Offset = q.paging()
	if q.err != nil {
		return q.err
	}
	key := messageListKey(f)
	version, cacheable, done := s.cachedBody(w, r, key)
	if done {
		return nil
	}
	list, total, err := s.db.ListMessages(r.Context(), f)
	if err != nil {
		return err
	}
	s.writeMessagePage(w, r, list, total, f.Limit, f.Offset, key, version, cacheable)
	return nil
}

// messageListKey is f as a list cache key: the same for every request that
// asks for the same rows (times in any offset name the same instant).
func messageListKey(f vpslink.MessageFilter) string {
	v := url.Values{"status": {f.Status}, "to": {f.To}, "search": {f.Search},
		"limit": {strconv.Itoa(f.Limit)}, "offset": {strconv.Itoa(f.Offset)}}
	for name, t := range map[string]*time.Time{"from": f.From, "until": f.Until} {
		if t != nil {
			v.Set(name, t.UTC().Format(time.RFC3339Nano))
		}
	}
	return "/api/messages?" + v.Encode()
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) error {
	var in messageInput
	if err := decode(r, &in); err != nil {
		return err
	}
	// The time is read first because a wall-clock time needs the contact's
	// zone, but its error is reported where Validate checks scheduled_at:
	// after the recipient, the text and the name.
	at, zone, timeErr := s.userTime(r.Context(), "scheduled_at", in.ScheduledAt, in.Timezone, s.contactZone(in.ToPhone))
	if zone == "" && in.Recurrence != "" {
		// A series' occurrences follow the recipient's clock: its contact's
		// zone when the request names none.
		zone = s.contactZone(in.ToPhone)(r.Context())
	}
	m := &vpslink.ScheduledMessage{ToPhone: in.ToPhone, Message: in.Message, ScheduledAt: at,
		ContactName: in.ContactName, RecipientTimezone: zone, CreatedFrom: createdFrom, Recurrence: in.Recurrence,
		TemplateID: in.TemplateID}
	if err := s.db.UseTemplate(r.Context(), m); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		if timeErr != nil && vpslink.ErrorField(err) == "scheduled_at" {
			return timeErr
		}
		return err
	}
	return s.commit(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx) (any, error) {
		if err := tx.CheckMessageRenders(ctx, m); err != nil {
			return nil, err
		}
		return m, tx.CreateMessage(ctx, m)
	})
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.db.GetMessage(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: m})
	return nil
}

// updateMessage edits a pending message. A wall-clock scheduled_at is read
// in the request's timezone, else the message's recipient timezone, else
// its contact's.
func (s *Server) updateMessage(w http.ResponseWriter, r *http.Request) error {
	var in messagePatch
	if err := decode(r, &in); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	cur, err := s.db.GetMessage(r.Context(), id)
	if err != nil {
		return err
	}
	u := vpslink.MessageUpdate{Message: in.Message, ContactName: in.ContactName, ToPhone: in.ToPhone,
		Recurrence: in.Recurrence, TemplateID: in.TemplateID, Scope: r.URL.Query().Get("scope")}
	if in.ScheduledAt != nil {
		at, _, err := s.userTime(r.Context(), "scheduled_at", *in.ScheduledAt, deref(in.Timezone), s.messageZone(cur))
		if err != nil {
			return err
		}
		u.ScheduledAt = &at
	} else if in.Timezone != nil {
		return vpslink.FieldError("timezone", "is only used with scheduled_at")
	}
	m, err := s.db.UpdateMessage(r.Context(), id, u)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: m})
	return nil
}

// cancelMessage is DELETE /api/messages/{id}: the row is kept, cancelled, so
// that the history shows it; a message being sent right now is a conflict.
func (s *Server) cancelMessage(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(r); err != nil {
		return err
	}
	m, err := s.db.CancelMessage(r.Context(), mux.Vars(r)["id"], r.URL.Query().Get("scope"))
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: m})
	return nil
}

// resendMessage is POST /api/messages/{id}/resend: a new pending message with
// the same recipient and text, at scheduled_at (default now), linked to the
// original, which keeps its history. A wall-clock time is read as in PATCH.
func (s *Server) resendMessage(w http.ResponseWriter, r *http.Request) error {
	var in resendInput
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	var at time.Time
	if in.ScheduledAt != "" {
		cur, err := s.db.GetMessage(r.Context(), id)
		if err != nil {
			return err
		}
		if at, _, err = s.userTime(r.Context(), "scheduled_at", in.ScheduledAt, in.Timezone, s.messageZone(cur)); err != nil {
			return err
		}
	} else if in.Timezone != "" {
		return vpslink.FieldError("timezone", "is only used with scheduled_at")
	}
	return s.commit(w, r, http.StatusCreated, func(ctx context.Context, tx *store.Tx) (any, error) {
		return tx.ResendMessage(ctx, id, at, createdFrom)
	})
}
