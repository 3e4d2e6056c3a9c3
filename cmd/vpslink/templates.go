package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

func newTemplatesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "templates", Short: "Saved texts with placeholders ({name}, {first_name}, {alias}, {tags}; see docs/sending.md)"}
	cmd.AddCommand(newTemplatesListCmd(a), newTemplatesAddCmd(a), newTemplatesRmCmd(a))
	return cmd
}

func newTemplatesListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the saved templates",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				list, err := db.ListTemplates(cmd.Context())
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(list)
				}
				t := a.table("ID", "NAME", "TEXT")
				for _, tpl := range list {
					t.row(strconv.FormatInt(tpl.ID, 10), tpl.Name, tpl.Text)
				}
				return t.flush()
			})
		},
	}
}

func newTemplatesAddCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "add NAME TEXT",
		Short:   "Save a template",
		Example: `  vpslink templates add greeting 'Hi {first_name|there}, see you on Friday!'`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.write(cmd, func(w *writer) error {
				tpl := &vpslink.Template{Name: args[0], Text: args[1]}
				if err := w.db.CreateTemplate(cmd.Context(), tpl); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "template %d saved\n", tpl.ID)
				return nil
			})
		},
	}
}

func newTemplatesRmCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rm ID",
		Short: "Delete a template",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return vpslink.FieldError("id", "is not a template id")
			}
			return a.write(cmd, func(w *writer) error {
				if err := w.db.DeleteTemplate(cmd.Context(), id); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "template %d removed\n", id)
				return nil
			})
		},
	}
}

// templateID returns the id of the template named name, for --template.
func templateID(ctx context.Context, db *store.DB, flag, name string) (*int64, error) {
	t, err := db.TemplateByName(ctx, name)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return nil, vpslink.FieldError(flag, "no template is named %q (see vpslink templates list)", name)
	} else if err != nil {
		return nil, err
	}
	return &t.ID, nil
}

// partsFlag collects a job's parts from --part TEXT and --template NAME in
// the order they are given on the command line.
type partsFlag struct {
	parts     *[]vpslink.MessagePart
	templates map[int]string // part index -> template name
	template  bool
}

func (f *partsFlag) Set(v string) error {
	if f.template {
		f.templates[len(*f.parts)] = v
		v = ""
	}
	*f.parts = append(*f.parts, vpslink.MessagePart{Text: v})
	return nil
}

func (f *partsFlag) String() string { return "" }

func (f *partsFlag) Type() string {
	if f.template {
		return "name"
	}
	return "text"
}
