package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vpslink/vpslink"
)

// jobColumns reads a job. Only a pending or running job has a next step:
// a paused job keeps the time its step was due in the column, for the
// resume, but nothing is due while it is paused, and a job that ended has
// nothing left, so both read as none.
const jobColumns = `id, coalesce(title, ''), status, scheduled_start_at, recipients, message_parts, config,
	current_recipient_index, current_part_index, recipients_sent, recipients_failed, last_sent_at,
	CASE WHEN status IN ('pending', 'running') THEN next_step_at END, coalesce(error_message, ''),
	created_at, coalesce(updated_at, created_at), completed_at, cancelled_at`

// CreateJob validates and inserts a job.
func (db *DB) CreateJob(ctx context.Context, j *vpslink.Job) error {
	if err := db.UseTemplates(ctx, j.MessageParts); err != nil {
		return err
	}
	if err := j.Validate(); err != nil {
		return err
	}
	if j.ScheduledStartAt.IsZero() {
		return vpslink.FieldError("scheduled_start_at", "is required")
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := tx.CheckJobRenders(ctx, j); err != nil {
			return err
		}
		if err := tx.checkJobJoined(ctx, j); err != nil {
			return err
		}
		return tx.CreateJob(ctx, j)
	})
}

// CreateJob inserts an already validated job in tx, its recipients given
// as a group's name resolved.
func (tx *Tx) CreateJob(ctx context.Context, j *vpslink.Job) error {
	if err := tx.resolveJobGroups(ctx, j); err != nil {
		return err
	}
	if j.ID == "" {
		j.ID = newID()
	}
	if j.Status == "" {
		j.Status = vpslink.JobPending
	}
	if j.Title == "" {
		j.Title = vpslink.DefaultJobTitle(j.MessageParts)
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = tx.now
	}
	j.UpdatedAt = tx.now
	recipients, parts, config := mustJSON(j.Recipients), mustJSON(j.MessageParts), mustJSON(j.Config)
	_, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, title, status, scheduled_start_at, created_at,
		completed_at, current_recipient_index, current_part_index, recipients_sent, recipients_failed,
		last_sent_at, config, message_parts, recipients, error_message, cancelled_at, updated_at, next_step_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.Title, j.Status, fmtTime(j.ScheduledStartAt), fmtTime(j.CreatedAt), nullTime(j.CompletedAt),
		j.CurrentRecipientIndex, j.CurrentPartIndex, j.RecipientsSent, j.RecipientsFailed,
		nullTime(j.LastSentAt), config, parts, recipients, nullString(j.ErrorMessage),
		nullTime(j.CancelledAt), fmtTime(j.UpdatedAt), nullTime(j.NextStepAt))
	if err != nil {
		if vpslink.ErrorCode(describe(err)) == vpslink.ECONFLICT {
			return vpslink.Errorf(vpslink.ECONFLICT, "job %s already exists", j.ID)
		}
		return fmt.Errorf("insert job: %w", err)
	}
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain domain structs are marshalled
	}
	return string(b)
}

// GetJob returns a job by id.
func (db *DB) GetJob(ctx context.Context, id string) (*vpslink.Job, error) {
	return getJob(ctx, db.read, id)
}

func getJob(ctx context.Context, q queryer, id string) (*vpslink.Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vpslink.Errorf(vpslink.ENOTFOUND, "job %s not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("get job: %w", describe(err))
	}
	return j, nil
}

// ListJobs returns one page of jobs, newest start first, and the number that
// match.
func (db *DB) ListJobs(ctx context.Context, f vpslink.JobFilter) ([]*vpslink.Job, int, error) {
	var where []string
	var args []any
	if f.Status != "" {
		if !validJobStatus(f.Status) {
			return nil, 0, vpslink.FieldError("status", "must be one of pending, running, paused, completed, failed, cancelled")
		}
		where = append(where, `status = ?`)
		args = append(args, f.Status)
	}
	cond := whereClause(where)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM jobs`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count jobs: %w", describe(err))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs`+cond+
		` ORDER BY scheduled_start_at DESC, id LIMIT ? OFFSET ?`, append(args, limit(f.Limit), f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list jobs: %w", describe(err))
	}
	defer rows.Close()
	out := []*vpslink.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, total, rows.Err()
}

