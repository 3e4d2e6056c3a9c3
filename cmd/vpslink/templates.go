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
	cmd.AddCommand(newTemplatesListCmd(a), newTemplatesAddCmd(a), newTemplatesEditCmd(a), newTemplatesRmCmd(a))
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

// templateFlags names the flag of each field of a template.
var templateFlags = map[string]string{"name": "--name", "text": "--text"}

func newTemplatesEditCmd(a *app) *cobra.Command {
	var name, text string
	cmd := &cobra.Command{
		Use:   "edit NAME|ID [--name NEW_NAME] [--text TEXT]",
		Short: "Change a template's name or text (only the flags given; messages made from it keep their text)",
		Long: `Change a template's name or text (only the flags given). The template is named by its name
or, when no template has that name, by its id. Messages and job parts made from it keep the
text they were made with.`,
		Example: `  vpslink templates edit greeting --text 'Hello {first_name|there}!'
  vpslink templates edit 3 --name birthday`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			changed := cmd.Flags().Changed
			if !changed("name") && !changed("text") {
				return fmt.Errorf("nothing to change: give --name, --text or both")
			}
			return a.write(cmd, func(w *writer) error {
				tpl, err := templateByNameOrID(cmd.Context(), w.db, args[0])
				if err != nil {
					return err
				}
				if changed("name") {
					tpl.Name = name
				}
				if changed("text") {
					tpl.Text = text
				}
				if err := w.db.UpdateTemplate(cmd.Context(), tpl); err != nil {
					return flagError(err, templateFlags)
				}
				if a.jsonOut {
					return a.printJSON(tpl)
				}
				fmt.Fprintf(a.stdout, "template %d saved\n", tpl.ID)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the new name")
	cmd.Flags().StringVar(&text, "text", "", "the new text")
	return cmd
}

// templateByNameOrID returns the template named s or, when none is, the
// one whose id s is: a name is what the user sees in "templates list".
func templateByNameOrID(ctx context.Context, db *store.DB, s string) (*vpslink.Template, error) {
	t, err := db.TemplateByName(ctx, s)
	if vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		return t, err
	}
	if id, perr := strconv.ParseInt(s, 10, 64); perr == nil {
		if t, err := db.GetTemplate(ctx, id); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
			return t, err
		}
	}
	return nil, vpslink.Errorf(vpslink.ENOTFOUND, "no template is named %q or has that id (see vpslink templates list)", s)
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
