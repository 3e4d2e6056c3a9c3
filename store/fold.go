package store

import (
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/text/unicode/norm"
)

// SQLite's lower() and LIKE fold ASCII only, so "żaneta" would never find
// "Żaneta". Every connection gets fold() for the searches people type
// names into, and the searched-for text goes through the same fold.
const readerDriver = "sqlite3_vpslink"

func init() {
	sql.Register(readerDriver, &sqlite3.SQLiteDriver{ConnectHook: registerFunctions})
}

func registerFunctions(c *sqlite3.SQLiteConn) error {
	return c.RegisterFunc("fold", fold, true)
}

// fold lower-cases s beyond ASCII and composes it (NFC): "ü" typed as
// "u" and a combining diaeresis, as macOS writes names in files, is the
// same letter as the composed "Ü" lower-cased.
func fold(s string) string {
	return norm.NFC.String(strings.ToLower(s))
}

// foldContains returns a condition true where fold(expr) contains fold(q),
// and its arguments. fold() is a call from SQLite into Go that costs a
// microsecond or more, which over every message of a list was most of a
// search's time, so the condition asks SQLite (in C) first:
//
//   - fold(q)'s ASCII characters must be in the value in the same order and,
//     where they are neighbours in fold(q), side by side: LIKE, which folds
//     ASCII letters as fold() does, finds that. fold() makes an ASCII
//     character of an ASCII one (lower-cased) or of one of foldsToASCII;
//     composing only merges a letter with the marks after it, never
//     separates two letters.
//   - a value in ASCII alone is its own folding, and LIKE decides; only
//     the others go to fold().
func foldContains(expr, q string) (string, []any) { return foldMatch(expr, q, true) }

// foldEquals is foldContains for fold(expr) = fold(q).
func foldEquals(expr, q string) (string, []any) { return foldMatch(expr, q, false) }

// foldsToASCII are the only characters outside ASCII that fold() turns
// into ASCII ones (İ, the Greek question mark, the Greek varia and the
// Kelvin sign), with what they become.
var foldsToASCII = []struct {
	r rune
	c byte
}{{'\u0130', 'i'}, {'\u037e', ';'}, {'\u1fef', '`'}, {'\u212a', 'k'}}

func foldMatch(expr, q string, contains bool) (string, []any) {
	fq := fold(q)
	exact := escapeLike(fq)
	if contains {
		exact = "%" + exact + "%"
	}
	if strings.IndexByte(fq, 0) >= 0 {
		// NUL ends a LIKE pattern: such a search goes to fold() alone.
		if contains {
			return `fold(` + expr + `) LIKE ? ESCAPE '\'`, []any{exact}
		}
		return `fold(` + expr + `) = ?`, []any{fq}
	}
	var cond strings.Builder
	var args []any
	if skeleton := asciiSkeleton(fq, contains); skeleton != "%" {
		cond.WriteString(`(` + expr + ` LIKE ? ESCAPE '\'`)
		args = append(args, skeleton)
		for _, f := range foldsToASCII {
			if strings.IndexByte(fq, f.c) >= 0 {
				cond.WriteString(` OR instr(` + expr + `, char(?)) > 0`)
				args = append(args, f.r)
			}
		}
		cond.WriteString(`) AND `)
	}
	cond.WriteString(`CASE WHEN length(` + expr + `) = length(CAST(` + expr + ` AS BLOB)) THEN ` + expr + ` LIKE ? ESCAPE '\'
		ELSE fold(` + expr + `) LIKE ? ESCAPE '\' END`)
	args = append(args, exact, exact)
	return `(` + cond.String() + `)`, args
}

// asciiSkeleton returns the LIKE pattern of fq's ASCII characters, with a
// % for each run of others (and at both ends when contains is set).
func asciiSkeleton(fq string, contains bool) string {
	var b strings.Builder
	wild := contains
	if wild {
		b.WriteByte('%')
	}
	for _, r := range fq {
		if r < utf8.RuneSelf {
			b.WriteString(escapeLike(string(r)))
			wild = false
		} else if !wild {
			b.WriteByte('%')
			wild = true
		}
	}
	if contains && !wild {
		b.WriteByte('%')
	}
	return b.String()
}