func validJobStatus(s string) bool {
	switch s {
	case vpslink.JobPending, vpslink.JobRunning, vpslink.JobPaused, vpslink.JobCompleted, vpslink.JobFailed, vpslink.JobCancelled:
		return true
	}
	return false
}

// UpdateJob edits a job that has not started sending yet.
func (db *DB) UpdateJob(ctx context.Context, id string, u vpslink.JobUpdate) (*vpslink.Job, error) {
	var j *vpslink.Job
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if j, err = getJob(ctx, tx, id); err != nil {
			return err
		}
		started, err := tx.jobStarted(ctx, j)
		if err != nil {
			return err
		}
		if j.Status != vpslink.JobPending && j.Status != vpslink.JobPaused {
			return vpslink.Errorf(vpslink.ECONFLICT, "job %s is %s; only a pending or paused job that has not started can be edited", id, j.Status)
		}
		if started {
			return vpslink.Errorf(vpslink.ECONFLICT, "job %s has started: a part was sent or is being sent, so it can no longer be edited", id)
		}
		if u.Title != nil {
			j.Title = *u.Title
		}
		if u.ScheduledStartAt != nil {
			j.ScheduledStartAt = u.ScheduledStartAt.UTC()
			j.NextStepAt = nil
		}
		if u.Recipients != nil {
			j.Recipients = append([]string(nil), (*u.Recipients)...)
		}
		if u.MessageParts != nil {
			j.MessageParts = *u.MessageParts
			if err := useTemplates(ctx, tx, j.MessageParts); err != nil {
				return err
			}
		}
		if u.Config != nil {
			u.Config.Apply(&j.Config)
		}
		if err := j.Validate(); err != nil {
			return err
		}
		if err := tx.resolveJobGroups(ctx, j); err != nil {
			return err
		}
		if u.Recipients != nil {
			if err := tx.checkJobJoined(ctx, j); err != nil {
				return err
			}
		}
		if err := tx.CheckJobRenders(ctx, j); err != nil {
			return err
		}
		j.UpdatedAt = tx.now
		// A new start replaces a step time set before (quiet hours); else
		// the column keeps it, which a paused job's record does not show.
		_, err = tx.ExecContext(ctx, `UPDATE jobs SET title = ?, scheduled_start_at = ?, recipients = ?,
			message_parts = ?, config = ?, next_step_at = CASE WHEN ? THEN NULL ELSE next_step_at END,
			updated_at = ? WHERE id = ?`,
			j.Title, fmtTime(j.ScheduledStartAt), mustJSON(j.Recipients), mustJSON(j.MessageParts),
			mustJSON(j.Config), u.ScheduledStartAt != nil, fmtTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("update job: %w", describe(err))
		}
		return nil
	})
	return j, err
}

