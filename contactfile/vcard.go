package contactfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxLine bounds one unfolded content line; photos are the long ones.
const maxLine = 4 << 20

// ReadVCard reads every card of a vCard 3.0 or 4.0 file (RFC 2426, RFC
// 6350). Properties vpslink has no use for (photos, addresses, …) are
// skipped; a line that is not a property, a card without END, or a version
// other than 3.0 and 4.0 is a *SyntaxError naming the line.
func ReadVCard(r io.Reader) ([]Card, error) {
	lines := newUnfolder(r)
	var cards []Card
	var card *Card
	for {
		line, n, err := lines.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		p, ok := parseProperty(line)
		if !ok {
			return nil, &SyntaxError{n, "not a vCard property (NAME:value)"}
		}
		switch {
		case p.name == "BEGIN" && strings.EqualFold(p.value, "VCARD"):
			if card != nil {
				return nil, &SyntaxError{n, "BEGIN:VCARD inside a card that has no END:VCARD"}
			}
			card = &Card{Line: n}
		case card == nil:
			return nil, &SyntaxError{n, "property outside a card (BEGIN:VCARD missing)"}
		case p.name == "END" && strings.EqualFold(p.value, "VCARD"):
			cards = append(cards, *card)
			card = nil
		default:
			if err := card.set(p); err != nil {
				return nil, &SyntaxError{n, err.Error()}
			}
		}
	}
	if card != nil {
		return nil, &SyntaxError{card.Line, "card has no END:VCARD"}
	}
	if len(cards) == 0 {
		return nil, &SyntaxError{1, "no BEGIN:VCARD: not a vCard file"}
	}
	return cards, nil
}

// set takes one property into the card.
func (c *Card) set(p property) error {
	switch p.name {
	case "VERSION":
		if p.value != "3.0" && p.value != "4.0" {
			return fmt.Errorf("vCard version %q is not supported (3.0 and 4.0 are)", p.value)
		}
	case "FN":
		c.Name = unescape(p.value)
	case "N":
		if c.Name == "" {
			c.Name = nameFromN(p.value)
		}
	case "TEL":
		number := strings.TrimPrefix(unescape(p.value), "tel:")
		number, _, _ = strings.Cut(number, ";") // tel:+44…;ext=12
		if strings.TrimSpace(number) != "" {
			c.Phones = append(c.Phones, Phone{Number: number, Types: p.types()})
		}
	case "NICKNAME":
		c.Nickname = append(c.Nickname, splitList(p.value)...)
	case "CATEGORIES":
		for _, cat := range splitList(p.value) {
			if strings.EqualFold(cat, favoritesCategory) || strings.EqualFold(cat, "starred") {
				c.Favorite = true
			} else {
				c.Categories = append(c.Categories, cat)
			}
		}
	case "NOTE":
		c.Note = unescape(p.value)
	case "TZ":
		if tz := unescape(p.value); strings.Contains(tz, "/") {
			c.Timezone = tz // an IANA name; offsets like -05:00 say nothing of DST
		}
	case "BDAY":
		if b, ok := parseBirthday(p.value); ok {
			c.Birthday = b
		}
	}
	return nil
}

// nameFromN builds "Given Family" from N's Family;Given;Additional;Prefix;Suffix.
func nameFromN(v string) string {
	parts := splitEscaped(v, ';')
	var given, family string
	if len(parts) > 0 {
		family = unescape(parts[0])
	}
	if len(parts) > 1 {
		given = unescape(parts[1])
	}
	return strings.TrimSpace(strings.ReplaceAll(given+" "+family, ",", " "))
}

// property is one content line: [group.]NAME *(;param) : value.
type property struct {
	name   string
	params map[string][]string
	value  string
}

// types lists the TYPE parameter's values in lower case, however the file
// wrote them (TYPE=CELL;TYPE=VOICE, TYPE="cell,voice", or 2.1-style bare CELL).
func (p property) types() []string {
	var out []string
	for _, v := range p.params["TYPE"] {
		for _, t := range strings.Split(v, ",") {
			if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// parseProperty splits a content line. The colon that ends the name and
// parameters is the first one outside double quotes.
func parseProperty(line string) (property, bool) {
	inQuote := false
	colon := -1
	for i := 0; i < len(line) && colon < 0; i++ {
		switch line[i] {
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote {
				colon = i
			}
		}
	}
	if colon <= 0 {
		return property{}, false
	}
	head := strings.Split(line[:colon], ";")
	name := head[0]
	if _, after, ok := strings.Cut(name, "."); ok {
		name = after // item1.TEL
	}
	name = strings.ToUpper(strings.TrimSpace(name))
	if name == "" || strings.ContainsAny(name, " \t\"") {
		return property{}, false
	}
	p := property{name: name, params: map[string][]string{}, value: line[colon+1:]}
	for _, param := range head[1:] {
		k, v, ok := strings.Cut(param, "=")
		if !ok {
			k, v = "TYPE", k // vCard 2.1 style: TEL;CELL:…
		}
		p.params[strings.ToUpper(strings.TrimSpace(k))] = append(p.params[strings.ToUpper(strings.TrimSpace(k))], strings.Trim(v, `"`))
	}
	return p, true
}

// unescape undoes vCard text escaping: \n, \N, \, \; and \\.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == 'n' || s[i] == 'N' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return strings.TrimSpace(b.String())
}

// splitEscaped splits on sep where it is not escaped by a backslash.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
		} else if s[i] == sep {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// splitList reads a comma-separated text list (NICKNAME, CATEGORIES).
func splitList(v string) []string {
	var out []string
	for _, s := range splitEscaped(v, ',') {
		if s = unescape(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// unfolder yields logical lines: a physical line that starts with a space
// or a tab continues the one before it (RFC 6350 §3.2).
type unfolder struct {
	r       *bufio.Reader
	lineNo  int
	pending []byte // the next physical line, read ahead
	pendNo  int
	eof     bool
}

func newUnfolder(r io.Reader) *unfolder {
	return &unfolder{r: bufio.NewReaderSize(r, 64<<10)}
}

// physical reads one physical line without its line break.
func (u *unfolder) physical() ([]byte, error) {
	var line []byte
	for {
		chunk, err := u.r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, &SyntaxError{u.lineNo + 1, "line is longer than 4 MiB"}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(line) == 0 {
			return nil, io.EOF
		} else if err != nil && err != io.EOF {
			return nil, err
		}
		u.lineNo++
		line = bytes.TrimRight(line, "\r\n")
		if u.lineNo == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a byte order mark
		}
		if !utf8.Valid(line) {
			return nil, &SyntaxError{u.lineNo, "not valid UTF-8"}
		}
		return line, nil
	}
}

// next returns the next logical line and the number of its first physical line.
func (u *unfolder) next() (string, int, error) {
	if u.pending == nil && !u.eof {
		line, err := u.physical()
		if err == io.EOF {
			u.eof = true
		} else if err != nil {
			return "", 0, err
		}
		u.pending, u.pendNo = line, u.lineNo
	}
	if u.pending == nil {
		return "", 0, io.EOF
	}
	logical, start := u.pending, u.pendNo
	u.pending = nil
	for !u.eof {
		line, err := u.physical()
		if err == io.EOF {
			u.eof = true
			break
		} else if err != nil {
			return "", 0, err
		}
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			logical = append(logical, line[1:]...)
			if len(logical) > maxLine {
				return "", 0, &SyntaxError{start, "line is longer than 4 MiB"}
			}
			continue
		}
		u.pending, u.pendNo = line, u.lineNo
		break
	}
	return string(logical), start, nil
}
