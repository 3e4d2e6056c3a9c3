package ui

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
)

// messageTabs are the status tabs of the messages page.
var messageTabs = []string{vpslink.MessagePending, vpslink.MessageSent, vpslink.MessageFailed, vpslink.MessageCancelled}

const messagePageSize = 50

type messagesPage struct {
	Status   string
	Query    string
	Messages []*vpslink.ScheduledMessage
	Pager    pager
	Error    string
	Now      time.Time
	// Self is this page's address, which the list polls to follow sends.
	Self string
}

// messages lists one status tab. The search box finds a part of the text,
// of the recipient's name or aliases, or of the phone number.
func (h *Handler) messages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := messagesPage{Status: q.Get("status"), Query: strings.TrimSpace(q.Get("q")), Now: h.now(), Self: r.URL.RequestURI()}
	if p.Status == "" {
		p.Status = vpslink.MessagePending
	}
	f := vpslink.MessageFilter{Status: p.Status, Search: p.Query, Limit: messagePageSize}
	var page int
	page, f.Offset = pageOf(r, messagePageSize)
	var total int
	var err error
	p.Messages, total, err = h.db.ListMessages(r.Context(), f)
	if err != nil {
		if _, ok := fieldErrors(err); !ok {
			h.serverError(w, r, err)
			return
		}
		p.Error = vpslink.ErrorMessage(err)
	}
	p.Pager = newPager(page, messagePageSize, total, url.Values{"status": {p.Status}, "q": {p.Query}}.Encode())
	h.render(w, r, http.StatusOK, "messages", "Messages", p)
}

// scheduleForm is the schedule form's values as typed, kept as text so
// that a refused form comes back exactly as it was sent.
type scheduleForm struct {
	ID string // set when editing a pending message
	// ResendOf is the failed or cancelled message this form sends again.
	ResendOf string
	To       string
	Name     string // the chosen contact's name, shown beside the field
	Message  string
	Date     string
	Time     string
	Timezone string
	// Repeat is "" or one of vpslink.Repeats: a new message may start a
	// recurring series.
	Repeat string
	// SendNow is the form's "Send now" button: the time fields are ignored.
	SendNow bool
	// TemplateID is the saved template picked ("" for none); Templates
	// are the picker's choices.
	TemplateID string
	Templates  []*vpslink.Template
	// InSeries: the message carries a recurring series, so an edit or a
	// cancel asks for its Scope (vpslink.ScopeOccurrence or ScopeSeries);
	// RepeatNow describes its rule, which Repeat may change ("" keeps it,
	// stopRepeating ends the series after this occurrence).
	InSeries  bool
	RepeatNow string
	Scope     string
	Errors    formErrors
}

// stopRepeating is the repeat choice that ends a series after the message.
const stopRepeating = "none"

// repeatUpdate is the change of rule an edit form asks for, nil for none.
func (f scheduleForm) repeatUpdate() (*string, error) {
	switch f.Repeat {
	case "":
		return nil, nil
	case stopRepeating:
		none := ""
		return &none, nil
	}
	rule, err := vpslink.RepeatRule("repeat", f.Repeat, "")
	return &rule, err
}

// textBox is a form's text area as the picker of saved templates refills it.
type textBox struct{ Text, Error string }

// MessageBox is the form's message field.
func (f scheduleForm) MessageBox() textBox {
	return textBox{Text: f.Message, Error: f.Errors["message"]}
}

// templateRef reads a picked template's id; "" is none.
func templateRef(field, s string) (*int64, error) {
	if s == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, vpslink.FieldError(field, "pick a template from the list")
	}
	return &id, nil
}

// formZone is the zone a form's time is entered in: the recipient's,
// else the default_timezone setting, the zone of recipients without one.
func (h *Handler) formZone(ctx context.Context, zone string) string {
	if zone != "" {
		return zone
	}
	if s, _, err := h.db.Settings(ctx); err == nil && s.DefaultTimezone != "" {
		return s.DefaultTimezone
	}
	return "UTC"
}

