package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

func newDBCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "db", Short: "Create, upgrade and check the database"}
	cmd.AddCommand(&cobra.Command{
		Use:   "migrate",
		Short: "Create the database or upgrade its schema (safe to repeat)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			db, err := store.Open(cmd.Context(), cfg.DB)
			if err != nil {
				return err
			}
			defer db.Close()
			v, err := db.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			changes := db.MigrateReport()
			if a.jsonOut {
				return a.printJSON(map[string]any{"database": cfg.DB, "schema_version": v, "changes": append([]string{}, changes...)})
			}
			for _, c := range changes {
				fmt.Fprintln(a.stdout, c)
			}
			fmt.Fprintf(a.stdout, "%s: schema version %d\n", cfg.DB, v)
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Check the database: integrity, foreign keys, counters, and that every state vpslink writes is accepted",
		Long: `Check the database: SQLite's integrity and foreign key checks, the message
counters against the rows, and every write vpslink makes (tried, then rolled
back), so that a CHECK, a raising trigger or a missing column shows here
rather than as a send that never happens. Contacts whose phone is kept as it
was typed are listed as flagged; they do not fail the check.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				problems, err := db.Check(cmd.Context())
				if err != nil {
					return err
				}
				flags, err := db.PhoneFlags(cmd.Context())
				if err != nil {
					return err
				}
				if a.jsonOut {
					if err := a.printJSON(map[string]any{"ok": len(problems) == 0, "problems": append([]string{}, problems...),
						"flagged": append([]string{}, flags...)}); err != nil {
						return err
					}
				} else {
					for _, p := range problems {
						fmt.Fprintln(a.stdout, p)
					}
					for _, f := range flags {
						fmt.Fprintln(a.stdout, "flagged: "+f)
					}
				}
				if len(problems) > 0 {
					return fmt.Errorf("%s: %d problems found", db.Path(), len(problems))
				}
				if !a.jsonOut {
					fmt.Fprintf(a.stdout, "%s: ok\n", db.Path())
				}
				return nil
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "copy FILE",
		Short: "Write a consistent copy of the database to a new FILE while the service runs",
		Long: `Copies the database with SQLite's online backup in one read transaction: the
copy is one committed state, serve keeps writing meanwhile, and the copy is a
self-contained file (no -wal) that is not yet synced to disk.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if _, err := os.Stat(args[0]); err == nil {
				return vpslink.Errorf(vpslink.ECONFLICT, "%s already exists", args[0])
			}
			return store.CopyFile(cmd.Context(), cfg.DB, args[0])
		},
	})
	cmd.AddCommand(newRecordBackupCmd(a))
	return cmd
}

// newRecordBackupCmd is how the snapshot job of `vpslink replicate`, where
// litestream holds the database open, adds a row to backup_history: in a
// child process, as it copies the database. It is not for people.
func newRecordBackupCmd(a *app) *cobra.Command {
	var r store.BackupRecord
	var at, errText string
	cmd := &cobra.Command{
		Use:    "record-backup",
		Short:  "Add a snapshot attempt to the database's backup_history table, if it has one",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if r.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
				return vpslink.FieldError("at", "%v", err)
			}
			if errText != "" {
				r.Err = errors.New(errText)
			}
			return store.RecordBackupFile(cmd.Context(), cfg.DB, r)
		},
	}
	f := cmd.Flags()
	f.StringVar(&at, "at", "", "when the snapshot was taken (RFC 3339)")
	f.StringVar(&r.File, "file", "", "the snapshot's name")
	f.Int64Var(&r.Size, "size", 0, "its size in bytes")
	f.StringVar(&r.Location, "location", "", "where it went")
	f.StringVar(&errText, "error", "", "why it failed; empty when it succeeded")
	return cmd
}
