package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/vpslink/vpslink"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies, in order, every embedded migration not yet recorded in
// schema_migrations, each in its own transaction with its record; then it
// adopts what other tools wrote: tables whose definitions differ from
// vpslink's are rebuilt and contacts' phones normalised. It fails when the
// database still refuses a state vpslink writes. The returned lines say
// what changed and what needs a person's attention. Running it again
// changes nothing.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER NOT NULL PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return nil, fmt.Errorf("create migrations table: %w", describe(err))
	}
	for _, name := range migrationNames() {
		if err := db.migrateFile(ctx, name); err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
	}
	report, err := db.adoptTables(ctx)
	if err != nil {
		return nil, fmt.Errorf("adopt tables: %w", err)
	}
	phones, err := db.adoptPhones(ctx)
	if err != nil {
		return nil, fmt.Errorf("normalise phones: %w", err)
	}
	report = append(report, phones...)
	if problems, err := db.probeWrites(ctx); err != nil {
		return nil, err
	} else if len(problems) > 0 {
		return nil, &RefusedStatesError{Path: db.path, Problems: problems}
	}
	return report, nil
}

// migrationNames lists the embedded migrations in the order they apply.
func migrationNames() []string {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	return names
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	base := strings.TrimPrefix(name, "migrations/")
	version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("name must start with a number")
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	return db.UpdateQuiet(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return describe(err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			version, base, fmtTime(tx.now))
		return err
	})
}

// latestVersion is the number of the newest embedded migration.
func latestVersion() int {
	latest := 0
	for _, name := range migrationNames() {
		v, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, "migrations/"), "_", 2)[0])
		latest = max(latest, v)
	}
	return latest
}

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, db.read)
}

func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// Check runs SQLite's integrity and foreign key checks, compares the
// message counters with the rows and tries every write vpslink makes (then
// rolls it back), and returns every problem found; none means the file is
// sound and vpslink can write every state it needs.
func (db *DB) Check(ctx context.Context) ([]string, error) {
	problems, err := integrityProblems(ctx, db.read)
	if err != nil {
		return nil, err
	}
	for i, p := range problems {
		problems[i] = "integrity: " + p
	}
	rows, err := db.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, fmt.Errorf("foreign key check: %w", describe(err))
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fkid any
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return nil, err
		}
		problems = append(problems, fmt.Sprintf("foreign key: %s row %v references a missing %s", table, rowid, parent))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("foreign key check: %w", describe(err))
	}
	counts, err := db.countProblems(ctx)
	if err != nil {
		return nil, err
	}
	refused, err := db.probeWrites(ctx)
	return append(append(problems, counts...), refused...), err
}

// PhoneFlags lists the contacts whose phone is kept as it was typed because
// the phone rules cannot normalise it without guessing, with the reason.
// They are not errors of the file: a person must correct them.
func (db *DB) PhoneFlags(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT phone, name FROM contacts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read phones: %w", describe(err))
	}
	defer rows.Close()
	var flags []string
	for rows.Next() {
		var phone, name string
		if err := rows.Scan(&phone, &name); err != nil {
			return nil, err
		}
		if problem := vpslink.PhoneProblem(phone); problem != "" {
			flags = append(flags, fmt.Sprintf("contact %s (%s): %s", phone, name, problem))
		}
	}
	return flags, rows.Err()
}

// integrityProblems runs SQLite's integrity_check and returns the problems
// it reports, none for a sound file.
func integrityProblems(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, fmt.Errorf("integrity check: %w", describe(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("integrity check: %w", describe(err))
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("integrity check: %w", describe(err))
	}
	return problems, nil
}

// countProblems compares the per-status message counters with the rows.
func (db *DB) countProblems(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT status, rows, kept FROM (
			SELECT status, count(*) AS rows,
			       (SELECT n FROM scheduled_message_counts c WHERE c.status = m.status) AS kept
			  FROM scheduled_messages m GROUP BY status
			UNION ALL
			SELECT status, 0, n FROM scheduled_message_counts c
			 WHERE NOT EXISTS (SELECT 1 FROM scheduled_messages m WHERE m.status = c.status)
		) WHERE kept IS NOT rows AND NOT (rows = 0 AND kept = 0)`)
	if err != nil {
		return nil, fmt.Errorf("check message counters: %w", describe(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var status string
		var n int
		var kept sql.NullInt64
		if err := rows.Scan(&status, &n, &kept); err != nil {
			return nil, err
		}
		problems = append(problems, fmt.Sprintf("counters: %d messages are %s, the counter says %d", n, status, kept.Int64))
	}
	return problems, rows.Err()
}
