package store

import (
	"database/sql"
	"strings"

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
