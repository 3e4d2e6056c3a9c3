package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vpslink/vpslink"
)

const contactColumns = `id, phone, name, aliases, tags, is_favorite,
	coalesce(secondary_phone, ''), coalesce(timezone, ''), coalesce(notes, ''), created_at, updated_at`

// CreateContact inserts a contact after validating and normalising it.
func (db *DB) CreateContact(ctx context.Context, c *vpslink.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		aliases, tags := jsonList(c.Aliases), jsonList(c.Tags)
		c.CreatedAt, c.UpdatedAt = tx.now, tx.now
		res, err := tx.ExecContext(ctx, `INSERT INTO contacts
			(phone, name, aliases, tags, is_favorite, secondary_phone, timezone, notes, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Phone, c.Name, aliases, tags, c.IsFavorite, nullString(c.SecondaryPhone),
			nullString(c.Timezone), nullString(c.Notes), fmtTime(tx.now), fmtTime(tx.now))
		if err != nil {
			if vpslink.ErrorCode(describe(err)) == vpslink.ECONFLICT {
				return vpslink.Errorf(vpslink.ECONFLICT, "contact %s already exists", c.Phone)
			}
			return fmt.Errorf("insert contact: %w", err)
		}
		c.ID, _ = res.LastInsertId()
		return nil
	})
}

// contactPhone returns the stored phone that phone names: the very text
// when a contact has it (a number kept as it was typed and flagged, which
// must stay reachable to be corrected), else the phone rules' form, or a
// group's JID as it is.
func contactPhone(ctx context.Context, q queryer, field, phone string) (string, error) {
	var stored string
	err := q.QueryRowContext(ctx, `SELECT phone FROM contacts WHERE phone = ?`, strings.TrimSpace(phone)).Scan(&stored)
	if err == nil {
		return stored, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("find contact: %w", describe(err))
	}
	return vpslink.NormalizeToPhone(field, phone)
}

// GetContact returns the contact with the given phone (any accepted form,
// or a flagged phone exactly as it is stored).
func (db *DB) GetContact(ctx context.Context, phone string) (*vpslink.Contact, error) {
	p, err := contactPhone(ctx, db.read, "phone", phone)
	if err != nil {
		return nil, err
	}
	c, err := scanContact(db.read.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE phone = ?`, p))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vpslink.Errorf(vpslink.ENOTFOUND, "contact %s not found", p)
	} else if err != nil {
		return nil, fmt.Errorf("get contact: %w", describe(err))
	}
	return c, nil
}

