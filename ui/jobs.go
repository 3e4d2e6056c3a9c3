package ui

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
)

const jobPageSize = 50

type jobsPage struct {
	Status string
	Jobs   []*vpslink.Job
	Pager  pager
}

// jobTabs filter the job list; "" is every job.
var jobTabs = []string{"", vpslink.JobRunning, vpslink.JobPending, vpslink.JobPaused, vpslink.JobCompleted,
	vpslink.JobFailed, vpslink.JobCancelled}

func (h *Handler) jobs(w http.ResponseWriter, r *http.Request) {
	p := jobsPage{Status: r.URL.Query().Get("status")}
	f := vpslink.JobFilter{Status: p.Status, Limit: jobPageSize}
	var page, total int
	page, f.Offset = pageOf(r, jobPageSize)
	var err error
	if p.Jobs, total, err = h.db.ListJobs(r.Context(), f); err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	p.Pager = newPager(page, jobPageSize, total, url.Values{"status": {p.Status}}.Encode())
	h.render(w, r, http.StatusOK, "jobs", "Jobs", p)
}

// jobForm is the broadcast form as typed: recipients one per line (a
// phone, a name or an alias), parts separated by a line with only "---".
type jobForm struct {
	Title      string
	Recipients string
	Parts      string
	PartDelay  string
	Gap        string
	Retries    string
	Date       string
	Time       string
	Timezone   string
	StartNow   bool // the "Start now" button: the time fields are ignored
	// Templates are the choices of the picker that adds a saved template
	// as a part.
	Templates []*vpslink.Template
	Errors    formErrors
}

// PartsBox is the form's parts field.
func (f jobForm) PartsBox() textBox { return textBox{Text: f.Parts, Error: f.Errors["parts"]} }

// partSeparator is the line between two parts of a job's message.
const partSeparator = "---"

// newJob shows the broadcast form with the job defaults of the settings.
func (h *Handler) newJob(w http.ResponseWriter, r *http.Request) {
	s, _, err := h.db.Settings(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	zone := cmp.Or(s.DefaultTimezone, "UTC")
	start := h.now().Add(time.Minute)
	if loc := location(zone); loc != nil {
		start = start.In(loc)
	}
	f := jobForm{PartDelay: strconv.Itoa(s.PartDelaySeconds), Gap: strconv.Itoa(s.RecipientGapSeconds),
		Retries: strconv.Itoa(s.MaxRetries), Timezone: zone, Date: start.Format("2006-01-02"), Time: start.Format("15:04")}
	if to := r.URL.Query().Get("to"); to != "" {
		f.Recipients = to
	}
	f.Templates = h.templateChoices(r.Context())
	h.render(w, r, http.StatusOK, "job-new", "New broadcast", f)
}

func readJobForm(r *http.Request) jobForm {
	return jobForm{Title: strings.TrimSpace(r.PostFormValue("title")), Recipients: r.PostFormValue("recipients"),
		Parts: r.PostFormValue("parts"), PartDelay: r.PostFormValue("part_delay"), Gap: r.PostFormValue("gap"),
		Retries: r.PostFormValue("retries"), Date: r.PostFormValue("date"), Time: r.PostFormValue("time"),
		Timezone: strings.TrimSpace(r.PostFormValue("timezone")), StartNow: r.PostFormValue("when") == vpslink.SendNow}
}

// job builds the job the form describes; the recipients are resolved with
// the rule the CLI uses and the job is checked by its own Validate.
func (h *Handler) jobFromForm(ctx context.Context, f jobForm) (*vpslink.Job, error) {
	nonNegative := func(field, s string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return 0, vpslink.FieldError(field, "must be a whole number of seconds, 0 or more")
		}
		return n, nil
	}
	delay, err := vpslink.ParseDelaySeconds("part_delay", f.PartDelay)
	if err != nil {
		return nil, err
	}
	j := &vpslink.Job{Title: f.Title}
	if j.Config.RecipientGapSeconds, err = nonNegative("gap", f.Gap); err != nil {
		return nil, err
	}
	if j.Config.MaxRetries, err = nonNegative("retries", f.Retries); err != nil {
		return nil, err
	}
	for _, line := range strings.Split(f.Recipients, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		c, err := h.db.ResolveRecipient(ctx, "recipients", line)
		if err != nil {
			return nil, err
		}
		j.Recipients = append(j.Recipients, c.Phone)
	}
	// A part whose text is a saved template's, as the picker adds it,
	// records that template.
	fromTemplate := map[string]int64{}
	for _, t := range h.templateChoices(ctx) {
		fromTemplate[strings.TrimSpace(t.Text)] = t.ID
	}
	for _, text := range splitParts(f.Parts) {
		d := delay
		p := vpslink.MessagePart{Text: text, DelayAfterSeconds: &d}
		if id, ok := fromTemplate[text]; ok {
			p.TemplateID = &id
		}
		j.MessageParts = append(j.MessageParts, p)
	}
	if len(j.MessageParts) > 0 {
		j.MessageParts[len(j.MessageParts)-1].DelayAfterSeconds = nil
	}
	if err := j.Validate(); err != nil {
		return nil, formField(err)
	}
	if j.Title == "" {
		j.Title = vpslink.DefaultJobTitle(j.MessageParts)
	}
	at, err := scheduleForm{Date: f.Date, Time: f.Time, Timezone: f.Timezone, SendNow: f.StartNow}.scheduledAt(h.now())
	if err != nil {
		return nil, err
	}
	j.ScheduledStartAt = at
	return j, nil
}

