package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/store"
)

// list describes a `list` command: one page of T read from the database,
// shown as a table of one row per item, or with --json as the API's page.
type list[T any] struct {
	short         string
	limit, offset *int // the filter's paging, set by --limit and --offset
	read          func(context.Context, *store.DB) ([]T, int, error)
	columns       []string
	row           func(T) []any
}

// newListCmd returns the command; the caller adds its filter's own flags.
func newListCmd[T any](a *app, l list[T]) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: l.short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				items, total, err := l.read(cmd.Context(), db)
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(listJSON(items, total, *l.limit, *l.offset))
				}
				t := a.table(l.columns...)
				for _, it := range items {
					t.row(l.row(it)...)
				}
				return t.flush()
			})
		},
	}
	cmd.Flags().IntVar(l.limit, "limit", store.DefaultLimit, "rows per page")
	cmd.Flags().IntVar(l.offset, "offset", 0, "rows to skip")
	return cmd
}

// listJSON is the --json shape of a list, the same as the API's.
func listJSON(data any, total, limit, offset int) map[string]any {
	return map[string]any{"data": data, "total": total, "limit": limit, "offset": offset}
}
