package contactfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// Results of one card in a Report.
const (
	Added     = "added"
	Merged    = "merged"
	Unchanged = "unchanged"
	Skipped   = "skipped"
)

// Report accounts for every card of an imported file.
type Report struct {
	Format    string  `json:"format"`
	DryRun    bool    `json:"dry_run"`
	Cards     int     `json:"cards"`
	Added     int     `json:"added"`
	Merged    int     `json:"merged"`
	Unchanged int     `json:"unchanged"`
	Skipped   int     `json:"skipped"`
	Entries   []Entry `json:"entries"`
	// Birthdays are offered, never scheduled: a person decides whether a
	// yearly message should go out.
	Birthdays []BirthdayOffer `json:"birthdays"`
}

// Entry is what became of one card.
type Entry struct {
	Line   int    `json:"line"`
	Name   string `json:"name"`
	Phone  string `json:"phone,omitempty"`
	Result string `json:"result"`
	// Reason says why a card was skipped; Notes what was changed on the way.
	Reason string   `json:"reason,omitempty"`
	Notes  []string `json:"notes,omitempty"`
}

// BirthdayOffer is a card's birthday, for a yearly message to its contact.
type BirthdayOffer struct {
	Phone    string   `json:"phone"`
	Name     string   `json:"name"`
	Birthday Birthday `json:"birthday"`
	Date     string   `json:"date"`
}

// Read parses a contact file in format "vcf" or "csv" ("" detects it).
func Read(r io.Reader, format string) ([]Card, string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, "", fmt.Errorf("read contact file: %w", err)
	}
	// Checked before the format is detected: an empty file has none, and
	// an empty .vcf taken for a CSV would be asked for a header row.
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))) == 0 {
		return nil, format, vpslink.FieldError("file", "is empty: it holds no contacts")
	}
	if format == "" {
		format = Detect(data)
	}
	var cards []Card
	switch format {
	case "vcf", "vcard":
		format = "vcf"
		cards, err = ReadVCard(bytes.NewReader(data))
	case "csv":
		cards, err = ReadCSV(bytes.NewReader(data))
	default:
		return nil, "", vpslink.FieldError("format", "must be vcf or csv, not %q", format)
	}
	var se *SyntaxError
	if errors.As(err, &se) {
		return nil, format, vpslink.FieldError("file", "%s", se.Error())
	}
	return cards, format, err
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// Import writes the cards in one transaction: a new phone adds a contact, a
// phone that exists merges into it (store.Tx.ImportContact's rules), a card
// the rules refuse is skipped with the reason. With dryRun the transaction
// is rolled back, so the report is exactly what an import would do.
func Import(ctx context.Context, db *store.DB, cards []Card, format string, dryRun bool) (*Report, error) {
	rep := &Report{Format: format, DryRun: dryRun, Cards: len(cards), Entries: []Entry{}, Birthdays: []BirthdayOffer{}}
	err := db.Update(ctx, func(tx *store.Tx) error {
		*rep = Report{Format: format, DryRun: dryRun, Cards: len(cards), Entries: []Entry{}, Birthdays: []BirthdayOffer{}}
		for _, card := range cards {
			if err := rep.add(ctx, tx, card); err != nil {
				return err
			}
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("import contacts: %w", err)
	}
	return rep, nil
}

// add imports one card and records what became of it.
func (rep *Report) add(ctx context.Context, tx *store.Tx, card Card) error {
	e := Entry{Line: card.Line, Name: card.Name}
	c, notes, err := card.Contact()
	e.Notes = notes
	if err != nil {
		if vpslink.ErrorCode(err) != vpslink.EINVALID {
			return err
		}
		e.Result, e.Reason = Skipped, vpslink.ErrorMessage(err)
		rep.Skipped++
		rep.Entries = append(rep.Entries, e)
		return nil
	}
	e.Name, e.Phone = c.Name, c.Phone
	res, err := tx.ImportContact(ctx, c)
	if err != nil {
		return err
	}
	switch res {
	case store.ImportInserted:
		e.Result = Added
		rep.Added++
	case store.ImportUnchanged:
		e.Result = Unchanged
		rep.Unchanged++
	default:
		e.Result = Merged
		rep.Merged++
	}
	rep.Entries = append(rep.Entries, e)
	if card.Birthday != nil {
		rep.Birthdays = append(rep.Birthdays, BirthdayOffer{Phone: c.Phone, Name: c.Name, Birthday: *card.Birthday, Date: card.Birthday.String()})
	}
	return nil
}
