package importer

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vpslink/vpslink/store"
)

// Report accounts for every input record: each is imported (a new row),
// merged (into a row that already existed, or into an earlier record of the
// same input) or skipped with its reason.
type Report struct {
	Source string        `json:"source"`
	DryRun bool          `json:"dry_run"`
	Files  []*FileReport `json:"files"`
	// Database is the row count of each table after the import (for a dry
	// run: as it would be).
	Database store.TableCounts `json:"database"`
}

// FileReport counts the records of one kind in one file. Read = Imported +
// Merged + Skipped; Unchanged counts the merged records that changed
// nothing (all of them when an import is repeated).
type FileReport struct {
	File      string `json:"file"`
	Records   string `json:"records"`
	Missing   bool   `json:"missing,omitempty"`
	Read      int    `json:"read"`
	Imported  int    `json:"imported"`
	Merged    int    `json:"merged"`
	Unchanged int    `json:"unchanged"`
	Skipped   int    `json:"skipped"`
	// ContactsCreated counts minimal contacts created for scheduled
	// messages to phones that were not contacts.
	ContactsCreated int     `json:"contacts_created,omitempty"`
	Skips           []Entry `json:"skipped_records"`
	Warnings        []Entry `json:"warnings"`
}

// Entry names one input record and what happened to it.
type Entry struct {
	Record string `json:"record"`
	Reason string `json:"reason"`
}

func newFileReport(file, records string) *FileReport {
	return &FileReport{File: file, Records: records, Skips: []Entry{}, Warnings: []Entry{}}
}

func (f *FileReport) skip(ref, format string, args ...any) {
	f.Skipped++
	f.Skips = append(f.Skips, Entry{Record: ref, Reason: fmt.Sprintf(format, args...)})
}

func (f *FileReport) warn(ref, format string, args ...any) {
	f.Warnings = append(f.Warnings, Entry{Record: ref, Reason: fmt.Sprintf(format, args...)})
}

// count adds the result of one upsert.
func (f *FileReport) count(ref string, r store.ImportResult) {
	switch r {
	case store.ImportInserted:
		f.Imported++
	case store.ImportUnchanged:
		f.Merged++
		f.Unchanged++
	case store.ImportUpdated:
		f.Merged++
	case store.ImportKept:
		f.Merged++
		f.Unchanged++
		f.warn(ref, "kept the database's version: it has been sent, claimed or finished in vpslink since")
	}
}

// maxListed bounds how many records of one reason the human report lists;
// --json lists them all.
const maxListed = 5

// Print writes the report for a terminal.
func (r *Report) Print(w io.Writer) error {
	if r.DryRun {
		fmt.Fprintf(w, "Dry run of the import from %s: nothing was written.\n\n", r.Source)
	} else {
		fmt.Fprintf(w, "Imported from %s.\n\n", r.Source)
	}
	t := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(t, "FILE\tRECORDS\tREAD\tIMPORTED\tMERGED\tUNCHANGED\tSKIPPED\t")
	for _, f := range r.Files {
		if f.Missing {
			fmt.Fprintf(t, "%s\t%s\tnot found\t\t\t\t\t\n", f.File, f.Records)
			continue
		}
		fmt.Fprintf(t, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", f.File, f.Records, f.Read, f.Imported, f.Merged, f.Unchanged, f.Skipped)
	}
	t.Flush()
	for _, f := range r.Files {
		if f.ContactsCreated > 0 {
			fmt.Fprintf(w, "\n%s: %d minimal contacts created for recipients that were not contacts.\n", f.File, f.ContactsCreated)
		}
		printEntries(w, f, "skipped", f.Skips)
		printEntries(w, f, "warning", f.Warnings)
	}
	d := r.Database
	verb := "now holds"
	if r.DryRun {
		verb = "would hold"
	}
	_, err := fmt.Fprintf(w, "\nThe database %s: %d contacts, %d scheduled messages, %d jobs, %d chats, %d chat messages.\n",
		verb, d.Contacts, d.ScheduledMessages, d.Jobs, d.Chats, d.Messages)
	return err
}

// printEntries lists entries grouped by reason, a few records per reason.
func printEntries(w io.Writer, f *FileReport, what string, entries []Entry) {
	if len(entries) == 0 {
		return
	}
	var reasons []string
	byReason := map[string][]string{}
	for _, e := range entries {
		if _, ok := byReason[e.Reason]; !ok {
			reasons = append(reasons, e.Reason)
		}
		byReason[e.Reason] = append(byReason[e.Reason], e.Record)
	}
	fmt.Fprintf(w, "\n%s %s, %s:\n", f.File, f.Records, what)
	for _, reason := range reasons {
		refs := byReason[reason]
		more := ""
		if len(refs) > maxListed {
			more = fmt.Sprintf(" and %d more", len(refs)-maxListed)
			refs = refs[:maxListed]
		}
		fmt.Fprintf(w, "  %s (%d): %s%s\n", reason, len(byReason[reason]), strings.Join(refs, ", "), more)
	}
}
