package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
	"github.com/vpslink/vpslink"
)

// RefusedStatesError says that the database refuses rows vpslink must
// write: a CHECK, a trigger that raises or a missing column would stop
// sends, job steps or chat capture half-way.
type RefusedStatesError struct {
	Path     string
	Problems []string
}

func (e *RefusedStatesError) Error() string {
	return fmt.Sprintf("database %s refuses rows vpslink must write (run `vpslink db migrate`; a trigger of your own that raises must be changed by hand): %s",
		e.Path, strings.Join(e.Problems, "; "))
}

// probe is one write vpslink makes, tried on sample rows.
type probe struct {
	what  string
	query string
	args  []any
}

// probeID marks the sample rows; they never outlive the probe's transaction.
const probeID = "vpslink-write-probe"

// writeProbes are the writes vpslink makes to the shared tables: every
// status a message, job and ledger row takes, every kind of chat message
// it captures, a contact's create and edit, and a snapshot's record.
func writeProbes(now string, backupHistory []string) []probe {
	const phone = "10000000000000"
	p := []probe{
		{"create a contact", `INSERT INTO contacts (phone, name, aliases, tags, is_favorite, secondary_phone, timezone, notes,
			created_at, updated_at) VALUES (?, 'probe', '["p"]', '["p"]', 1, '10000000000001', 'UTC', 'probe', ?, ?)`,
			[]any{phone, now, now}},
		{"edit a contact", `UPDATE contacts SET name = 'probe 2', is_favorite = 0, updated_at = ? WHERE phone = ?`, []any{now, phone}},
		{"schedule a message", `INSERT INTO scheduled_messages (id, to_phone, contact_name, message, scheduled_at, status,
			created_at, updated_at, created_from, recipient_timezone) VALUES (?, ?, 'probe', 'probe', ?, 'pending', ?, ?, 'api', 'UTC')`,
			[]any{probeID, phone, now, now, now}},
		{"record a ledger claim", `INSERT INTO deliveries (message_id, recipient, wa_message_id, state, claimed_at)
			VALUES (?, ?, ?, 'claimed', ?)`, []any{probeID, phone, probeID, now}},
	}
	for _, s := range []string{vpslink.MessageSending, vpslink.MessageSent, vpslink.MessageFailed, vpslink.MessageCancelled, vpslink.MessagePending} {
		p = append(p, probe{"set a message " + s, `UPDATE scheduled_messages SET status = ?, error_message = 'probe',
			sent_at = ?, wa_message_id = ?, updated_at = ? WHERE id = ?`, []any{s, now, probeID, now, probeID}})
	}
	for _, s := range []string{vpslink.DeliverySent, vpslink.DeliveryDelivered, vpslink.DeliveryRead,
		vpslink.DeliveryNotSent, vpslink.DeliveryUnknown, vpslink.DeliveryFailed, vpslink.DeliveryClaimed} {
		p = append(p, probe{"set a ledger row " + s, `UPDATE deliveries SET state = ?, error = 'probe', attempts = attempts + 1,
			sent_at = ?, delivered_at = ?, read_at = ? WHERE message_id = ?`, []any{s, now, now, now, probeID}})
	}
	p = append(p, probe{"create a job", `INSERT INTO jobs (id, title, status, scheduled_start_at, created_at, config,
		message_parts, recipients, updated_at, next_step_at) VALUES (?, 'probe', 'pending', ?, ?, '{}', '[{"text":"p"}]', '["p"]', ?, ?)`,
		[]any{probeID, now, now, now, now}})
	for _, s := range []string{vpslink.JobRunning, vpslink.JobPaused, vpslink.JobCompleted, vpslink.JobFailed, vpslink.JobCancelled, vpslink.JobPending} {
		p = append(p, probe{"set a job " + s, `UPDATE jobs SET status = ?, completed_at = ?, cancelled_at = ?, error_message = 'probe',
			current_recipient_index = 1, current_part_index = 1, recipients_sent = 1, recipients_failed = 1,
			last_sent_at = ?, next_step_at = ?, updated_at = ? WHERE id = ?`, []any{s, now, now, now, now, now, probeID}})
	}
	p = append(p,
		probe{"capture a chat", `INSERT INTO chats (id, name, is_group, unread_count, last_message_time, created_at, updated_at)
			VALUES (?, 'probe', 0, 1, 1, ?, ?)`, []any{probeID, now, now}},
		probe{"update a chat", `UPDATE chats SET name = 'probe 2', unread_count = 0, last_message_time = 2, updated_at = ? WHERE id = ?`,
			[]any{now, probeID}})
	for _, t := range vpslink.MessageTypes {
		p = append(p, probe{"capture a " + t + " message", `INSERT INTO messages (chat_id, message, timestamp, is_from_me,
			message_type, raw_message, created_at, wa_message_id, sender_jid) VALUES (?, 'probe', 1, 1, ?, '{}', ?, ?, ?)`,
			[]any{probeID, t, now, probeID + "-" + t, probeID}})
	}
	p = append(p, probe{"keep a setting", `INSERT INTO settings (key, value, updated_at) VALUES (?, '1', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, []any{probeID, now}})
	for _, status := range []string{"success", "failed"} {
		if q, args := backupRecord(backupHistory, now, "probe.db.gz", 1, "probe", status, "probe"); q != "" {
			p = append(p, probe{"record a " + status + " snapshot in backup_history", q, args})
		}
	}
	return p
}

// errProbed ends the probe's transaction without writing.
var errProbed = errors.New("probed")

// probeWrites tries every write vpslink makes in a transaction it then
// rolls back, and returns one line for each write the database refuses,
// with SQLite's reason. A handle opened read-only probes through a writer
// connection of its own, which it closes at once.
func (db *DB) probeWrites(ctx context.Context) ([]string, error) {
	if db.readOnly {
		w := &DB{path: db.path, Now: db.Now, write: sql.OpenDB(writerConnector{dsn(db.path, "rw", true)})}
		w.write.SetMaxOpenConns(1)
		defer w.write.Close()
		return w.probeWrites(ctx)
	}
	backupHistory, err := db.backupHistoryColumns(ctx)
	if err != nil {
		return nil, err
	}
	var problems []string
	err = db.transact(ctx, func(tx *Tx) error {
		for _, p := range writeProbes(fmtTime(tx.now), backupHistory) {
			if _, err := tx.ExecContext(ctx, p.query, p.args...); err != nil {
				problems = append(problems, fmt.Sprintf("cannot %s: %v", p.what, err))
				// RAISE(ROLLBACK) in a trigger ends the transaction;
				// nothing more can be tried without writing for real.
				if !tx.inTransaction() {
					return errProbed
				}
			}
		}
		return errProbed
	})
	if !errors.Is(err, errProbed) {
		return nil, fmt.Errorf("probe writes: %w", err)
	}
	return problems, nil
}

// inTransaction reports whether tx's connection is still inside its
// transaction.
func (tx *Tx) inTransaction() bool {
	in := false
	tx.conn.Raw(func(c any) error {
		sc, ok := c.(*sqlite3.SQLiteConn)
		in = ok && !sc.AutoCommit()
		return nil
	})
	return in
}
