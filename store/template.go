package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vpslink/vpslink"
)

// Recipient returns the placeholder values for a recipient JID: its
// contact's name, aliases and tags, or none for a JID no contact has (a
// group, or a number not saved as a contact).
func (db *DB) Recipient(ctx context.Context, jid string) (vpslink.Recipient, error) {
	return recipientOf(ctx, db.read, jid)
}

func recipientOf(ctx context.Context, q queryer, jid string) (vpslink.Recipient, error) {
	phone := vpslink.PhoneFromJID(jid)
	if phone == "" {
		return vpslink.Recipient{}, nil
	}
	c, err := scanContact(q.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE phone = ?`, phone))
	if errors.Is(err, sql.ErrNoRows) {
		return vpslink.Recipient{}, nil
	} else if err != nil {
		return vpslink.Recipient{}, fmt.Errorf("read recipient's contact: %w", describe(err))
	}
	return vpslink.RecipientOf(c), nil
}

// renderFor fills text's placeholders for the recipient jid inside a claim,
// so that the ledger row records the text actually sent. A text whose
// placeholders cannot be parsed is sent as it is: the checks at creation
// refuse such texts, so it was written by the importer or another tool that
// knows no placeholders. A text that cannot be filled (its contact lost the
// alias it needs since the source was created) returns the reason the
// source is refused: never a blank.
func (tx *Tx) renderFor(ctx context.Context, field, text, jid string) (rendered, refused string, err error) {
	if !vpslink.HasPlaceholders(text) || vpslink.CheckPlaceholders(field, text) != nil {
		return text, "", nil
	}
	r, err := recipientOf(ctx, tx, jid)
	if err != nil {
		return "", "", err
	}
	rendered, err = vpslink.Render(field, text, r)
	if err != nil {
		return "", vpslink.ErrorMessage(err), nil
	}
	return rendered, "", nil
}

// checkRenders refuses a text that cannot be filled for every one of its
// recipients, so that a missing value is a validation error when the
// message or job is created or edited, not a failure at send time.
func (tx *Tx) checkRenders(ctx context.Context, field, text string, jids ...string) error {
	if !vpslink.HasPlaceholders(text) {
		return nil
	}
	if err := vpslink.CheckPlaceholders(field, text); err != nil {
		return err
	}
	for _, jid := range jids {
		r, err := recipientOf(ctx, tx, jid)
		if err != nil {
			return err
		}
		if _, err := vpslink.Render(field, text, r); err != nil {
			var e *vpslink.Error
			if !errors.As(err, &e) {
				return err
			}
			// e.Message, not e.Error(): the field is named once.
			return vpslink.FieldError(field, "%s (recipient %s)", e.Message, jid)
		}
	}
	return nil
}

// CheckMessageRenders is checkRenders for a message to its recipient.
// Creating or editing a message calls it; the importer does not, since
// texts from other tools know no placeholders and are sent as they are.
func (tx *Tx) CheckMessageRenders(ctx context.Context, m *vpslink.ScheduledMessage) error {
	err := tx.checkRenders(ctx, "message", m.Message, m.RecipientJID())
	return tx.blameTemplate(ctx, err, "template_id", m.Message, m.TemplateID)
}

// CheckJobRenders is checkRenders for every part of j to every recipient.
func (tx *Tx) CheckJobRenders(ctx context.Context, j *vpslink.Job) error {
	for i, p := range j.MessageParts {
		err := tx.checkRenders(ctx, fmt.Sprintf("message_parts[%d].text", i), p.Text, j.Recipients...)
		if err := tx.blameTemplate(ctx, err, fmt.Sprintf("message_parts[%d].templateId", i), p.Text, p.TemplateID); err != nil {
			return err
		}
	}
	return nil
}

// blameTemplate names templateField, not the text's field, in a field
// error about a text that is the text of the template id: the client sent
// the template, not the text, and is pointed at what it sent. A text of its
// own (edited after picking the template) keeps its field.
func (tx *Tx) blameTemplate(ctx context.Context, err error, templateField, text string, id *int64) error {
	var e *vpslink.Error
	if id == nil || !errors.As(err, &e) || e.Field == "" {
		return err
	}
	var own string
	if qerr := tx.QueryRowContext(ctx, `SELECT text FROM templates WHERE id = ?`, *id).Scan(&own); errors.Is(qerr, sql.ErrNoRows) {
		return err
	} else if qerr != nil {
		return fmt.Errorf("read template: %w", describe(qerr))
	}
	if own != text {
		return err
	}
	return &vpslink.Error{Code: e.Code, Field: templateField, Message: e.Message}
}

const templateColumns = `id, name, text, created_at, updated_at`

func scanTemplate(row scanner) (*vpslink.Template, error) {
	var t vpslink.Template
	var created, updated string
	if err := row.Scan(&t.ID, &t.Name, &t.Text, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = parseTime(created), parseTime(updated)
	return &t, nil
}

// CreateTemplate validates and saves a new template; names are unique.
func (db *DB) CreateTemplate(ctx context.Context, t *vpslink.Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		t.CreatedAt, t.UpdatedAt = tx.now, tx.now
		res, err := tx.ExecContext(ctx, `INSERT INTO templates (name, text, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			t.Name, t.Text, fmtTime(tx.now), fmtTime(tx.now))
		if vpslink.ErrorCode(describe(err)) == vpslink.ECONFLICT {
			return vpslink.Errorf(vpslink.ECONFLICT, "template %q already exists", t.Name)
		} else if err != nil {
			return fmt.Errorf("insert template: %w", err)
		}
		t.ID, _ = res.LastInsertId()
		return nil
	})
}

