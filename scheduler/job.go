package scheduler

import (
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// progressOf returns a job's progress as it stands.
func progressOf(j *vpslink.Job) store.JobProgress {
	return store.JobProgress{
		CurrentRecipientIndex: j.CurrentRecipientIndex,
		CurrentPartIndex:      j.CurrentPartIndex,
		LastSentAt:            j.LastSentAt,
		NextStepAt:            j.NextStepAt,
	}
}

// advance returns a job's progress after the step at its current recipient
// and part ended at now, sent or failed. After a sent part the next part
// follows its delay; after a recipient's last part, or a failed part, the
// next recipient follows the recipient gap (both worked out by pc). A failed
// part fails its recipient and skips the recipient's remaining parts: the
// later parts of a multi-part message make no sense without the one that
// failed. After the last recipient the job ends: failed when every
// recipient failed, else completed (the store decides which, from the
// counters as they are when the step is recorded).
func advance(j *vpslink.Job, sent bool, now time.Time, pc pace) store.JobProgress {
	p := progressOf(j)
	if sent {
		p.LastSentAt = &now
		if part := j.MessageParts[p.CurrentPartIndex]; p.CurrentPartIndex+1 < len(j.MessageParts) {
			next := now.Add(pc.partDelay(part))
			p.CurrentPartIndex++
			p.NextStepAt = &next
			return p
		}
		p.RecipientSent = true
	} else {
		p.RecipientFailed = true
	}
	p.CurrentRecipientIndex++
	p.CurrentPartIndex = 0
	if p.CurrentRecipientIndex >= len(j.Recipients) {
		p.NextStepAt = nil
		p.Finished = true
		return p
	}
	next := now.Add(pc.recipientGap(j.Config.RecipientGapSeconds))
	p.NextStepAt = &next
	return p
}
