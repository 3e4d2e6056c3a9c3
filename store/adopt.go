package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// adoptedTables are the tables that databases made by other tools share
// with vpslink. Their definitions may differ from vpslink's (stricter CHECKs,
// NOT NULLs, a missing foreign key); such a table is rebuilt into vpslink's
// definition, rows and ids kept.
var adoptedTables = []string{"contacts", "chats", "scheduled_messages", "jobs", "messages"}

// wantedSchema is the definition of each adopted table as the embedded
// migrations create it in an empty database, keyed by table name.
var wantedSchema = sync.OnceValues(func() (map[string]string, error) {
	mem, err := sql.Open("sqlite3", "file:wanted?mode=memory")
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	mem.SetMaxOpenConns(1)
	for _, name := range migrationNames() {
		body, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if _, err := mem.Exec(string(body)); err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
	}
	want := map[string]string{}
	for _, t := range adoptedTables {
		var s string
		if err := mem.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, t).Scan(&s); err != nil {
			return nil, fmt.Errorf("table %s: %w", t, err)
		}
		want[t] = s
	}
	return want, nil
})

// sameTable compares two CREATE TABLE statements. A rename quotes the
// table's name in the stored statement; the name is the only difference
// a rebuild leaves.
func sameTable(table, got, want string) bool {
	return strings.Replace(got, `CREATE TABLE "`+table+`"`, "CREATE TABLE "+table, 1) == want
}

// schemaObject is one row of sqlite_master.
type schemaObject struct{ typ, name, table, sql string }