// newMessage shows the schedule form, empty or prefilled: ?to= a recipient,
// ?from= a message to send again (its recipient and text, a new time).
func (h *Handler) newMessage(w http.ResponseWriter, r *http.Request) {
	f := scheduleForm{To: r.URL.Query().Get("to")}
	if id := r.URL.Query().Get("from"); id != "" {
		m, err := h.db.GetMessage(r.Context(), id)
		if err != nil {
			h.notFoundOr(w, r, err)
			return
		}
		f.To, f.Name, f.Message, f.Timezone = m.ToPhone, m.ContactName, m.Message, m.RecipientTimezone
		if m.Status == vpslink.MessageFailed || m.Status == vpslink.MessageCancelled {
			f.ResendOf = m.ID
		}
	}
	// The recipient shows as named now (a message sent again may be older
	// than a rename) and, unless the message had one, in its time zone.
	if f.To != "" {
		if c, err := h.db.ResolveRecipient(r.Context(), "to_phone", f.To); err == nil {
			f.Name, f.Timezone = cmp.Or(c.Name, f.Name), cmp.Or(f.Timezone, c.Timezone)
		}
	}
	f.Timezone = h.formZone(r.Context(), f.Timezone)
	f.Templates = h.templateChoices(r.Context())
	h.render(w, r, http.StatusOK, "schedule", "Schedule a message", messagePage{Form: f})
}

func readScheduleForm(r *http.Request) scheduleForm {
	return scheduleForm{ResendOf: r.PostFormValue("resend_of"), To: strings.TrimSpace(r.PostFormValue("to_phone")),
		Message: r.PostFormValue("message"), Date: r.PostFormValue("date"), Time: r.PostFormValue("time"),
		Timezone: strings.TrimSpace(r.PostFormValue("timezone")), Repeat: r.PostFormValue("repeat"),
		SendNow: r.PostFormValue("when") == vpslink.SendNow, TemplateID: r.PostFormValue("template_id"),
		Scope: r.PostFormValue("scope")}
}

// scheduledAt reads the form's date and time as a wall clock in its zone,
// with the rule the API and the CLI use (a time more than a minute before
// now is refused).
func (f scheduleForm) scheduledAt(now time.Time) (time.Time, error) {
	loc, err := vpslink.LoadLocation("timezone", f.Timezone)
	if err != nil {
		return time.Time{}, err
	}
	if loc == nil {
		loc = time.UTC
	}
	if f.SendNow {
		return vpslink.ParseScheduleTime("scheduled_at", vpslink.SendNow, loc, now)
	}
	if f.Date == "" || f.Time == "" {
		return time.Time{}, vpslink.FieldError("scheduled_at", "pick a date and a time")
	}
	return vpslink.ParseScheduleTime("scheduled_at", f.Date+" "+f.Time, loc, now)
}

// createMessage schedules the form's message; a refused form comes back
// with the message next to its field and nothing stored.
func (h *Handler) createMessage(w http.ResponseWriter, r *http.Request) {
	f := readScheduleForm(r)
	m, err := h.scheduleFromForm(r.Context(), &f)
	if err == nil {
		err = h.schedule(r.Context(), f, m)
	}
	if err != nil {
		h.refuse(w, r, err, "schedule", "Schedule a message", func(errs formErrors) any {
			f.Errors, f.Templates = errs, h.templateChoices(r.Context())
			return messagePage{Form: f}
		})
		return
	}
	h.scheduler.Notify()
	http.Redirect(w, r, "/messages?status=pending", http.StatusSeeOther)
}

