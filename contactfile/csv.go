package contactfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// CSV columns, matched without regard to case, spaces or underscores. The
// names cover vpslink's own export, Google Contacts and Outlook.
var (
	nameColumns      = []string{"name", "fullname", "displayname", "fn"}
	givenColumns     = []string{"firstname", "givenname"}
	middleColumns    = []string{"middlename", "additionalname"}
	familyColumns    = []string{"lastname", "familyname", "surname"}
	phoneColumns     = []string{"phone", "phonenumber", "mobile", "mobilephone", "cell", "cellphone"}
	secondaryColumns = []string{"secondaryphone", "homephone", "homephone2", "businessphone", "businessphone2", "workphone", "otherphone", "primaryphone", "carphone", "companymainphone"}
	aliasColumns     = []string{"aliases", "alias", "nickname", "nicknames"}
	tagColumns       = []string{"tags", "labels", "categories", "groupmembership"}
	noteColumns      = []string{"notes", "note"}
	favoriteColumns  = []string{"favorite", "isfavorite", "starred"}
	timezoneColumns  = []string{"timezone", "tz"}
	birthdayColumns  = []string{"birthday", "bday"}
)

// googlePhone matches Google's numbered phone columns: "Phone 1 - Value".
var googlePhone = regexp.MustCompile(`^phone(\d+)-(value|type|label)$`)

// ReadCSV reads contacts from CSV with a header row. A header without any
// phone column, a row with another number of fields than the header, or
// text that is not UTF-8 is a *SyntaxError naming the line. Lists (aliases,
// tags) are separated by ";" (Google's " ::: " too).
func ReadCSV(r io.Reader) ([]Card, error) {
	br := bufio.NewReader(r)
	cr := csv.NewReader(br)
	cr.Comma = separator(br)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &SyntaxError{1, "empty file: a header row is needed"}
	} else if err != nil {
		return nil, csvError(err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	cols, err := mapColumns(header)
	if err != nil {
		return nil, err
	}
	var cards []Card
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		for _, f := range row {
			if !utf8.ValidString(f) {
				return nil, &SyntaxError{line, "not valid UTF-8"}
			}
		}
		if card, ok := cols.card(row, line); ok {
			cards = append(cards, card)
		}
	}
	return cards, nil
}

// separator returns the field separator of the header row: a comma,
// unless the header has none but has semicolons (a spreadsheet's CSV in
// locales that write decimal commas) or tabs.
func separator(br *bufio.Reader) rune {
	head, _ := br.Peek(4096) // a shorter file is returned whole
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	switch {
	case bytes.IndexByte(head, ',') >= 0:
		return ','
	case bytes.IndexByte(head, ';') >= 0:
		return ';'
	case bytes.IndexByte(head, '\t') >= 0:
		return '\t'
	}
	return ','
}

// csvError turns encoding/csv's error into a SyntaxError with its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			msg = "the row has another number of fields than the header"
		}
		return &SyntaxError{pe.Line, msg}
	}
	return err
}

// columns holds the index of each known column, -1 when absent.
type columns struct {
	name, given, middle, family, phone             int
	alias, tag, note, favorite, timezone, birthday int
	// secondary are all secondary phone columns: Outlook has eight, and a
	// contact with only a business number leaves the others empty.
	secondary []int
	// numbered are Google's phone columns in order, with their type column.
	numbered []struct{ value, kind int }
}