// GetTemplate returns the template with the given id.
func (db *DB) GetTemplate(ctx context.Context, id int64) (*vpslink.Template, error) {
	return getTemplate(ctx, db.read, `id = ?`, id)
}

// TemplateByName returns the template named name.
func (db *DB) TemplateByName(ctx context.Context, name string) (*vpslink.Template, error) {
	return getTemplate(ctx, db.read, `name = ?`, name)
}

func getTemplate(ctx context.Context, q queryer, where string, key any) (*vpslink.Template, error) {
	t, err := scanTemplate(q.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM templates WHERE `+where, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vpslink.Errorf(vpslink.ENOTFOUND, "template %v not found", key)
	} else if err != nil {
		return nil, fmt.Errorf("get template: %w", err)
	}
	return t, nil
}

// TemplateRef returns the template a message or job part refers to by id;
// one that does not exist is an error of field (bad input, not a missing
// resource).
func (db *DB) TemplateRef(ctx context.Context, field string, id int64) (*vpslink.Template, error) {
	return templateRef(ctx, db.read, field, id)
}

func templateRef(ctx context.Context, q queryer, field string, id int64) (*vpslink.Template, error) {
	t, err := getTemplate(ctx, q, `id = ?`, id)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return nil, vpslink.FieldError(field, "template %d does not exist", id)
	}
	return t, err
}

// UseTemplate fills m from the template it refers to, if any (see
// vpslink.ScheduledMessage.UseTemplate).
func (db *DB) UseTemplate(ctx context.Context, m *vpslink.ScheduledMessage) error {
	if m.TemplateID == nil {
		return nil
	}
	t, err := db.TemplateRef(ctx, "template_id", *m.TemplateID)
	if err != nil {
		return err
	}
	m.UseTemplate(t)
	return nil
}

// UseTemplates fills job parts from the templates they refer to (see
// vpslink.UseTemplates).
func (db *DB) UseTemplates(ctx context.Context, parts []vpslink.MessagePart) error {
	return useTemplates(ctx, db.read, parts)
}

func useTemplates(ctx context.Context, q queryer, parts []vpslink.MessagePart) error {
	return vpslink.UseTemplates(parts, func(field string, id int64) (*vpslink.Template, error) {
		return templateRef(ctx, q, field, id)
	})
}

// ListTemplates returns every template ordered by name (a handful, so no
// paging).
func (db *DB) ListTemplates(ctx context.Context) ([]*vpslink.Template, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+templateColumns+` FROM templates ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	defer rows.Close()
	list := []*vpslink.Template{}
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("list templates: %w", err)
		}
		list = append(list, t)
	}
	return list, rows.Err()
}

// UpdateTemplate replaces a template's name and text. Messages and job
// parts made from it keep their text: a template is copied, not linked.
func (db *DB) UpdateTemplate(ctx context.Context, t *vpslink.Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		// An update that changes nothing (an empty PATCH, a form saved as
		// it was) leaves updated_at alone: the template was not edited.
		if cur, err := getTemplate(ctx, tx, `id = ?`, t.ID); err != nil {
			return err
		} else if cur.Name == t.Name && cur.Text == t.Text {
			*t = *cur
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE templates SET name = ?, text = ?, updated_at = ? WHERE id = ?`,
			t.Name, t.Text, fmtTime(tx.now), t.ID)
		if vpslink.ErrorCode(describe(err)) == vpslink.ECONFLICT {
			return vpslink.Errorf(vpslink.ECONFLICT, "template %q already exists", t.Name)
		} else if err != nil {
			return fmt.Errorf("update template: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vpslink.Errorf(vpslink.ENOTFOUND, "template %d not found", t.ID)
		}
		t.UpdatedAt = tx.now
		return nil
	})
}

// DeleteTemplate removes a template. Messages and job parts made from it
// keep their text and forget where it came from, so that no reference
// points at nothing (or at a later template that reuses the id).
func (db *DB) DeleteTemplate(ctx context.Context, id int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM templates WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete template: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vpslink.Errorf(vpslink.ENOTFOUND, "template %d not found", id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET template_id = NULL WHERE template_id = ?`, id); err != nil {
			return fmt.Errorf("forget template in messages: %w", describe(err))
		}
		return tx.forgetTemplateInJobs(ctx, id)
	})
}

// forgetTemplateInJobs clears templateId id from every job part. The parts
// are rewritten in Go, not with SQLite's JSON aggregates, whose order is
// not guaranteed: a job's parts must keep theirs.
func (tx *Tx) forgetTemplateInJobs(ctx context.Context, id int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, message_parts FROM jobs WHERE EXISTS
		(SELECT 1 FROM json_each(jobs.message_parts) WHERE json_extract(value, '$.templateId') = ?)`, id)
	if err != nil {
		return fmt.Errorf("find jobs made from template %d: %w", id, describe(err))
	}
	changed := map[string][]vpslink.MessagePart{}
	for rows.Next() {
		var jobID, raw string
		var parts []vpslink.MessagePart
		if err := rows.Scan(&jobID, &raw); err != nil {
			rows.Close()
			return err
		}
		if err := json.Unmarshal([]byte(raw), &parts); err != nil {
			continue // unreadable parts cannot name the template
		}
		for i := range parts {
			if parts[i].TemplateID != nil && *parts[i].TemplateID == id {
				parts[i].TemplateID = nil
			}
		}
		changed[jobID] = parts
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for jobID, parts := range changed {
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET message_parts = ? WHERE id = ?`, mustJSON(parts), jobID); err != nil {
			return fmt.Errorf("forget template in job %s: %w", jobID, describe(err))
		}
	}
	return nil
}
