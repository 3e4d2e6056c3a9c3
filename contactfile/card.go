// Package contactfile reads and writes contact files: vCard 3.0 and 4.0 (as
// phones and Google Contacts export them) and CSV with a header row. Reading
// gives Cards, which keep what the file said; Card.Contact turns one into a
// vpslink.Contact under the domain's rules, and Import writes a whole file in
// one transaction with a report that accounts for every card.
//
// It imports only the root package and store.
package contactfile

import (
	"fmt"
	"slices"
	"strings"
)

// Card is one contact as a file holds it, before the phone rules.
type Card struct {
	// Line is the file line the card starts on (a CSV row's line).
	Line     int
	Name     string
	Phones   []Phone
	Nickname []string
	// Categories become the contact's tags.
	Categories []string
	Note       string
	Timezone   string
	Favorite   bool
	// Birthday is the card's birthday, if it has one.
	Birthday *Birthday
}

// Phone is one number of a card with the types the file gave it
// (lower case: "cell", "home", "work", …).
type Phone struct {
	Number string
	Types  []string
}

// mobile reports whether the file marks the number as a mobile one.
func (p Phone) mobile() bool {
	return slices.ContainsFunc(p.Types, func(t string) bool { return t == "cell" || t == "mobile" })
}

// Birthday is a day of the year, with the year when the file gives one.
type Birthday struct {
	Year  int `json:"year,omitempty"`
	Month int `json:"month"`
	Day   int `json:"day"`
}

// String gives the birthday as ISO 8601 does: 1980-03-14, or --03-14
// without a year.
func (b Birthday) String() string {
	if b.Year == 0 {
		return fmt.Sprintf("--%02d-%02d", b.Month, b.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", b.Year, b.Month, b.Day)
}

// parseBirthday reads the forms vCard and contact exports use: 1980-03-14,
// 19800314, --03-14, --0314, and any of them followed by a time.
func parseBirthday(s string) (*Birthday, bool) {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "T")
	var b Birthday
	var rest string
	if r, ok := strings.CutPrefix(s, "--"); ok {
		rest = r
	} else {
		digits := strings.ReplaceAll(s, "-", "")
		if len(digits) != 8 || !allDigits(digits) {
			return nil, false
		}
		b.Year = atoi(digits[:4])
		rest = digits[4:]
	}
	rest = strings.ReplaceAll(rest, "-", "")
	if len(rest) != 4 || !allDigits(rest) {
		return nil, false
	}
	b.Month, b.Day = atoi(rest[:2]), atoi(rest[2:])
	if b.Month < 1 || b.Month > 12 || b.Day < 1 || b.Day > daysIn(b.Month) {
		return nil, false
	}
	if b.Year != 0 && (b.Year < 1800 || b.Year > 2200) {
		b.Year = 0 // placeholder years some phones write (1604, 0000)
	}
	return &b, true
}

// daysIn is the most days the month can have (29 for February).
func daysIn(month int) int {
	return [...]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// SyntaxError says which line of a file cannot be read.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }
