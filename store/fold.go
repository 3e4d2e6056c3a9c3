package store

import (
	"database/sql"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// SQLite's lower() and LIKE fold ASCII only, so "żaneta" would never find
// "Żaneta". Every connection gets fold(), Go's Unicode lower-casing, for
// the searches people type names into.
const readerDriver = "sqlite3_vpslink"

func init() {
	sql.Register(readerDriver, &sqlite3.SQLiteDriver{ConnectHook: registerFunctions})
}

func registerFunctions(c *sqlite3.SQLiteConn) error {
	return c.RegisterFunc("fold", strings.ToLower, true)
}