// schedule stores the form's message. Sent again unchanged, a failed or
// cancelled message is resent, which links the two (as the API's resend
// does); with a new recipient or text it is a new message.
func (h *Handler) schedule(ctx context.Context, f scheduleForm, m *vpslink.ScheduledMessage) error {
	if f.ResendOf != "" {
		orig, err := h.db.GetMessage(ctx, f.ResendOf)
		if err != nil {
			return err
		}
		if orig.ToPhone == m.ToPhone && orig.Message == m.Message {
			_, err := h.db.ResendMessage(ctx, orig.ID, m.ScheduledAt, createdFrom)
			return err
		}
	}
	return h.db.CreateMessage(ctx, m)
}

// scheduleFromForm resolves the recipient and the time and checks the
// message with its own rules.
func (h *Handler) scheduleFromForm(ctx context.Context, f *scheduleForm) (*vpslink.ScheduledMessage, error) {
	c, err := h.db.ResolveRecipient(ctx, "to_phone", f.To)
	if err != nil {
		return nil, err
	}
	f.Name = c.Name
	at, err := f.scheduledAt(h.now())
	if err != nil {
		return nil, err
	}
	zone := f.Timezone
	if c.Timezone == "" && zone == h.formZone(ctx, "") {
		zone = "" // the default's: the store keeps a series' zone
	}
	rule, err := vpslink.RepeatRule("repeat", f.Repeat, "")
	if err != nil {
		return nil, err
	}
	m := &vpslink.ScheduledMessage{ToPhone: c.Phone, ContactName: c.Name, Message: f.Message,
		ScheduledAt: at, RecipientTimezone: zone, CreatedFrom: createdFrom, Recurrence: rule}
	if m.TemplateID, err = templateRef("template_id", f.TemplateID); err != nil {
		return nil, err
	}
	if err := h.db.UseTemplate(ctx, m); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// createdFrom marks messages scheduled in the web UI.
const createdFrom = "ui"

type messagePage struct {
	Message *vpslink.ScheduledMessage
	Form    scheduleForm
	Now     time.Time
}

// message shows one message; a pending one in the edit form.
func (h *Handler) message(w http.ResponseWriter, r *http.Request) {
	m, err := h.db.GetMessage(r.Context(), r.PathValue("id"))
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	p := messagePage{Message: m, Now: h.now(), Form: h.formOf(r.Context(), m)}
	p.Form.Templates = h.templateChoices(r.Context())
	h.render(w, r, http.StatusOK, "message", "Message", p)
}

// formOf fills the schedule form with a message as it is.
func (h *Handler) formOf(ctx context.Context, m *vpslink.ScheduledMessage) scheduleForm {
	zone := h.formZone(ctx, m.RecipientTimezone)
	loc, err := vpslink.LoadLocation("timezone", zone)
	if err != nil || loc == nil {
		loc, zone = time.UTC, "UTC"
	}
	at := m.ScheduledAt.In(loc)
	f := scheduleForm{ID: m.ID, To: m.ToPhone, Name: m.ContactName, Message: m.Message,
		Date: at.Format("2006-01-02"), Time: at.Format("15:04"), Timezone: zone, InSeries: m.Recurrence != "",
		RepeatNow: m.RepeatText()}
	if m.TemplateID != nil {
		f.TemplateID = strconv.FormatInt(*m.TemplateID, 10)
	}
	return f
}

// updateMessage edits a pending message with the store's rules (only a
// pending message can change).
func (h *Handler) updateMessage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	m, err := h.db.GetMessage(r.Context(), id)
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	f := readScheduleForm(r)
	f.ID, f.InSeries, f.RepeatNow = id, m.Recurrence != "", m.RepeatText()
	// The edit form's repeat changes the series' rule; the new message
	// itself is built without it.
	rule, err := f.repeatUpdate()
	repeat := f.Repeat
	f.Repeat = ""
	var next *vpslink.ScheduledMessage
	if err == nil {
		next, err = h.scheduleFromForm(r.Context(), &f)
	}
	f.Repeat = repeat
	if err == nil {
		u := vpslink.MessageUpdate{Message: &next.Message, ScheduledAt: &next.ScheduledAt, ToPhone: &next.ToPhone,
			ContactName: &next.ContactName, TemplateID: next.TemplateID, Scope: f.Scope, Recurrence: rule}
		if rule != nil && m.Recurrence != "" {
			u.Scope = vpslink.ScopeSeries // a rule is the series'
		}
		_, err = h.db.UpdateMessage(r.Context(), id, u)
	}
	if err != nil {
		h.refuse(w, r, err, "message", "Message", func(errs formErrors) any {
			f.Errors, f.Templates = errs, h.templateChoices(r.Context())
			return messagePage{Message: m, Form: f, Now: h.now()}
		})
		return
	}
	h.scheduler.Notify()
	http.Redirect(w, r, "/messages/"+url.PathEscape(id), http.StatusSeeOther)
}

