package importer

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
)

// runningReason is the error a job left running by the legacy app gets: it
// is imported paused, because the legacy progress may lag behind a part that
// was already sent, and resuming it is a decision for its owner.
const runningReason = "was running in the legacy app when it was exported; check its progress, then resume it"

// jobStatus maps a legacy job status onto vpslink's.
func jobStatus(legacy string) (status, reason string, ok bool) {
	switch strings.ToLower(legacy) {
	case "", "pending", "scheduled", "queued", "waiting":
		return vpslink.JobPending, "", true
	case "running", "in_progress", "active", "sending", "processing":
		return vpslink.JobPaused, runningReason, true
	case "paused":
		return vpslink.JobPaused, "", true
	case "completed", "done", "finished", "sent":
		return vpslink.JobCompleted, "", true
	case "failed", "error":
		return vpslink.JobFailed, "", true
	case "cancelled", "canceled", "stopped", "deleted":
		return vpslink.JobCancelled, "", true
	}
	return vpslink.JobFailed, fmt.Sprintf("legacy status %q is unknown; not sent by vpslink", legacy), false
}

// parseJobs reads jobs.json: a bare array (an object wrapping it under
// "jobs", or keyed by job id, is read too).
func parseJobs(data []byte) (*parsed[vpslink.Job], error) {
	return parseRecords(data, "jobs", "job", parseJob)
}

func parseJob(mem member, r *record) item[vpslink.Job] {
	it := item[vpslink.Job]{ref: ref(mem, "")}
	j, legacyStatus, err := jobFields(r, &it)
	if err != nil {
		it.skip = err.Error()
		return it
	}
	if j.ID == "" {
		j.ID = mem.key
	}
	if j.ID == "" {
		sum := sha256.Sum256([]byte(vpslink.FormatTime(j.ScheduledStartAt) + "\x00" + partsKey(j.MessageParts) + "\x00" + strings.Join(j.Recipients, ",")))
		j.ID = "legacy-" + hex.EncodeToString(sum[:12])
	}
	it.ref, it.key = ref(mem, j.ID), j.ID
	if j.ScheduledStartAt.IsZero() {
		it.skip = "missing time"
		return it
	}
	if len(j.MessageParts) == 0 || slices.ContainsFunc(j.MessageParts, func(p vpslink.MessagePart) bool { return p.Text == "" }) {
		it.skip = "missing text"
		return it
	}
	given := slices.Clone(j.Recipients)
	if err := j.Validate(); err != nil {
		it.skip = vpslink.ErrorMessage(err)
		return it
	}
	if slices.ContainsFunc(j.Recipients, func(r string) bool { _, named := vpslink.GroupNameOf(r); return named }) {
		it.skip = groupByName
		return it
	}
	for i, r := range given {
		field := fmt.Sprintf("recipients[%d]", i)
		if phone, err := vpslink.NormalizeToPhone(field, r); err == nil {
			if w := phoneConverted(field, r, phone); w != "" {
				it.warnings = append(it.warnings, w)
			}
		}
	}
	if j.Title == "" {
		j.Title = vpslink.DefaultJobTitle(j.MessageParts)
	}
	status, reason, known := jobStatus(legacyStatus)
	j.Status = status
	if reason != "" {
		j.ErrorMessage = joinReasons(reason, j.ErrorMessage)
	}
	if !known || reason != "" {
		it.warnings = append(it.warnings, fmt.Sprintf("status %q imported as %s", legacyStatus, status))
	}
	it.value = *j
	return it
}

