package vpslink

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Job statuses.
const (
	JobPending   = "pending"
	JobRunning   = "running"
	JobPaused    = "paused"
	JobCompleted = "completed"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// JobStatuses lists every job status in lifecycle order, for reports that
// show each one even at zero.
var JobStatuses = []string{JobPending, JobRunning, JobPaused, JobCompleted, JobFailed, JobCancelled}

// Bounds of one job, far above what a broadcast needs.
const (
	maxRecipients = 10000
	maxParts      = 100
	// MaxPartDelaySeconds bounds a part's delay: a day, as the settings'
	// default part delay.
	MaxPartDelaySeconds = 86400
)

// Job is a broadcast: every part of a multi-part message to every recipient,
// with delays between parts and gaps between recipients. JSON names of the
// inner structures keep the seed's camelCase because that is how they are
// stored and how the web UI sends them.
type Job struct {
	ID               string    `json:"id"`
	Title            string    `json:"title"`
	Status           string    `json:"status"`
	ScheduledStartAt time.Time `json:"scheduled_start_at"`
	Recipients       []string  `json:"recipients"`
	// DuplicateRecipients are the recipients given more than once (as
	// given, after the first), dropped by Validate so that nobody gets a
	// broadcast twice. Only the response to a create or an edit has them.
	DuplicateRecipients   []string      `json:"duplicate_recipients,omitempty"`
	MessageParts          []MessagePart `json:"message_parts"`
	Config                JobConfig     `json:"config"`
	CurrentRecipientIndex int           `json:"current_recipient_index"`
	CurrentPartIndex      int           `json:"current_part_index"`
	RecipientsSent        int           `json:"recipients_sent"`
	RecipientsFailed      int           `json:"recipients_failed"`
	LastSentAt            *time.Time    `json:"last_sent_at"`
	NextStepAt            *time.Time    `json:"next_step_at"`
	ErrorMessage          string        `json:"error_message,omitempty"`
	CreatedAt             time.Time     `json:"created_at"`
	UpdatedAt             time.Time     `json:"updated_at"`
	CompletedAt           *time.Time    `json:"completed_at"`
	CancelledAt           *time.Time    `json:"cancelled_at"`
}

// MessagePart is one part of a job's message; DelayAfterSeconds is the pause
// after it before the next part to the same recipient (nil: none). It may
// have a fraction ("2.5"), as the legacy app's JSON numbers could: Validate
// rounds it to the millisecond, the precision of every stored time.
type MessagePart struct {
	Text              string   `json:"text"`
	DelayAfterSeconds *float64 `json:"delayAfterSeconds"`
	// TemplateID is the saved template the text was filled from, if any
	// (see ScheduledMessage.UseTemplate).
	TemplateID *int64 `json:"templateId,omitempty"`
}

// UseTemplates fills the text of every part that names a template from
// that template, looked up by lookup (field names the part's templateId in
// its error), as ScheduledMessage.UseTemplate does for a message.
func UseTemplates(parts []MessagePart, lookup func(field string, id int64) (*Template, error)) error {
	for i := range parts {
		p := &parts[i]
		if p.TemplateID == nil {
			continue
		}
		t, err := lookup(fmt.Sprintf("message_parts[%d].templateId", i), *p.TemplateID)
		if err != nil {
			return err
		}
		p.Text, p.TemplateID = fromTemplate(p.Text, t)
	}
	return nil
}

// Delay returns the part's delay and whether it has one.
func (p MessagePart) Delay() (time.Duration, bool) {
	if p.DelayAfterSeconds == nil {
		return 0, false
	}
	return time.Duration(math.Round(*p.DelayAfterSeconds*1000)) * time.Millisecond, true
}

// ParseDelaySeconds reads a typed part delay ("3", "2.5") for the entry
// points that take text (CLI flags, forms), with Validate's range.
func ParseDelaySeconds(field, s string) (float64, error) {
	d, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(d) || math.IsInf(d, 0) {
		return 0, FieldError(field, "%q is not a number of seconds", s)
	}
	return d, ValidateDelaySeconds(field, d)
}

// ValidateDelaySeconds checks a part delay's range.
func ValidateDelaySeconds(field string, d float64) error {
	switch {
	case math.IsNaN(d) || math.IsInf(d, 0):
		return FieldError(field, "is not a number of seconds")
	case d < 0:
		return FieldError(field, "must not be negative")
	case d > MaxPartDelaySeconds:
		return FieldError(field, "must be at most %d seconds", MaxPartDelaySeconds)
	}
	return nil
}

// JobConfig is a job's sending configuration. RecipientGapSeconds is the
// pause between one recipient's last part and the next recipient's first;
// MaxRetries is how many times a part that was not sent (the send failed
// before anything reached WhatsApp) is tried again before its recipient
// is counted failed.
type JobConfig struct {
	RecipientGapSeconds int `json:"recipientGapSeconds"`
	MaxRetries          int `json:"maxRetries"`
	// IntervalMode is "automatic" (human-like pacing: "typing…" before each
	// part, worked-out delays where the job gives none) or "manual" (the
	// explicit delays only); empty: the settings' default.
	IntervalMode string `json:"intervalMode,omitempty"`
}

// JobConfigUpdate holds the config fields to change; absent ones keep
// their value.
type JobConfigUpdate struct {
	RecipientGapSeconds *int    `json:"recipientGapSeconds"`
	MaxRetries          *int    `json:"maxRetries"`
	IntervalMode        *string `json:"intervalMode"`
}

// Apply merges u into c.
func (u *JobConfigUpdate) Apply(c *JobConfig) {
	if u.RecipientGapSeconds != nil {
		c.RecipientGapSeconds = *u.RecipientGapSeconds
	}
	if u.MaxRetries != nil {
		c.MaxRetries = *u.MaxRetries
	}
	if u.IntervalMode != nil {
		c.IntervalMode = *u.IntervalMode
	}
}

// JobFilter selects jobs.
type JobFilter struct {
	Status string
	Limit  int
	Offset int
}

// JobUpdate holds the fields of a pending or paused job to change.
type JobUpdate struct {
	Title            *string
	ScheduledStartAt *time.Time
	Recipients       *[]string
	MessageParts     *[]MessagePart
	Config           *JobConfigUpdate
}

// Validate checks a job's title, recipients, parts and config, normalises
// the recipients to JIDs (a group given by name stays "group:<name>" for
// the store to resolve, after which it is validated again) and drops the
// repeats of a recipient, noting them in DuplicateRecipients.
func (j *Job) Validate() error {
	if err := checkLength("title", j.Title, maxNameLength); err != nil {
		return err
	}
	if len(j.Recipients) == 0 {
		return FieldError("recipients", "must not be empty")
	}
	if len(j.Recipients) > maxRecipients {
		return FieldError("recipients", "has more than %d entries", maxRecipients)
	}
	seen := make(map[string]bool, len(j.Recipients))
	unique := j.Recipients[:0:0]
	for i, r := range j.Recipients {
		jid, err := normalizeTo(fmt.Sprintf("recipients[%d]", i), r)
		if err != nil {
			return err
		}
		if !IsGroupJID(jid) && !strings.HasPrefix(jid, GroupPrefix) {
			jid += "@" + UserServer
		}
		if seen[jid] {
			j.DuplicateRecipients = append(j.DuplicateRecipients, r)
			continue
		}
		seen[jid] = true
		unique = append(unique, jid)
	}
	j.Recipients = unique
	if len(j.MessageParts) == 0 {
		return FieldError("message_parts", "must not be empty")
	}
	if len(j.MessageParts) > maxParts {
		return FieldError("message_parts", "has more than %d entries", maxParts)
	}
	for i, p := range j.MessageParts {
		if err := ValidateText(fmt.Sprintf("message_parts[%d].text", i), p.Text); err != nil {
			return err
		}
		if p.DelayAfterSeconds == nil {
			continue
		}
		if err := ValidateDelaySeconds(fmt.Sprintf("message_parts[%d].delayAfterSeconds", i), *p.DelayAfterSeconds); err != nil {
			return err
		}
		// A new value rather than a write through the pointer, which the
		// caller may share between parts.
		d := math.Round(*p.DelayAfterSeconds*1000) / 1000
		j.MessageParts[i].DelayAfterSeconds = &d
	}
	if j.Config.RecipientGapSeconds < 0 {
		return FieldError("config.recipientGapSeconds", "must not be negative")
	}
	if j.Config.MaxRetries < 0 {
		return FieldError("config.maxRetries", "must not be negative")
	}
	switch j.Config.IntervalMode {
	case "", IntervalAutomatic, IntervalManual:
	default:
		return FieldError("config.intervalMode", "must be %q or %q", IntervalAutomatic, IntervalManual)
	}
	return nil
}

// DefaultJobTitle derives a title from the first part, as the legacy app did.
func DefaultJobTitle(parts []MessagePart) string {
	if len(parts) == 0 {
		return "Untitled job"
	}
	r := []rune(parts[0].Text)
	if len(r) <= 50 {
		return string(r)
	}
	return string(r[:50]) + "..."
}