func (h *Handler) cancelMessage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := h.db.CancelMessage(r.Context(), id, r.PostFormValue("scope")); err != nil {
		if _, ok := fieldErrors(err); !ok {
			h.serverError(w, r, err)
			return
		}
		m, gerr := h.db.GetMessage(r.Context(), id)
		if gerr != nil {
			h.notFoundOr(w, r, gerr)
			return
		}
		f := h.formOf(r.Context(), m)
		f.Errors, f.Templates = formErrors{"": vpslink.ErrorMessage(err)}, h.templateChoices(r.Context())
		status := http.StatusConflict
		if vpslink.ErrorCode(err) == vpslink.EINVALID {
			status = http.StatusUnprocessableEntity
		}
		h.render(w, r, status, "message", "Message", messagePage{Message: m, Form: f, Now: h.now()})
		return
	}
	h.scheduler.Notify()
	http.Redirect(w, r, "/messages?status=cancelled", http.StatusSeeOther)
}

// notFoundOr shows a 404 page for unknown ids and a server error otherwise.
func (h *Handler) notFoundOr(w http.ResponseWriter, r *http.Request, err error) {
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND || vpslink.ErrorCode(err) == vpslink.EINVALID {
		h.render(w, r, http.StatusNotFound, "notfound", "Not found", vpslink.ErrorMessage(err))
		return
	}
	h.serverError(w, r, err)
}

type whenPreview struct {
	Their, Yours string
	Error        string
}

// when previews the form's time in the recipient's zone and the
// browser's, which the page sends as ?yours=.
func (h *Handler) when(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := scheduleForm{Date: q.Get("date"), Time: q.Get("time"), Timezone: q.Get("timezone")}
	var p whenPreview
	if f.Date == "" || f.Time == "" {
		// Nothing to preview yet; a warning before anything is typed would
		// only be noise.
		h.renderFragment(w, r, "schedule", "when", p)
		return
	}
	at, err := f.scheduledAt(h.now())
	var ok bool
	if p.Error, ok = fieldMessage(err); !ok {
		h.serverError(w, r, err)
		return
	} else if err == nil {
		p.Their = inZone(at, h.formZone(r.Context(), f.Timezone))
		p.Yours = inZone(at, cmp.Or(q.Get("yours"), "UTC"))
		if at.Before(h.now()) {
			p.Error = "This time has passed: the message would go out at once."
		}
	}
	h.renderFragment(w, r, "schedule", "when", p)
}

// templateText is the schedule form's message field refilled with the
// picked template's text (?template_id=), or as it is (?message=) when no
// template is picked.
func (h *Handler) templateText(w http.ResponseWriter, r *http.Request) {
	box := textBox{Text: r.URL.Query().Get("message")}
	t, err := h.pickedTemplate(r, "template_id")
	if t != nil {
		box.Text = t.Text
	}
	var ok bool
	if box.Error, ok = fieldMessage(err); !ok {
		h.serverError(w, r, err)
		return
	}
	h.renderFragment(w, r, "schedule", "messagebox-fragment", box)
}
