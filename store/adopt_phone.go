package store

import (
	"context"
	"fmt"

	"github.com/vpslink/vpslink"
)

// adoptPhones normalises contacts' phones that other tools stored as typed
// ("1(281)793-8853", "0012048079503") with the phone rules, and their
// scheduled messages follow through the trigger contacts_phone_follows.
// A phone the rules refuse, or whose digits already belong to another
// contact, is kept as it is and reported: guessing could send to a
// stranger, and dropping it would lose the contact.
func (db *DB) adoptPhones(ctx context.Context) ([]string, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT phone FROM contacts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read phones: %w", describe(err))
	}
	var report []string
	fix := map[string]string{}
	var order []string
	for rows.Next() {
		var phone string
		if err := rows.Scan(&phone); err != nil {
			rows.Close()
			return nil, err
		}
		if p, err := vpslink.NormalizePhone("phone", phone); err != nil {
			report = append(report, fmt.Sprintf("contacts: phone %q kept as it is and flagged: %v", phone, err))
		} else if p != phone {
			fix[phone] = p
			order = append(order, phone)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(fix) == 0 {
		return report, err
	}
	err = db.UpdateQuiet(ctx, func(tx *Tx) error {
		for _, old := range order {
			p := fix[old]
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE phone = ?`, p).Scan(&taken); err != nil {
				return err
			}
			if taken > 0 {
				report = append(report, fmt.Sprintf("contacts: phone %q kept as it is and flagged: its digits %s are another contact's", old, p))
				continue
			}
			var msgs int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM scheduled_messages WHERE to_phone = ?`, old).Scan(&msgs); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contacts SET phone = ? WHERE phone = ?`, p, old); err != nil {
				return fmt.Errorf("normalise %q: %w", old, err)
			}
			// The foreign key's cascade has done this already; a database
			// whose key is missing still gets it done.
			if _, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET to_phone = ? WHERE to_phone = ?`, p, old); err != nil {
				return fmt.Errorf("normalise messages to %q: %w", old, err)
			}
			report = append(report, fmt.Sprintf("contacts: phone %q normalised to %s (%d scheduled messages follow)", old, p, msgs))
		}
		return nil
	})
	return report, err
}