// ContactNames returns the names of the contacts among phones, keyed by
// phone, in one query however many there are (a broadcast's recipients).
func (db *DB) ContactNames(ctx context.Context, phones []string) (map[string]string, error) {
	list, err := json.Marshal(phones)
	if err != nil {
		return nil, fmt.Errorf("contact names: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT phone, name FROM contacts WHERE phone IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("contact names: %w", describe(err))
	}
	defer rows.Close()
	names := make(map[string]string, len(phones))
	for rows.Next() {
		var phone, name string
		if err := rows.Scan(&phone, &name); err != nil {
			return nil, fmt.Errorf("contact names: %w", err)
		}
		names[phone] = name
	}
	return names, rows.Err()
}

// ListContacts returns one page of contacts ordered by name, and the number
// of contacts that match the filter.
func (db *DB) ListContacts(ctx context.Context, f vpslink.ContactFilter) ([]*vpslink.Contact, int, error) {
	var where []string
	var args []any
	if s := strings.TrimSpace(f.Search); s != "" {
		name, nameArgs := foldContains("name", s)
		alias, aliasArgs := foldContains("json_each.value", s)
		where = append(where, `(phone LIKE ? ESCAPE '\' OR `+name+`
			OR EXISTS (SELECT 1 FROM json_each(contacts.aliases) WHERE `+alias+`))`)
		args = append(append(append(args, "%"+escapeLike(s)+"%"), nameArgs...), aliasArgs...)
	}
	if f.Favorite != nil {
		where = append(where, `is_favorite = ?`)
		args = append(args, *f.Favorite)
	}
	if f.Tag != "" {
		tag, tagArgs := foldEquals("json_each.value", f.Tag)
		where = append(where, `EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE `+tag+`)`)
		args = append(args, tagArgs...)
	}
	cond := whereClause(where)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM contacts`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count contacts: %w", describe(err))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts`+cond+
		` ORDER BY name COLLATE NOCASE, phone LIMIT ? OFFSET ?`, append(args, limit(f.Limit), f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list contacts: %w", describe(err))
	}
	defer rows.Close()
	out := []*vpslink.Contact{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list contacts: %w", err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// UpdateContact changes the given fields of a contact and returns it.
// A flagged phone (kept as it was typed) stays as it is unless u.Phone
// corrects it; the contact's scheduled messages follow a new phone.
func (db *DB) UpdateContact(ctx context.Context, phone string, u vpslink.ContactUpdate) (*vpslink.Contact, error) {
	var c *vpslink.Contact
	err := db.Update(ctx, func(tx *Tx) error {
		p, err := contactPhone(ctx, tx, "phone", phone)
		if err != nil {
			return err
		}
		c, err = scanContact(tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE phone = ?`, p))
		if errors.Is(err, sql.ErrNoRows) {
			return vpslink.Errorf(vpslink.ENOTFOUND, "contact %s not found", p)
		} else if err != nil {
			return fmt.Errorf("get contact: %w", err)
		}
		applyContactUpdate(c, u)
		validate := c.Validate
		if u.Phone == nil && c.PhoneProblem != "" {
			validate = c.ValidateDetails // a flagged phone stays until it is corrected
		}
		if err := validate(); err != nil {
			return err
		}
		if c.Phone != p {
			// Only a phone that changes is written: the trigger
			// contacts_phone_follows rewrites every scheduled message of
			// the contact.
			if _, err := tx.ExecContext(ctx, `UPDATE contacts SET phone = ? WHERE id = ?`, c.Phone, c.ID); err != nil {
				if vpslink.ErrorCode(describe(err)) == vpslink.ECONFLICT {
					return vpslink.Errorf(vpslink.ECONFLICT, "contact %s already exists", c.Phone)
				}
				return fmt.Errorf("change phone: %w", describe(err))
			}
		}
		c.UpdatedAt = tx.now
		_, err = tx.ExecContext(ctx, `UPDATE contacts SET name = ?, aliases = ?, tags = ?, is_favorite = ?,
			secondary_phone = ?, timezone = ?, notes = ?, updated_at = ? WHERE id = ?`,
			c.Name, jsonList(c.Aliases), jsonList(c.Tags), c.IsFavorite, nullString(c.SecondaryPhone),
			nullString(c.Timezone), nullString(c.Notes), fmtTime(tx.now), c.ID)
		if err != nil {
			return fmt.Errorf("update contact: %w", describe(err))
		}
		c.PhoneProblem = vpslink.PhoneProblem(c.Phone)
		return nil
	})
	return c, err
}

func applyContactUpdate(c *vpslink.Contact, u vpslink.ContactUpdate) {
	if u.Phone != nil {
		c.Phone = *u.Phone
	}
	if u.Name != nil {
		c.Name = *u.Name
	}
	if u.Aliases != nil {
		c.Aliases = *u.Aliases
	}
	if u.Tags != nil {
		c.Tags = *u.Tags
	}
	if u.IsFavorite != nil {
		c.IsFavorite = *u.IsFavorite
	}
	if u.SecondaryPhone != nil {
		c.SecondaryPhone = *u.SecondaryPhone
	}
	if u.Timezone != nil {
		c.Timezone = *u.Timezone
	}
	if u.Notes != nil {
		c.Notes = *u.Notes
	}
}

// DeleteContact removes a contact. A contact that scheduled messages still
// point at is a conflict: its history would lose its recipient.
func (db *DB) DeleteContact(ctx context.Context, phone string) error {
	return db.Update(ctx, func(tx *Tx) error {
		p, err := contactPhone(ctx, tx, "phone", phone)
		if err != nil {
			return err
		}
		// History (sent, failed, cancelled) keeps its phone and name and
		// does not hold the contact; a message still to be sent does.
		var ids []string
		rows, err := tx.QueryContext(ctx, `SELECT id FROM scheduled_messages
			WHERE to_phone = ? AND status IN ('pending', 'sending') ORDER BY scheduled_at, id`, p)
		if err != nil {
			return fmt.Errorf("find pending messages: %w", describe(err))
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find pending messages: %w", err)
		}
		if len(ids) > 0 {
			return vpslink.Errorf(vpslink.ECONFLICT, "contact %s has %d messages still to send (%s); cancel them first",
				p, len(ids), strings.Join(ids, ", "))
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE phone = ?`, p)
		if err != nil {
			return fmt.Errorf("delete contact: %w", describe(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vpslink.Errorf(vpslink.ENOTFOUND, "contact %s not found", p)
		}
		return nil
	})
}

// ResolveRecipient turns what a user typed for a recipient (a phone, a
// contact's name or one of its aliases) into a contact. An unknown phone
// returns a contact with only the phone set; an unknown or ambiguous name is
// an error naming field. A group (its JID, or "group:<name>") is answered
// in the same shape: its JID as the phone and its name.
func (db *DB) ResolveRecipient(ctx context.Context, field, s string) (*vpslink.Contact, error) {
	s = strings.TrimSpace(s)
	if _, named := vpslink.GroupNameOf(s); named || vpslink.IsGroupJID(s) {
		return db.resolveGroupRecipient(ctx, field, s)
	}
	if phone, err := vpslink.NormalizePhone(field, s); err == nil {
		c, err := db.GetContact(ctx, phone)
		if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
			return &vpslink.Contact{Phone: phone}, nil
		}
		return c, err
	}
	name, nameArgs := foldEquals("name", s)
	alias, aliasArgs := foldEquals("json_each.value", s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts
		WHERE `+name+` OR EXISTS (SELECT 1 FROM json_each(contacts.aliases) WHERE `+alias+`)
		ORDER BY phone`, append(nameArgs, aliasArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("resolve recipient: %w", describe(err))
	}
	defer rows.Close()
	var found []*vpslink.Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		found = append(found, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, vpslink.FieldError(field, "no contact, alias or phone number %q", s)
	case 1:
		return found[0], nil
	}
	var names []string
	for _, c := range found {
		names = append(names, fmt.Sprintf("%s (%s)", c.Name, c.Phone))
	}
	return nil, vpslink.FieldError(field, "%q is ambiguous: %s", s, strings.Join(names, ", "))
}

type scanner interface{ Scan(...any) error }

func scanContact(row scanner) (*vpslink.Contact, error) {
	var c vpslink.Contact
	var aliases, tags sql.NullString
	var created, updated string
	if err := row.Scan(&c.ID, &c.Phone, &c.Name, &aliases, &tags, &c.IsFavorite,
		&c.SecondaryPhone, &c.Timezone, &c.Notes, &created, &updated); err != nil {
		return nil, err
	}
	c.Aliases, c.Tags = parseList(aliases), parseList(tags)
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	c.PhoneProblem = vpslink.PhoneProblem(c.Phone)
	return &c, nil
}

// parseList reads a JSON array column; other tools may have written NULL or
// a bare string, which read as an empty list or a list of one.
func parseList(s sql.NullString) []string {
	out := []string{}
	if !s.Valid || s.String == "" {
		return out
	}
	if l, ok := parsePlainList(s.String); ok {
		return l
	}
	if err := json.Unmarshal([]byte(s.String), &out); err != nil {
		var one string
		if json.Unmarshal([]byte(s.String), &one) == nil && one != "" {
			return []string{one}
		}
		return []string{}
	}
	return out
}

// parsePlainList reads the form vpslink itself writes, a JSON array of
// strings without escapes, faster than json.Unmarshal (a list of 1,000
// contacts reads 2,000 of them). Anything else is left to json.Unmarshal.
func parsePlainList(s string) ([]string, bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' || !utf8.ValidString(s) {
		return nil, false
	}
	out := []string{}
	rest := s[1 : len(s)-1]
	for len(rest) > 0 {
		if rest[0] != '"' {
			return nil, false
		}
		end := strings.IndexByte(rest[1:], '"') + 1
		if end == 0 {
			return nil, false
		}
		item := rest[1:end]
		for i := 0; i < len(item); i++ {
			if item[i] == '\\' || item[i] < 0x20 {
				return nil, false
			}
		}
		out = append(out, item)
		rest = rest[end+1:]
		if len(rest) > 0 {
			if rest[0] != ',' || len(rest) == 1 {
				return nil, false
			}
			rest = rest[1:]
		}
	}
	return out, true
}

func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// phoneDigits returns the digits of a search written as a phone number
// ("+48 601-234"), which are stored without the punctuation; "" when s is
// not one.
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("+ -.()", r):
		default:
			return ""
		}
	}
	return b.String()
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// DefaultLimit and MaxLimit bound list pages.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

func limit(n int) int {
	if n <= 0 {
		return DefaultLimit
	}
	return min(n, MaxLimit)
}
