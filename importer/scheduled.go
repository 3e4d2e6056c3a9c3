package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/vpslink/vpslink"
)

// sendingReason is the error a legacy message left "sending" gets: the
// legacy app may have handed it to WhatsApp before the export, so vpslink
// never sends it again.
const sendingReason = "was being sent by the legacy app when it was exported; it may have been delivered, so it is not sent again"

// groupByName is why a record whose recipient names a group ("group:Family")
// is skipped: the legacy app addressed groups by JID, and the chats that
// would name them are imported after the messages and jobs.
const groupByName = "a recipient names a group (group:<name>); legacy files address groups by their JID"

// messageStatus maps a legacy status onto vpslink's. ok is false for a
// status no generation of the legacy app is known to have written.
func messageStatus(legacy string) (status, reason string, ok bool) {
	switch strings.ToLower(legacy) {
	case "", "pending", "scheduled", "queued", "waiting":
		return vpslink.MessagePending, "", true
	case "sending", "processing", "in_progress":
		return vpslink.MessageFailed, sendingReason, true
	case "sent", "delivered", "read", "completed", "success":
		return vpslink.MessageSent, "", true
	case "failed", "error":
		return vpslink.MessageFailed, "", true
	case "cancelled", "canceled", "deleted":
		return vpslink.MessageCancelled, "", true
	}
	return vpslink.MessageFailed, fmt.Sprintf("legacy status %q is unknown; not sent by vpslink", legacy), false
}

// parseScheduled reads scheduled.json or scheduled-messages.json:
// {"messages":[...]}, a bare array, or an object of messages keyed by id.
func parseScheduled(data []byte) (*parsed[vpslink.ScheduledMessage], error) {
	return parseRecords(data, "messages", "message", parseMessage)
}

func parseMessage(mem member, r *record) item[vpslink.ScheduledMessage] {
	it := item[vpslink.ScheduledMessage]{ref: ref(mem, "")}
	m, legacyStatus, err := messageFields(r, &it)
	if err != nil {
		it.skip = err.Error()
		return it
	}
	if m.ID == "" {
		m.ID = mem.key
	}
	if m.ID == "" {
		// Deterministic, so that importing the file again finds the row.
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s", m.ToPhone, vpslink.FormatTime(m.ScheduledAt), m.Message))
		m.ID = "legacy-" + hex.EncodeToString(sum[:12])
	}
	it.ref, it.key = ref(mem, m.ID), m.ID
	switch {
	case m.ToPhone == "":
		it.skip = "missing recipient (to)"
		return it
	case m.Message == "":
		it.skip = "missing text"
		return it
	case m.ScheduledAt.IsZero():
		it.skip = "missing time"
		return it
	}
	if _, err := vpslink.LoadLocation("recipientTimezone", m.RecipientTimezone); err != nil {
		// Only the zone is lost: the time itself carries its offset.
		it.warnings = append(it.warnings, vpslink.ErrorMessage(err)+"; not imported")
		m.RecipientTimezone = ""
	}
	given := m.ToPhone
	if err := m.Validate(); err != nil {
		it.skip = vpslink.ErrorMessage(err)
		return it
	}
	if _, named := vpslink.GroupNameOf(m.ToPhone); named {
		it.skip = groupByName
		return it
	}
	if w := phoneConverted("to", given, m.ToPhone); w != "" {
		it.warnings = append(it.warnings, w)
	}
	status, reason, known := messageStatus(legacyStatus)
	m.Status = status
	if reason != "" {
		m.ErrorMessage = joinReasons(reason, m.ErrorMessage)
	}
	if !known || legacyStatus == "sending" {
		it.warnings = append(it.warnings, fmt.Sprintf("status %q imported as %s", legacyStatus, status))
	}
	if m.Status == vpslink.MessageSent && m.SentAt == nil {
		it.warnings = append(it.warnings, "sent without sentAt")
	}
	it.value = *m
	return it
}

func messageFields(r *record, it *item[vpslink.ScheduledMessage]) (*vpslink.ScheduledMessage, string, error) {
	var m vpslink.ScheduledMessage
	var err error
	text := func(dst *string, names ...string) {
		if err == nil {
			*dst, err = r.str(names...)
		}
	}
	var status string
	text(&m.ID, "id")
	text(&m.ToPhone, "to")
	text(&m.ContactName, "contactName")
	text(&m.Message, "message")
	text(&status, "status")
	text(&m.CreatedFrom, "createdFrom")
	text(&m.ErrorMessage, "error", "errorMessage")
	text(&m.RecipientTimezone, "recipientTimezone")
	if err != nil {
		return nil, "", err
	}
	scheduled, err := readTime(r, it, "scheduledTime", "scheduledAt", "scheduled_at")
	if err != nil {
		return nil, "", err
	}
	created, err := readTime(r, it, "createdAt")
	if err != nil {
		return nil, "", err
	}
	sent, err := readTime(r, it, "sentAt")
	if err != nil {
		return nil, "", err
	}
	m.ScheduledAt, m.CreatedAt, m.SentAt = scheduled, created, timePtr(sent)
	return &m, status, nil
}

func joinReasons(a, b string) string {
	if b == "" || b == a {
		return a
	}
	return a + " (legacy error: " + b + ")"
}
