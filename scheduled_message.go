package vpslink

import (
	"cmp"
	"time"
)

// Scheduled message statuses. Message* names a scheduled message's status,
// Job* a job's and Delivery* a ledger row's state.
const (
	MessagePending   = "pending"
	MessageSending   = "sending"
	MessageSent      = "sent"
	MessageFailed    = "failed"
	MessageCancelled = "cancelled"
)

// MessageStatuses lists every scheduled message status in lifecycle order,
// for reports that show each one even at zero.
var MessageStatuses = []string{MessagePending, MessageSending, MessageSent, MessageFailed, MessageCancelled}

// ScheduledMessage is one message to one phone or group at one time.
// ToPhone holds the phone's international digits or the group's JID
// (…@g.us); written "group:<name>" it names a group, which the store
// resolves to its JID when it saves the message.
type ScheduledMessage struct {
	ID                string     `json:"id"`
	ToPhone           string     `json:"to_phone"`
	ContactName       string     `json:"contact_name"`
	Message           string     `json:"message"`
	ScheduledAt       time.Time  `json:"scheduled_at"`
	Status            string     `json:"status"`
	ErrorMessage      string     `json:"error_message,omitempty"`
	WAMessageID       string     `json:"wa_message_id,omitempty"`
	CreatedFrom       string     `json:"created_from,omitempty"`
	RecipientTimezone string     `json:"recipient_timezone,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	SentAt            *time.Time `json:"sent_at"`
	// ResentFrom is the message this one sends again on purpose: the first
	// of the chain when a resend is itself resent.
	ResentFrom string `json:"resent_from,omitempty"`
	// TemplateID is the saved template the text was filled from, if any.
	TemplateID *int64 `json:"template_id,omitempty"`

	// Recurrence is the RRULE of the series this occurrence carries on
	// (see Recurrence); empty for a one-off message, and for an occurrence
	// of a series that was edited or cancelled on its own.
	Recurrence string `json:"recurrence,omitempty"`
	// SeriesID is the id of the series' first occurrence; SeriesStart is
	// when the series (or its last edit with scope series) starts, and
	// Occurrence this row's number in it, from 1.
	SeriesID    string     `json:"series_id,omitempty"`
	SeriesStart *time.Time `json:"series_start,omitempty"`
	Occurrence  int        `json:"occurrence,omitempty"`
	// NextOccurrences are the next three times of the series from this
	// occurrence on, in UTC (response only).
	NextOccurrences []time.Time `json:"next_occurrences,omitempty"`
}

// MessageFilter selects scheduled messages; From and Until bound scheduled_at.
type MessageFilter struct {
	Status string
	To     string
	// Search matches, case-insensitively beyond ASCII, a part of the text,
	// of the recipient's name or aliases, or of the phone's digits.
	Search string
	From   *time.Time
	Until  *time.Time
	Limit  int
	Offset int
}

// MessageUpdate holds the fields of a pending message to change.
type MessageUpdate struct {
	Message     *string
	ScheduledAt *time.Time
	ContactName *string
	ToPhone     *string
	// TemplateID fills the text from a saved template (see UseTemplate);
	// the store sets Message from it.
	TemplateID *int64
	// Recurrence sets, changes or (empty) ends the series' rule.
	Recurrence *string
	// Scope says what an edit or cancel of a series' occurrence applies to:
	// ScopeOccurrence (the default) or ScopeSeries.
	Scope string
}

// Scopes of an edit or cancel of an occurrence of a recurring message.
// ScopeOccurrence changes that occurrence alone: it leaves the series,
// whose next occurrence is created at once. ScopeSeries changes the series
// from that occurrence on (a cancel ends the series).
const (
	ScopeOccurrence = "occurrence"
	ScopeSeries     = "series"
)

// ValidateScope checks an edit or cancel scope; empty means ScopeOccurrence.
func ValidateScope(scope string) (string, error) {
	switch scope {
	case "", ScopeOccurrence:
		return ScopeOccurrence, nil
	case ScopeSeries:
		return scope, nil
	}
	return "", FieldError("scope", "must be occurrence or series")
}

// ApplyUpdate applies u to m, a pending message, and says whether the
// series m carries must go on without m: an edit of one occurrence detaches
// it (it keeps its link to the series but no rule), so the next occurrence
// is created now and keeps the series' text and times. An edit with scope
// series that moves the time or changes the rule starts the series again
// at m: COUNT counts from there.
func (m *ScheduledMessage) ApplyUpdate(u MessageUpdate) (detach bool, err error) {
	scope, err := ValidateScope(u.Scope)
	if err != nil {
		return false, err
	}
	inSeries := m.Recurrence != ""
	oldAt, oldRule := m.ScheduledAt, m.Recurrence
	if u.Message != nil {
		m.Message = *u.Message
	}
	if u.ScheduledAt != nil {
		m.ScheduledAt = u.ScheduledAt.UTC()
	}
	if u.ContactName != nil {
		m.ContactName = *u.ContactName
	}
	if u.ToPhone != nil {
		m.ToPhone = *u.ToPhone
	}
	if u.Recurrence != nil {
		m.Recurrence = *u.Recurrence
	}
	if u.TemplateID != nil {
		m.TemplateID = u.TemplateID
	}
	detach = inSeries && scope == ScopeOccurrence && u.Recurrence == nil
	if detach {
		m.Recurrence = ""
	}
	if err := m.Validate(); err != nil {
		return false, err
	}
	if m.Recurrence != "" && (!inSeries || !m.ScheduledAt.Equal(oldAt) || m.Recurrence != oldRule) {
		start := m.ScheduledAt
		m.SeriesID, m.SeriesStart, m.Occurrence = cmp.Or(m.SeriesID, m.ID), &start, 1
	}
	return detach, nil
}

// Validate checks a scheduled message and normalises its recipient: a
// phone to digits, a group JID as it is, a group's name to
// "group:<name>" (resolved by the store). Every way in (API, CLI, web UI,
// importer) and the store call it, so a message is refused with the same
// words wherever it comes from.
func (m *ScheduledMessage) Validate() error {
	to, err := normalizeTo("to_phone", m.ToPhone)
	if err != nil {
		return err
	}
	m.ToPhone = to
	if err := ValidateText("message", m.Message); err != nil {
		return err
	}
	if err := checkLength("contact_name", m.ContactName, maxNameLength); err != nil {
		return err
	}
	if m.ScheduledAt.IsZero() {
		return FieldError("scheduled_at", "is required")
	}
	if _, err = LoadLocation("timezone", m.RecipientTimezone); err != nil {
		return err
	}
	return m.validateRecurrence()
}

// RecipientJID returns the JID the message is sent to; "" when its
// recipient is not valid (a row another tool wrote).
func (m *ScheduledMessage) RecipientJID() string {
	jid, _ := NormalizeRecipient("to_phone", m.ToPhone)
	return jid
}

// normalizeTo reads a message's or job's recipient: a phone to digits, a
// group JID as it is, and a group given by name as "group:<name>" for the
// store to resolve.
func normalizeTo(field, s string) (string, error) {
	if name, ok := GroupNameOf(s); ok {
		if name == "" {
			return "", FieldError(field, "names no group: give %s<group name> or a group JID", GroupPrefix)
		}
		return GroupPrefix + name, nil
	}
	return NormalizeToPhone(field, s)
}

// Resend returns a new pending message with m's recipient and text, due at
// at, linked to m (or to the message m itself resends), for sending again
// on purpose what failed, was cancelled or was held after a restore. A
// message still to be sent, or sent, is a conflict: resending it could
// only deliver it twice.
func (m *ScheduledMessage) Resend(at time.Time) (*ScheduledMessage, error) {
	switch m.Status {
	case MessagePending, MessageSending:
		return nil, Errorf(ECONFLICT, "message %s is %s: it is still to be sent", m.ID, m.Status)
	case MessageSent:
		return nil, Errorf(ECONFLICT, "message %s was sent; schedule a new message to send its text again", m.ID)
	}
	if at.IsZero() {
		return nil, FieldError("scheduled_at", "is required")
	}
	return &ScheduledMessage{ToPhone: m.ToPhone, ContactName: m.ContactName, Message: m.Message, ScheduledAt: at,
		RecipientTimezone: m.RecipientTimezone, ResentFrom: cmp.Or(m.ResentFrom, m.ID), TemplateID: m.TemplateID}, nil
}

// UseTemplate makes t the template m is made from: m's text is t's, unless
// m has a text of its own already (a template's text edited before
// scheduling), which is kept. The text is copied, not linked: editing or
// deleting t later changes nothing already scheduled.
func (m *ScheduledMessage) UseTemplate(t *Template) {
	m.Message, m.TemplateID = fromTemplate(m.Message, t)
}

// validateRecurrence checks the recurrence of a message that has one, stores
// it in canonical form, and makes a new series start at the message.
func (m *ScheduledMessage) validateRecurrence() error {
	if m.Recurrence == "" {
		return nil
	}
	r, err := ParseRecurrence("recurrence", m.Recurrence)
	if err != nil {
		return err
	}
	// A rule whose UNTIL is before the message is a typo (a wrong year),
	// not a series: it would be saved and never repeat.
	if loc, err := LoadLocation("timezone", m.RecipientTimezone); err == nil && r.after(m.ScheduledAt, loc) {
		return FieldError("recurrence", "UNTIL %s is before the message's time, so it would never repeat", r.Until.Format("2006-01-02"))
	}
	m.Recurrence = r.String()
	if m.SeriesStart == nil {
		start := m.ScheduledAt.UTC()
		m.SeriesStart, m.Occurrence = &start, 1
	}
	if m.Occurrence < 1 {
		m.Occurrence = 1
	}
	return nil
}

// rule returns m's recurrence and the zone its occurrences are computed
// in, nil when m is not the current occurrence of a series.
func (m *ScheduledMessage) rule() (*Recurrence, *time.Location) {
	if m.Recurrence == "" || m.SeriesStart == nil {
		return nil, nil
	}
	r, err := ParseRecurrence("recurrence", m.Recurrence)
	if err != nil {
		return nil, nil // stored rules were validated; a bad one ends the series
	}
	loc, _ := LoadLocation("timezone", m.RecipientTimezone)
	return r, loc
}

// NextOccurrence returns the series' occurrence after m as a new pending
// message (no id yet), or nil when m is not part of a series or the series
// ends with m. The store creates it in the transaction that claims m, or
// that cancels or detaches m, so the series goes on exactly once.
func (m *ScheduledMessage) NextOccurrence() *ScheduledMessage {
	r, loc := m.rule()
	if r == nil {
		return nil
	}
	at, ok := r.Occurrence(*m.SeriesStart, loc, m.Occurrence+1)
	if !ok {
		return nil
	}
	return &ScheduledMessage{ToPhone: m.ToPhone, ContactName: m.ContactName, Message: m.Message, ScheduledAt: at,
		RecipientTimezone: m.RecipientTimezone, CreatedFrom: m.CreatedFrom, Recurrence: m.Recurrence, TemplateID: m.TemplateID,
		SeriesID: cmp.Or(m.SeriesID, m.ID), SeriesStart: m.SeriesStart, Occurrence: m.Occurrence + 1}
}

// SetNextOccurrences fills NextOccurrences for the current occurrence of a
// series: its own time and the two after it.
func (m *ScheduledMessage) SetNextOccurrences() {
	if r, loc := m.rule(); r != nil {
		m.NextOccurrences = r.Next(*m.SeriesStart, loc, m.Occurrence, 3)
	}
}