// formField maps the job's field names ("message_parts[1].text") onto the
// form's ("parts").
func formField(err error) error {
	e, ok := err.(*vpslink.Error)
	if !ok {
		return err
	}
	for prefix, field := range map[string]string{"recipients": "recipients", "message_parts": "parts",
		"config.recipientGapSeconds": "gap", "config.maxRetries": "retries"} {
		if strings.HasPrefix(e.Field, prefix) {
			return vpslink.FieldError(field, "%s", e.Error())
		}
	}
	return err
}

func splitParts(s string) []string {
	var parts []string
	var cur []string
	flush := func() {
		if t := strings.TrimSpace(strings.Join(cur, "\n")); t != "" {
			parts = append(parts, t)
		}
		cur = nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == partSeparator {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return parts
}

func (h *Handler) createJob(w http.ResponseWriter, r *http.Request) {
	f := readJobForm(r)
	j, err := h.jobFromForm(r.Context(), f)
	if err == nil {
		err = h.db.CreateJob(r.Context(), j)
	}
	if err != nil {
		h.refuse(w, r, err, "job-new", "New broadcast", func(errs formErrors) any {
			f.Errors, f.Templates = errs, h.templateChoices(r.Context())
			return f
		})
		return
	}
	h.scheduler.Notify()
	http.Redirect(w, r, "/jobs/"+url.PathEscape(j.ID), http.StatusSeeOther)
}

// jobRecipient is one row of a job's ledger table. Recipient is how a
// person reads it: a phone's digits, or a group's name.
type jobRecipient struct {
	Index      int
	Recipient  string
	Name       string // the contact's, when the recipient is one
	Group      bool
	Deliveries []*vpslink.Delivery
}

type jobPage struct {
	Job        *vpslink.Job
	Recipients []jobRecipient
	// QuietHours is the window the job's steps wait out; nil when off.
	QuietHours *vpslink.QuietWindow
	Error      string
}

func (h *Handler) jobData(r *http.Request) (*jobPage, error) {
	j, err := h.db.GetJob(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	deliveries, err := h.db.JobDeliveries(r.Context(), j.ID)
	if err != nil {
		return nil, err
	}
	settings, _, err := h.db.Settings(r.Context())
	if err != nil {
		return nil, err
	}
	groups, err := h.db.Groups(r.Context())
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	phones := make([]string, len(j.Recipients))
	for i, rc := range j.Recipients {
		phones[i] = vpslink.PhoneFromJID(rc)
	}
	contacts, err := h.db.ContactNames(r.Context(), phones)
	if err != nil {
		return nil, err
	}
	p := &jobPage{Job: j, QuietHours: settings.JobQuietHours()}
	for i, rc := range j.Recipients {
		row := jobRecipient{Index: i, Recipient: phones[i], Name: contacts[phones[i]]}
		if vpslink.IsGroupJID(rc) {
			row.Recipient, row.Group = cmp.Or(names[rc], rc), true
		}
		p.Recipients = append(p.Recipients, row)
	}
	for _, d := range deliveries {
		if d.RecipientIndex >= 0 && d.RecipientIndex < len(p.Recipients) {
			p.Recipients[d.RecipientIndex].Deliveries = append(p.Recipients[d.RecipientIndex].Deliveries, d)
		}
	}
	return p, nil
}

func (h *Handler) job(w http.ResponseWriter, r *http.Request) {
	p, err := h.jobData(r)
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "job", p.Job.Title, p)
}

// jobLive is the job page's polled part.
func (h *Handler) jobLive(w http.ResponseWriter, r *http.Request) {
	p, err := h.jobData(r)
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	h.renderFragment(w, r, "job", "joblive", p)
}

// jobAction pauses, resumes or cancels a job with the store's rules about
// which status may go where.
func (h *Handler) jobAction(w http.ResponseWriter, r *http.Request) {
	acts := map[string]func(context.Context, string) (*vpslink.Job, error){
		"pause": h.db.PauseJob, "resume": h.db.ResumeJob, "cancel": h.db.CancelJob}
	act := acts[r.PathValue("action")]
	if act == nil {
		h.render(w, r, http.StatusNotFound, "notfound", "Not found", fmt.Sprintf("No job action %q.", r.PathValue("action")))
		return
	}
	id := r.PathValue("id")
	if _, err := act(r.Context(), id); err != nil {
		if _, ok := fieldErrors(err); !ok {
			h.serverError(w, r, err)
			return
		}
		p, gerr := h.jobData(r)
		if gerr != nil {
			h.notFoundOr(w, r, gerr)
			return
		}
		p.Error = vpslink.ErrorMessage(err)
		h.render(w, r, http.StatusConflict, "job", p.Job.Title, p)
		return
	}
	h.scheduler.Notify()
	http.Redirect(w, r, "/jobs/"+url.PathEscape(id), http.StatusSeeOther)
}

// templatePart is the broadcast form's parts field with the picked
// template's text (?part_template=) added as the last part.
func (h *Handler) templatePart(w http.ResponseWriter, r *http.Request) {
	box := textBox{Text: r.URL.Query().Get("parts")}
	t, err := h.pickedTemplate(r, "part_template")
	if t != nil {
		box.Text = joinParts(box.Text, t.Text)
	}
	var ok bool
	if box.Error, ok = fieldMessage(err); !ok {
		h.serverError(w, r, err)
		return
	}
	h.renderFragment(w, r, "job-new", "partsbox-fragment", box)
}

// joinParts adds part after the parts already typed, separated by a line
// with only partSeparator.
func joinParts(parts, part string) string {
	if strings.TrimSpace(parts) == "" {
		return part
	}
	return strings.TrimRight(parts, "\r\n") + "\n" + partSeparator + "\n" + part
}
