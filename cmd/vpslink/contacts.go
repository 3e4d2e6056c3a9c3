package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

func newContactsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "contacts", Short: "List, show and change contacts"}
	cmd.AddCommand(newContactsListCmd(a), newContactsShowCmd(a), newContactsAddCmd(a),
		newContactsEditCmd(a), newContactsRmCmd(a), newContactsImportCmd(a), newContactsExportCmd(a))
	return cmd
}

func newContactsListCmd(a *app) *cobra.Command {
	var f vpslink.ContactFilter
	var favorite bool
	cmd := newListCmd(a, list[*vpslink.Contact]{
		short: "List contacts",
		limit: &f.Limit, offset: &f.Offset,
		read: func(ctx context.Context, db *store.DB) ([]*vpslink.Contact, int, error) {
			if favorite {
				f.Favorite = &favorite
			}
			return db.ListContacts(ctx, f)
		},
		columns: []string{"PHONE", "NAME", "ALIASES", "TAGS", "FAVORITE", "TIMEZONE"},
		row: func(c *vpslink.Contact) []any {
			return []any{c.Phone, c.Name, joinList(c.Aliases), joinList(c.Tags), c.IsFavorite, c.Timezone}
		},
	})
	cmd.Flags().StringVar(&f.Search, "search", "", "match name, alias or phone")
	cmd.Flags().BoolVar(&favorite, "favorite", false, "only favorites")
	cmd.Flags().StringVar(&f.Tag, "tag", "", "only contacts with this tag")
	return cmd
}

func newContactsShowCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "show PHONE",
		Short: "Show one contact",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				c, err := db.GetContact(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				a.printContact(c)
				return nil
			})
		},
	}
}

func (a *app) printContact(c *vpslink.Contact) {
	if a.jsonOut {
		a.printJSON(c)
		return
	}
	a.detail("phone", c.Phone, "name", c.Name, "aliases", c.Aliases, "tags", c.Tags,
		"favorite", c.IsFavorite, "secondary phone", c.SecondaryPhone, "timezone", c.Timezone,
		"notes", c.Notes, "created", c.CreatedAt, "updated", c.UpdatedAt)
}

// contactFlags are the editable fields shared by add and edit.
type contactFlags struct {
	name, secondary, timezone, notes string
	aliases, tags                    []string
	favorite                         bool
}

func (f *contactFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.name, "name", "", "display name")
	cmd.Flags().StringArrayVar(&f.aliases, "alias", nil, "another name to schedule by (repeatable)")
	cmd.Flags().StringArrayVar(&f.tags, "tag", nil, "tag (repeatable)")
	cmd.Flags().BoolVar(&f.favorite, "favorite", false, "mark as favorite")
	cmd.Flags().StringVar(&f.secondary, "secondary-phone", "", "second phone number")
	cmd.Flags().StringVar(&f.timezone, "timezone", "", "IANA time zone, e.g. Europe/Berlin")
	cmd.Flags().StringVar(&f.notes, "notes", "", "free text")
}

// update returns the fields whose flags were given.
func (f *contactFlags) update(cmd *cobra.Command) vpslink.ContactUpdate {
	var u vpslink.ContactUpdate
	set := func(name string) bool { return cmd.Flags().Changed(name) }
	if set("name") {
		u.Name = &f.name
	}
	if set("alias") {
		u.Aliases = &f.aliases
	}
	if set("tag") {
		u.Tags = &f.tags
	}
	if set("favorite") {
		u.IsFavorite = &f.favorite
	}
	if set("secondary-phone") {
		u.SecondaryPhone = &f.secondary
	}
	if set("timezone") {
		u.Timezone = &f.timezone
	}
	if set("notes") {
		u.Notes = &f.notes
	}
	return u
}

func newContactsAddCmd(a *app) *cobra.Command {
	var f contactFlags
	var phone string
	cmd := &cobra.Command{
		Use:   "add --phone P --name N",
		Short: "Add a contact",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c := &vpslink.Contact{Phone: phone, Name: f.name, Aliases: f.aliases, Tags: f.tags,
				IsFavorite: f.favorite, SecondaryPhone: f.secondary, Timezone: f.timezone, Notes: f.notes}
			return a.write(cmd, func(w *writer) error {
				if err := w.db.CreateContact(cmd.Context(), c); err != nil {
					return err
				}
				a.printContact(c)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&phone, "phone", "", "phone number, digits with optional + and spaces")
	f.register(cmd)
	return cmd
}

func newContactsEditCmd(a *app) *cobra.Command {
	var f contactFlags
	cmd := &cobra.Command{
		Use:   "edit PHONE [--name N] [--alias A]... [--tag T]... [--favorite=false] ...",
		Short: "Change a contact's fields (only the flags given)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u := f.update(cmd)
			if u == (vpslink.ContactUpdate{}) {
				return fmt.Errorf("nothing to change: give at least one of --name, --alias, --tag, --favorite, --secondary-phone, --timezone, --notes")
			}
			return a.write(cmd, func(w *writer) error {
				c, err := w.db.UpdateContact(cmd.Context(), args[0], u)
				if err != nil {
					return err
				}
				a.printContact(c)
				return nil
			})
		},
	}
	f.register(cmd)
	return cmd
}

func newContactsRmCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rm PHONE",
		Short: "Remove a contact that no scheduled message points at",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.write(cmd, func(w *writer) error {
				if err := w.db.DeleteContact(cmd.Context(), args[0]); err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(map[string]any{"deleted": args[0]})
				}
				fmt.Fprintf(a.stdout, "contact %s removed\n", args[0])
				return nil
			})
		},
	}
}
