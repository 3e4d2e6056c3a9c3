package main

import (
	"fmt"

	"github.com/spf13/cobra"
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
			if a.jsonOut {
				return a.printJSON(map[string]any{"database": cfg.DB, "schema_version": v})
			}
			fmt.Fprintf(a.stdout, "%s: schema version %d\n", cfg.DB, v)
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Run SQLite's integrity and foreign key checks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				problems, err := db.Check(cmd.Context())
				if err != nil {
					return err
				}
				if a.jsonOut {
					if err := a.printJSON(map[string]any{"ok": len(problems) == 0, "problems": problems}); err != nil {
						return err
					}
				} else {
					for _, p := range problems {
						fmt.Fprintln(a.stdout, p)
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
	return cmd
}
