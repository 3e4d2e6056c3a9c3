package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/contactfile"
	"github.com/vpslink/vpslink/internal/progress"
	"github.com/vpslink/vpslink/store"
)

func newContactsImportCmd(a *app) *cobra.Command {
	var format string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import FILE [--format vcf|csv] [--dry-run]",
		Short: "Import contacts from a vCard (3.0, 4.0) or CSV file",
		Long: `Import contacts from a vCard file (one or many cards, as phones and Google
Contacts export them) or a CSV file with a header row, in one transaction. Every
number is normalised with the phone rules; a card's first mobile number becomes
the contact's phone, the next one its secondary phone. A phone that is already a
contact is merged into it. The report accounts for every card: added, merged,
unchanged or skipped with the reason. Birthdays are listed as suggestions for a
yearly message; nothing is scheduled. A malformed file writes nothing and names
the line that is wrong. The format is detected when --format is not given.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			var r io.Reader = f
			if st, err := f.Stat(); err == nil && a.stderrIsTerminal() {
				r = progress.Reader(f, "reading "+st.Name(), st.Size(), a.stderr)
			}
			cards, format, err := contactfile.Read(r, format)
			if err != nil {
				return err
			}
			return a.write(cmd, func(w *writer) error {
				rep, err := contactfile.Import(cmd.Context(), w.db, cards, format, dryRun)
				if err != nil {
					return err
				}
				return a.printContactReport(rep)
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "vcf or csv (default: detected from the file)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the report without writing anything")
	return cmd
}

func newContactsExportCmd(a *app) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "export --format vcf|csv [--output FILE]",
		Short: "Export every contact as vCard 4.0 or CSV",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				if output == "" {
					return contactfile.Export(cmd.Context(), db, a.stdout, format)
				}
				f, err := os.Create(output)
				if err != nil {
					return err
				}
				if err := contactfile.Export(cmd.Context(), db, f, format); err != nil {
					f.Close()
					os.Remove(output)
					return err
				}
				return f.Close()
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "vcf", "vcf (vCard 4.0) or csv")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

// stderrIsTerminal says whether progress bars can be drawn.
func (a *app) stderrIsTerminal() bool {
	f, ok := a.stderr.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

func (a *app) printContactReport(rep *contactfile.Report) error {
	if a.jsonOut {
		return a.printJSON(rep)
	}
	verb := "imported"
	if rep.DryRun {
		verb = "would import (dry run, nothing written)"
	}
	fmt.Fprintf(a.stdout, "%s %d cards from %s: %d added, %d merged, %d unchanged, %d skipped\n",
		verb, rep.Cards, rep.Format, rep.Added, rep.Merged, rep.Unchanged, rep.Skipped)
	t := a.table("LINE", "RESULT", "PHONE", "NAME", "REASON / NOTES")
	for _, e := range rep.Entries {
		why := e.Reason
		for _, n := range e.Notes {
			why = joinNonEmpty(why, n)
		}
		t.row(e.Line, e.Result, e.Phone, e.Name, why)
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, b := range rep.Birthdays {
		fmt.Fprintf(a.stdout, "birthday %s: %s (+%s); schedule a yearly message with `vpslink messages schedule --to %s --repeat yearly`\n",
			b.Date, b.Name, b.Phone, b.Phone)
	}
	return nil
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
