package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/vpslink/vpslink"
)

// WAGroup is what WhatsApp said about a group this account is or was in.
type WAGroup struct {
	ID   string
	Name string // "" keeps the stored name
	// Participants is the group's member count; negative leaves the
	// stored count as it is (a change event carries only who came and
	// went: Joined and Departed).
	Participants     int
	Joined, Departed int
	// Left says this account left the group, was removed or the group was
	// deleted; false says it is a member (again).
	Left bool
}

// SyncGroups writes what WhatsApp said about groups. With complete set,
// groups is every group the account is in (WhatsApp's joined groups at
// connect): any other group still marked as a member is marked left.
func (db *DB) SyncGroups(ctx context.Context, groups []WAGroup, complete bool) error {
	return db.UpdateQuiet(ctx, func(tx *Tx) error {
		now := fmtTime(tx.now)
		for _, g := range groups {
			if err := upsertGroup(ctx, tx, g, now); err != nil {
				return err
			}
		}
		if !complete {
			return nil
		}
		ids := make([]any, 0, len(groups)+1)
		ids = append(ids, now)
		for _, g := range groups {
			ids = append(ids, g.ID)
		}
		notIn := ""
		if len(groups) > 0 {
			notIn = ` AND id NOT IN (?` + strings.Repeat(`, ?`, len(groups)-1) + `)`
		}
		_, err := tx.ExecContext(ctx, `UPDATE chats SET left_at = ?1, updated_at = ?1
			WHERE (is_group = 1 OR id LIKE '%@g.us') AND left_at IS NULL`+notIn, ids...)
		if err != nil {
			return fmt.Errorf("mark groups left: %w", describe(err))
		}
		return nil
	})
}

func upsertGroup(ctx context.Context, tx *Tx, g WAGroup, now string) error {
	var left any
	if g.Left {
		left = now
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO chats (id, name, is_group, unread_count, participant_count, left_at, created_at, updated_at)
		VALUES (?1, nullif(?2, ''), 1, 0, max(max(?3, 0) + ?4 - ?5, 0), ?6, ?7, ?7)
		ON CONFLICT (id) DO UPDATE SET
			name = coalesce(nullif(?2, ''), name),
			is_group = 1,
			participant_count = max(CASE WHEN ?3 >= 0 THEN ?3 ELSE participant_count END + ?4 - ?5, 0),
			left_at = CASE WHEN ?6 IS NULL THEN NULL ELSE coalesce(left_at, ?6) END,
			updated_at = ?7`,
		g.ID, g.Name, g.Participants, g.Joined, g.Departed, left, now)
	if err != nil {
		return fmt.Errorf("upsert group %s: %w", g.ID, describe(err))
	}
	return nil
}

// Groups returns the group chats this database knows, by name.
func (db *DB) Groups(ctx context.Context) ([]*vpslink.Chat, error) {
	return groups(ctx, db.read)
}

// rowsQueryer is what groups reads with: the reader pool or a Tx.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func groups(ctx context.Context, q rowsQueryer) ([]*vpslink.Chat, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE `+groupCond+`
		ORDER BY coalesce(name, '') COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", describe(err))
	}
	defer rows.Close()
	var out []*vpslink.Chat
	for rows.Next() {
		c, err := scanChat(rows)
		if err != nil {
			return nil, fmt.Errorf("list groups: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// groupCond selects group chats: flagged, or with a group JID (rows the
// import or another tool wrote without the flag).
const groupCond = `(is_group = 1 OR id LIKE '%@g.us')`

// LeftGroup reports whether jid is a group this account has left, with a
// label that names it for a person. A group not in chats is not known to
// be left: WhatsApp's own answer decides.
func (db *DB) LeftGroup(ctx context.Context, jid string) (label string, left bool, err error) {
	return leftGroup(ctx, db.read, jid)
}

func leftGroup(ctx context.Context, q queryer, jid string) (label string, left bool, err error) {
	c, err := getChat(ctx, q, jid)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return jid, false, nil
	} else if err != nil {
		return jid, false, err
	}
	return c.Label(), c.LeftAt != nil, nil
}

// checkJoined refuses the recipient to, named by field, when it is the JID
// of a group this account has left (a group chosen by name is refused when
// resolved). Only
// what a person asks for now goes through it: creating, editing and
// resending. An import keeps its history, and a series' next occurrence
// was asked for with the first, whose own send reports the left group.
func (tx *Tx) checkJoined(ctx context.Context, field, to string) error {
	if !vpslink.IsGroupJID(to) {
		return nil
	}
	label, left, err := leftGroup(ctx, tx, to)
	if err != nil {
		return err
	}
	if left {
		return vpslink.NotMemberError(field, label)
	}
	return nil
}

// checkJobJoined is checkJoined for each of j's recipients.
func (tx *Tx) checkJobJoined(ctx context.Context, j *vpslink.Job) error {
	for i, to := range j.Recipients {
		if err := tx.checkJoined(ctx, fmt.Sprintf("recipients[%d]", i), to); err != nil {
			return err
		}
	}
	return nil
}

// groupResolver resolves recipients given as "group:<name>" to the JID of
// the group of that name (vpslink.ResolveGroupName), reading the groups
// once, inside the transaction that saves them.
type groupResolver struct {
	tx     *Tx
	groups []*vpslink.Chat
	read   bool
}

func (r *groupResolver) resolve(ctx context.Context, field string, to *string) (bool, error) {
	name, ok := vpslink.GroupNameOf(*to)
	if !ok {
		return false, nil
	}
	if !r.read {
		gs, err := groups(ctx, r.tx)
		if err != nil {
			return false, err
		}
		r.groups, r.read = gs, true
	}
	jid, err := vpslink.ResolveGroupName(field, name, r.groups)
	if err != nil {
		return false, err
	}
	*to = jid
	return true, nil
}

// resolveMessageGroup resolves m's recipient when it names a group.
func (tx *Tx) resolveMessageGroup(ctx context.Context, m *vpslink.ScheduledMessage) error {
	r := groupResolver{tx: tx}
	_, err := r.resolve(ctx, "to_phone", &m.ToPhone)
	return err
}

// resolveJobGroups resolves j's recipients that name a group, then
// validates j again: a group given by name and by JID is one recipient.
func (tx *Tx) resolveJobGroups(ctx context.Context, j *vpslink.Job) error {
	r := groupResolver{tx: tx}
	named := false
	for i := range j.Recipients {
		ok, err := r.resolve(ctx, fmt.Sprintf("recipients[%d]", i), &j.Recipients[i])
		if err != nil {
			return err
		}
		named = named || ok
	}
	if !named {
		return nil
	}
	return j.Validate()
}

// resolveGroupRecipient is ResolveRecipient for a group's JID or name.
func (db *DB) resolveGroupRecipient(ctx context.Context, field, s string) (*vpslink.Contact, error) {
	jid, err := vpslink.NormalizeToPhone(field, s)
	if name, named := vpslink.GroupNameOf(s); named {
		gs, gerr := groups(ctx, db.read)
		if gerr != nil {
			return nil, gerr
		}
		jid, err = vpslink.ResolveGroupName(field, name, gs)
	}
	if err != nil {
		return nil, err
	}
	c, err := db.GetChat(ctx, jid)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return &vpslink.Contact{Phone: jid}, nil
	} else if err != nil {
		return nil, err
	}
	return &vpslink.Contact{Phone: jid, Name: c.Name}, nil
}
