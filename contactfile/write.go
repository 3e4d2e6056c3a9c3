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
		if err := cw.Write([]string{phone, c.Name, strings.Join(c.Aliases, "; "), strings.Join(c.Tags, "; "),
			strconv.FormatBool(c.IsFavorite), secondary, c.Timezone, c.Notes}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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
