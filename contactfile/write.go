package contactfile

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vpslink/vpslink"
)

// csvHeader is the export's header; ReadCSV reads it back.
var csvHeader = []string{"phone", "name", "aliases", "tags", "favorite", "secondary_phone", "timezone", "notes"}

// WriteCSV writes contacts as CSV with a header row; lists are joined by "; ".
func WriteCSV(w io.Writer, contacts []*vpslink.Contact) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, c := range contacts {
		phone := c.Phone
		if c.PhoneProblem == "" {
			phone = "+" + phone
		}
		secondary := c.SecondaryPhone
		if secondary != "" {
			secondary = "+" + secondary
		}
		if err := cw.Write([]string{phone, defuse(c.Name), defuse(strings.Join(c.Aliases, "; ")), defuse(strings.Join(c.Tags, "; ")),
			strconv.FormatBool(c.IsFavorite), secondary, defuse(c.Timezone), defuse(c.Notes)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaStarts are the first characters that make a spreadsheet run a
// cell as a formula (=HYPERLINK(...) in a name would be a live link).
const formulaStarts = "=+-@\t\r"

// defuse makes a text cell that a spreadsheet would run as a formula plain
// text, as spreadsheets themselves do: with a leading apostrophe. A cell
// that already starts with apostrophes before such a character gets one
// more, so that ReadCSV's undefuse gives every text back exactly. The
// phone columns are not defused: their leading + is the number's.
func defuse(s string) string {
	if rest := strings.TrimLeft(s, "'"); rest != "" && strings.ContainsRune(formulaStarts, rune(rest[0])) {
		return "'" + s
	}
	return s
}

// WriteVCard writes contacts as vCard 4.0 (RFC 6350): CRLF line ends, lines
// folded at 75 octets, text escaped. A favourite carries the category
// "Favorites" as phones' own exports do.
func WriteVCard(w io.Writer, contacts []*vpslink.Contact) error {
	bw := bufio.NewWriter(w)
	for _, c := range contacts {
		line := func(s string) { writeFolded(bw, s) }
		line("BEGIN:VCARD")
		line("VERSION:4.0")
		line("FN:" + escape(c.Name))
		if c.PhoneProblem == "" {
			line("TEL;VALUE=uri;TYPE=cell;PREF=1:tel:+" + c.Phone)
		} else {
			line("TEL;VALUE=text:" + escape(c.Phone)) // kept as typed: not a valid URI
		}
		if c.SecondaryPhone != "" {
			line("TEL;VALUE=uri:tel:+" + c.SecondaryPhone)
		}
		if len(c.Aliases) > 0 {
			line("NICKNAME:" + escapeList(c.Aliases))
		}
		categories := c.Tags
		if c.IsFavorite {
			categories = append(categories[:len(categories):len(categories)], favoritesCategory)
		}
		if len(categories) > 0 {
			line("CATEGORIES:" + escapeList(categories))
		}
		if c.Timezone != "" {
			line("TZ:" + escape(c.Timezone))
		}
		if c.Notes != "" {
			line("NOTE:" + escape(c.Notes))
		}
		line("END:VCARD")
	}
	return bw.Flush()
}

// favoritesCategory marks a favourite in a vCard; reading it back sets
// the flag instead of a tag.
const favoritesCategory = "Favorites"

func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\n", `\n`, ",", `\,`, ";", `\;`).Replace(s)
}

func escapeList(l []string) string {
	parts := make([]string, len(l))
	for i, s := range l {
		parts[i] = escape(s)
	}
	return strings.Join(parts, ",")
}

// writeFolded writes one content line, folded so that no physical line is
// longer than 75 octets and no UTF-8 sequence is split.
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
