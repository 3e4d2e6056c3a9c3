package main

import (
	"fmt"
	"os"

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
	return cmd
}