// adoptTables rebuilds every adopted table whose definition differs from
// vpslink's, following SQLite's documented procedure for schema changes
// ALTER TABLE cannot make (https://sqlite.org/lang_altertable.html#otheralter),
// all in one transaction: nothing changes unless every table is rebuilt
// and every foreign key holds. It returns one line per change.
func (db *DB) adoptTables(ctx context.Context) ([]string, error) {
	want, err := wantedSchema()
	if err != nil {
		return nil, fmt.Errorf("vpslink's schema: %w", err)
	}
	objects, err := db.schemaObjects(ctx)
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, o := range objects {
		if o.typ == "table" && want[o.name] != "" && !sameTable(o.name, o.sql, want[o.name]) {
			stale = append(stale, o.name)
		}
	}
	if len(stale) == 0 {
		return nil, nil
	}
	var report []string
	err = db.withoutForeignKeys(ctx, func(tx *Tx) error {
		// Views and triggers name the tables being replaced; they are
		// dropped first and re-created, as they were, at the end.
		var recreate []schemaObject
		for _, o := range objects {
			if o.typ == "view" || o.typ == "trigger" {
				recreate = append(recreate, o)
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DROP %s %q`, strings.ToUpper(o.typ), o.name)); err != nil {
					return fmt.Errorf("drop %s %s: %w", o.typ, o.name, err)
				}
			}
		}
		for _, table := range stale {
			changes, err := tx.rebuildTable(ctx, table, want[table], objects)
			if err != nil {
				return fmt.Errorf("rebuild %s: %w", table, err)
			}
			report = append(report, changes...)
		}
		for _, o := range recreate {
			if _, err := tx.ExecContext(ctx, o.sql); err != nil {
				return fmt.Errorf("re-create %s %s: %w", o.typ, o.name, err)
			}
		}
		added, err := tx.addMissingParents(ctx)
		if err != nil {
			return err
		}
		report = append(report, added...)
		return tx.foreignKeysHold(ctx)
	})
	return report, err
}

func (db *DB) schemaObjects(ctx context.Context) ([]schemaObject, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT type, name, tbl_name, sql FROM sqlite_master
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", describe(err))
	}
	defer rows.Close()
	var objects []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.typ, &o.name, &o.table, &o.sql); err != nil {
			return nil, err
		}
		objects = append(objects, o)
	}
	return objects, rows.Err()
}

// rebuildTable replaces table with one made by create, copying every row
// with its rowid, keeping its AUTOINCREMENT counter and re-creating its
// indexes. A column vpslink does not know stops the rebuild rather than
// losing what it holds.
func (tx *Tx) rebuildTable(ctx context.Context, table, create string, objects []schemaObject) ([]string, error) {
	oldCols, err := tx.columns(ctx, table)
	if err != nil {
		return nil, err
	}
	temp := "vpslink_new_" + table
	if _, err := tx.ExecContext(ctx, strings.Replace(create, "CREATE TABLE "+table, "CREATE TABLE "+temp, 1)); err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	newCols, err := tx.columns(ctx, temp)
	if err != nil {
		return nil, err
	}
	var names, values []string
	for _, c := range oldCols {
		n := slices.IndexFunc(newCols, func(nc column) bool { return nc.name == c.name })
		if n < 0 {
			return nil, fmt.Errorf("column %s is not one of vpslink's; move its data elsewhere or drop it, then migrate again", c.name)
		}
		names = append(names, fmt.Sprintf("%q", c.name))
		// A NULL where vpslink's table requires a value takes the column's default.
		v := fmt.Sprintf("%q", c.name)
		if nc := newCols[n]; nc.notNull && nc.dflt.Valid {
			v = fmt.Sprintf("coalesce(%q, %s)", c.name, nc.dflt.String)
		}
		values = append(values, v)
	}
	var seq sql.NullInt64
	tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = ?`, table).Scan(&seq)
	var n int64
	res, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %q (rowid, %s) SELECT rowid, %s FROM %q`,
		temp, strings.Join(names, ", "), strings.Join(values, ", "), table))
	if err != nil {
		return nil, fmt.Errorf("copy rows: %w", err)
	}
	n, _ = res.RowsAffected()
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DROP TABLE %q`, table)); err != nil {
		return nil, fmt.Errorf("drop the old table: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE %q RENAME TO %q`, temp, table)); err != nil {
		return nil, fmt.Errorf("rename: %w", err)
	}
	if seq.Valid {
		if _, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?`, seq.Int64, table); err != nil {
			return nil, fmt.Errorf("keep the id counter: %w", err)
		}
	}
	for _, o := range objects {
		if o.typ == "index" && o.table == table {
			if _, err := tx.ExecContext(ctx, o.sql); err != nil {
				return nil, fmt.Errorf("re-create index %s: %w", o.name, err)
			}
		}
	}
	report := []string{fmt.Sprintf("%s: rebuilt with vpslink's definition, %d rows kept", table, n)}
	for _, c := range newCols {
		if !slices.ContainsFunc(oldCols, func(oc column) bool { return oc.name == c.name }) {
			report = append(report, fmt.Sprintf("%s: column %s added", table, c.name))
		}
	}
	return report, nil
}

type column struct {
	name    string
	notNull bool
	dflt    sql.NullString
}

func (tx *Tx) columns(ctx context.Context, table string) ([]column, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, "notnull", dflt_value FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.notNull, &c.dflt); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// addMissingParents gives a contact to every scheduled message whose phone
// has none, and a chat to every message whose chat is missing, as vpslink
// does when it writes such a row itself, so vpslink's foreign keys hold on
// rows that a schema without them let in.
func (tx *Tx) addMissingParents(ctx context.Context) ([]string, error) {
	var report []string
	for _, add := range []struct{ what, query string }{
		{"contacts", `INSERT OR IGNORE INTO contacts (phone, name)
			SELECT to_phone, coalesce(nullif(max(contact_name), ''), to_phone) FROM scheduled_messages
			 WHERE to_phone NOT IN (SELECT phone FROM contacts) GROUP BY to_phone`},
		{"chats", `INSERT OR IGNORE INTO chats (id) SELECT DISTINCT chat_id FROM messages
			 WHERE chat_id NOT IN (SELECT id FROM chats)`},
	} {
		res, err := tx.ExecContext(ctx, add.query)
		if err != nil {
			return nil, fmt.Errorf("add missing %s: %w", add.what, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			report = append(report, fmt.Sprintf("%s: %d added for rows that referred to none", add.what, n))
		}
	}
	return report, nil
}

// foreignKeysHold fails when any row refers to a missing one.
func (tx *Tx) foreignKeysHold(ctx context.Context) error {
	var table string
	var rowid sql.NullInt64
	var parent string
	var fk int
	err := tx.QueryRowContext(ctx, `PRAGMA foreign_key_check`).Scan(&table, &rowid, &parent, &fk)
	if err == sql.ErrNoRows {
		return nil
	} else if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	return fmt.Errorf("%s row %d refers to a missing %s row", table, rowid.Int64, parent)
}

// withoutForeignKeys runs fn in a write transaction with foreign key
// enforcement off, which a table rebuild needs (dropping a referenced table
// would otherwise delete or refuse), and with the legacy ALTER TABLE
// behaviour, so that renaming the new table leaves other tables' references
// alone. Both are connection settings that only take effect outside a
// transaction; they are restored, or the connection discarded, afterwards.
func (db *DB) withoutForeignKeys(ctx context.Context, fn func(tx *Tx) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("writer connection: %w", err)
	}
	defer conn.Close()
	bg := context.WithoutCancel(ctx)
	defer func() {
		if _, err := conn.ExecContext(bg, `PRAGMA foreign_keys = ON; PRAGMA legacy_alter_table = OFF`); err != nil {
			discard(conn)
		}
	}()
	if _, err := conn.ExecContext(bg, `PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON`); err != nil {
		return fmt.Errorf("prepare rebuild: %w", err)
	}
	if _, err := conn.ExecContext(bg, `BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("begin: %w", describe(err))
	}
	tx := &Tx{conn: conn, db: db, now: db.Now().UTC()}
	if err := fn(tx); err != nil {
		rollback(conn)
		return err
	}
	if _, err := conn.ExecContext(bg, `COMMIT`); err != nil {
		rollback(conn)
		return fmt.Errorf("commit: %w", describe(err))
	}
	return nil
}