func jobFields(r *record, it *item[vpslink.Job]) (*vpslink.Job, string, error) {
	var j vpslink.Job
	var status string
	var err error
	for _, f := range []struct {
		dst  *string
		name []string
	}{{&j.ID, []string{"id"}}, {&j.Title, []string{"title"}}, {&status, []string{"status"}},
		{&j.ErrorMessage, []string{"error", "errorMessage"}}} {
		if *f.dst, err = r.str(f.name...); err != nil {
			return nil, "", err
		}
	}
	r.get("createdBy") // who created it in the legacy UI; vpslink has no users
	if j.Recipients, err = r.strings("recipients"); err != nil {
		return nil, "", err
	}
	if j.MessageParts, err = messageParts(r); err != nil {
		return nil, "", err
	}
	config, err := r.sub("config")
	if err != nil {
		return nil, "", err
	}
	progress, err := r.sub("progress")
	if err != nil {
		return nil, "", err
	}
	mode, err := config.str("intervalMode")
	if err != nil {
		return nil, "", err
	}
	// The legacy app's own pacing choice; anything else it may have stored
	// leaves the job to the settings' default.
	if mode = strings.ToLower(strings.TrimSpace(mode)); mode == vpslink.IntervalAutomatic || mode == vpslink.IntervalManual {
		j.Config.IntervalMode = mode
	}
	ints := []struct {
		dst  *int
		rec  *record
		name string
	}{
		{&j.Config.RecipientGapSeconds, config, "recipientGapSeconds"},
		{&j.Config.MaxRetries, config, "maxRetries"},
		{&j.CurrentRecipientIndex, progress, "currentRecipientIndex"},
		{&j.CurrentPartIndex, progress, "currentPartIndex"},
		{&j.RecipientsSent, progress, "recipientsSent"},
		{&j.RecipientsFailed, progress, "recipientsFailed"},
	}
	for _, f := range ints {
		n, _, err := f.rec.integer(f.name)
		if err != nil {
			return nil, "", err
		}
		if n < 0 || n > 1<<31 {
			return nil, "", fmt.Errorf("%s: %d is out of range", f.name, n)
		}
		*f.dst = int(n)
	}
	var start, created, lastSent, completed, cancelled time.Time
	for _, f := range []struct {
		dst   *time.Time
		rec   *record
		names []string
	}{
		{&start, r, []string{"scheduledStartAt"}},
		{&created, r, []string{"createdAt"}},
		{&lastSent, progress, []string{"lastSentAt"}},
		{&completed, r, []string{"completedAt"}},
		{&cancelled, r, []string{"cancelledAt"}},
	} {
		if *f.dst, err = readTime(f.rec, it, f.names...); err != nil {
			return nil, "", err
		}
	}
	j.ScheduledStartAt, j.CreatedAt = start, created
	j.LastSentAt, j.CompletedAt, j.CancelledAt = timePtr(lastSent), timePtr(completed), timePtr(cancelled)
	return &j, status, nil
}

// messageParts reads messageParts in orderIndex order where the records
// give one (the oldest generation relied on array order).
func messageParts(r *record) ([]vpslink.MessagePart, error) {
	name, raw := r.get("messageParts")
	if raw == nil {
		return nil, nil
	}
	kind, ms, err := members(raw, 0)
	if err != nil || kind != '[' {
		return nil, fmt.Errorf("%s: must be a list of parts", name)
	}
	type ordered struct {
		part  vpslink.MessagePart
		order int64
	}
	var parts []ordered
	for _, m := range ms {
		field := fmt.Sprintf("%s[%d]", name, m.index)
		if kindOf(m.value) == "a string" {
			text, _ := asString(m.value)
			parts = append(parts, ordered{vpslink.MessagePart{Text: text}, int64(m.index)})
			continue
		}
		pr, err := newRecord(m.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		var p vpslink.MessagePart
		if p.Text, err = pr.str("text"); err != nil {
			return nil, fmt.Errorf("%s.%w", field, err)
		}
		// The range is the job's Validate's.
		delay, ok, err := pr.number("delayAfterSeconds")
		if err != nil {
			return nil, fmt.Errorf("%s.delayAfterSeconds: must be a number of seconds", field)
		}
		if ok {
			p.DelayAfterSeconds = &delay
		}
		order, ok, err := pr.integer("orderIndex")
		if err != nil {
			return nil, fmt.Errorf("%s.%w", field, err)
		}
		if !ok {
			order = int64(m.index)
		}
		parts = append(parts, ordered{p, order})
	}
	slices.SortStableFunc(parts, func(a, b ordered) int { return cmp.Compare(a.order, b.order) })
	out := make([]vpslink.MessagePart, len(parts))
	for i, p := range parts {
		out[i] = p.part
	}
	return out, nil
}

// partsKey is the texts of parts, for deriving a missing job id.
func partsKey(parts []vpslink.MessagePart) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
		b.WriteByte(0)
	}
	return b.String()
}