func mapColumns(header []string) (*columns, error) {
	c := &columns{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, nil, nil}
	numbered := map[int]*struct{ value, kind int }{}
	var order []int
	for i, h := range header {
		key := strings.NewReplacer(" ", "", "_", "").Replace(strings.ToLower(strings.TrimSpace(h)))
		if m := googlePhone.FindStringSubmatch(key); m != nil {
			n := atoi(m[1])
			if numbered[n] == nil {
				numbered[n] = &struct{ value, kind int }{-1, -1}
				order = append(order, n)
			}
			if m[2] == "value" {
				numbered[n].value = i
			} else {
				numbered[n].kind = i
			}
			continue
		}
		if slices.Contains(secondaryColumns, key) {
			c.secondary = append(c.secondary, i)
			continue
		}
		for _, f := range []struct {
			idx   *int
			names []string
		}{{&c.name, nameColumns}, {&c.given, givenColumns}, {&c.middle, middleColumns}, {&c.family, familyColumns},
			{&c.phone, phoneColumns}, {&c.alias, aliasColumns}, {&c.tag, tagColumns},
			{&c.note, noteColumns}, {&c.favorite, favoriteColumns}, {&c.timezone, timezoneColumns}, {&c.birthday, birthdayColumns}} {
			if *f.idx < 0 && slices.Contains(f.names, key) {
				*f.idx = i
				break
			}
		}
	}
	for _, n := range order {
		if numbered[n].value >= 0 {
			c.numbered = append(c.numbered, *numbered[n])
		}
	}
	if c.phone < 0 && len(c.secondary) == 0 && len(c.numbered) == 0 {
		return nil, &SyntaxError{1, fmt.Sprintf("no phone column in the header (one of: %s)", strings.Join(phoneColumns, ", "))}
	}
	return c, nil
}

// card reads one row; an empty row is no card.
func (c *columns) card(row []string, line int) (Card, bool) {
	get := func(i int) string {
		if i < 0 || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	// text is a text cell a spreadsheet may hold defused (see defuse).
	text := func(i int) string { return undefuse(get(i)) }
	card := Card{Line: line, Name: text(c.name), Note: text(c.note), Timezone: text(c.timezone)}
	if card.Name == "" {
		card.Name = strings.Join(strings.Fields(get(c.given)+" "+get(c.middle)+" "+get(c.family)), " ")
	}
	if v := get(c.phone); v != "" {
		card.Phones = append(card.Phones, Phone{Number: v, Types: []string{"cell"}})
	}
	for _, i := range c.secondary {
		if v := get(i); v != "" {
			card.Phones = append(card.Phones, Phone{Number: v})
		}
	}
	for _, n := range c.numbered {
		kind := strings.ToLower(get(n.kind))
		for _, v := range splitLabels(get(n.value)) {
			card.Phones = append(card.Phones, Phone{Number: v, Types: strings.Fields(strings.ReplaceAll(kind, "*", ""))})
		}
	}
	card.Nickname = splitLabels(text(c.alias))
	for _, t := range splitLabels(text(c.tag)) {
		if !strings.HasPrefix(t, "*") { // Google's system labels: "* myContacts"
			card.Categories = append(card.Categories, t)
		}
	}
	switch strings.ToLower(get(c.favorite)) {
	case "true", "yes", "1", "y", "x":
		card.Favorite = true
	}
	if b, ok := parseBirthday(get(c.birthday)); ok {
		card.Birthday = b
	}
	empty := card.Name == "" && len(card.Phones) == 0 && len(card.Nickname) == 0 && card.Note == ""
	return card, !empty
}

// undefuse removes the apostrophe that defuse (or a spreadsheet) puts
// before a cell that would otherwise be run as a formula, and only that
// one: "'=1+1" reads as "=1+1", "'tis" stays as it is.
func undefuse(s string) string {
	if rest := strings.TrimLeft(s, "'"); len(rest) < len(s) && rest != "" && strings.ContainsRune(formulaStarts, rune(rest[0])) {
		return s[1:]
	}
	return s
}

// splitLabels splits a list cell on ";" and Google's ":::".
func splitLabels(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(strings.ReplaceAll(s, ":::", ";"), func(r rune) bool { return r == ';' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Detect says which format data is in: "vcf" when it starts with
// BEGIN:VCARD (after blank lines or a byte order mark), else "csv".
func Detect(data []byte) string {
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(head) >= 11 && strings.EqualFold(string(head[:11]), "BEGIN:VCARD") {
		return "vcf"
	}
	return "csv"
}