// jobStarted reports whether job j has started: it has progress, or any
// ledger row in a state but not_sent. A claimed row counts, so that a job
// whose first part is in flight cannot be edited, and the progress written
// after the send stays the progress of the recipients it was sent to.
func (tx *Tx) jobStarted(ctx context.Context, j *vpslink.Job) (bool, error) {
	if j.RecipientsSent+j.RecipientsFailed > 0 || j.CurrentRecipientIndex > 0 || j.CurrentPartIndex > 0 || j.LastSentAt != nil {
		return true, nil
	}
	var started bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries WHERE job_id = ? AND state != 'not_sent')`, j.ID).Scan(&started)
	if err != nil {
		return false, fmt.Errorf("read job %s ledger: %w", j.ID, describe(err))
	}
	return started, nil
}

// PauseJob stops a pending or running job before its next part.
func (db *DB) PauseJob(ctx context.Context, id string) (*vpslink.Job, error) {
	return db.setJobStatus(ctx, id, vpslink.JobPaused, vpslink.JobPending, vpslink.JobRunning)
}

// ResumeJob lets a paused job continue where it stopped: its next step
// goes when it was due, or at once when that time passed while it was
// paused (a delay that ran out is not waited for again).
func (db *DB) ResumeJob(ctx context.Context, id string) (*vpslink.Job, error) {
	return db.setJobStatus(ctx, id, "", vpslink.JobPaused)
}

// CancelJob stops a job for good before its next part.
func (db *DB) CancelJob(ctx context.Context, id string) (*vpslink.Job, error) {
	return db.setJobStatus(ctx, id, vpslink.JobCancelled, vpslink.JobPending, vpslink.JobRunning, vpslink.JobPaused)
}

// setJobStatus moves a job in one of the from states to status; an empty
// status means "back to pending or running", whichever fits its progress.
func (db *DB) setJobStatus(ctx context.Context, id, status string, from ...string) (*vpslink.Job, error) {
	var j *vpslink.Job
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if j, err = getJob(ctx, tx, id); err != nil {
			return err
		}
		if j.Status == status {
			return nil
		}
		allowed := false
		for _, s := range from {
			allowed = allowed || j.Status == s
		}
		if !allowed {
			return vpslink.Errorf(vpslink.ECONFLICT, "job %s is %s", id, j.Status)
		}
		if status == "" {
			status = vpslink.JobPending
			if started, err := tx.jobStarted(ctx, j); err != nil {
				return err
			} else if started {
				status = vpslink.JobRunning
			}
		}
		if j.ErrorMessage == HeldReason && (status == vpslink.JobPending || status == vpslink.JobRunning) {
			j.ErrorMessage = "" // resumed on purpose: no longer held
		}
		if status == vpslink.JobCancelled {
			j.CancelledAt = &tx.now
		}
		resumed := j.Status == vpslink.JobPaused && (status == vpslink.JobPending || status == vpslink.JobRunning)
		// On resume, a step time that passed becomes now, so that the
		// record shows when the step goes, never a time gone by. A job
		// paused before its start counts from its start: resumed after it,
		// it goes now rather than fail as missed by the time it was paused.
		_, err = tx.ExecContext(ctx, `UPDATE jobs SET status = ?, cancelled_at = ?, error_message = ?, updated_at = ?,
			next_step_at = CASE WHEN ? AND julianday(`+jobDue+`) < julianday(?) THEN ? ELSE next_step_at END WHERE id = ?`,
			status, nullTime(j.CancelledAt), nullString(j.ErrorMessage), fmtTime(tx.now),
			resumed, fmtTime(tx.now), fmtTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("update job status: %w", describe(err))
		}
		j, err = getJob(ctx, tx, id)
		return err
	})
	return j, err
}

// JobDeliveries returns the ledger rows of a job: its per-recipient, per-part
// results.
func (db *DB) JobDeliveries(ctx context.Context, id string) ([]*vpslink.Delivery, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE job_id = ? ORDER BY recipient_index, part_index`, id)
	if err != nil {
		return nil, fmt.Errorf("list job deliveries: %w", describe(err))
	}
	defer rows.Close()
	out := []*vpslink.Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanJob(row scanner) (*vpslink.Job, error) {
	var j vpslink.Job
	var start, created, updated string
	var recipients, parts, config string
	var lastSent, nextStep, completed, cancelled sql.NullString
	if err := row.Scan(&j.ID, &j.Title, &j.Status, &start, &recipients, &parts, &config,
		&j.CurrentRecipientIndex, &j.CurrentPartIndex, &j.RecipientsSent, &j.RecipientsFailed, &lastSent,
		&nextStep, &j.ErrorMessage, &created, &updated, &completed, &cancelled); err != nil {
		return nil, err
	}
	j.ScheduledStartAt, j.CreatedAt, j.UpdatedAt = parseTime(start), parseTime(created), parseTime(updated)
	j.LastSentAt, j.NextStepAt = parseNullTime(lastSent), parseNullTime(nextStep)
	j.CompletedAt, j.CancelledAt = parseNullTime(completed), parseNullTime(cancelled)
	// The columns are CHECKed as JSON; a shape that does not fit the
	// structures leaves them empty, and the scheduler fails such a job
	// with a reason rather than guessing.
	_ = json.Unmarshal([]byte(recipients), &j.Recipients)
	_ = json.Unmarshal([]byte(parts), &j.MessageParts)
	_ = json.Unmarshal([]byte(config), &j.Config)
	if j.Recipients == nil {
		j.Recipients = []string{}
	}
	if j.MessageParts == nil {
		j.MessageParts = []vpslink.MessagePart{}
	}
	return &j, nil
}
