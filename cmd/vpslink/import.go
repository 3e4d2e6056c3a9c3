package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink/importer"
	"github.com/vpslink/vpslink/internal/s3client"
	"github.com/vpslink/vpslink/store"
)

type importFlags struct {
	input, fromS3 string
	dryRun        bool
	pathStyle     bool
	s3            s3client.Config
}

func newImportCmd(a *app) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import (--input DIR | --from-s3 s3://bucket/prefix) [--dry-run]",
		Short: "Import the legacy app's JSON files (contacts, scheduled messages, jobs, chats)",
		Long: `Import contacts.json, scheduled.json or scheduled-messages.json, jobs.json and
chats.json, as the legacy app wrote them, into the database in one transaction:
either everything is imported or nothing is written. Importing the same files
again changes nothing. The report accounts for every record: imported, merged
into an existing row, or skipped with its reason.

S3 credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_SESSION_TOKEN; the endpoint from --s3-endpoint, else AWS_ENDPOINT_URL_S3 or
AWS_ENDPOINT_URL; the region from --s3-region, else AWS_REGION; extra trusted
CAs from --s3-ca-bundle, else AWS_CA_BUNDLE.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.input, "input", "", "directory holding the legacy JSON files")
	fl.StringVar(&f.fromS3, "from-s3", "", "S3 prefix holding the legacy JSON files (s3://bucket/prefix)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the report without writing anything")
	fl.StringVar(&f.s3.Endpoint, "s3-endpoint", "", "S3 endpoint URL (env AWS_ENDPOINT_URL_S3)")
	fl.StringVar(&f.s3.Region, "s3-region", "", "S3 region (env AWS_REGION; default garage)")
	fl.BoolVar(&f.pathStyle, "s3-path-style", true, "address buckets by path, not by host name")
	fl.StringVar(&f.s3.CABundle, "s3-ca-bundle", "", "PEM file of extra trusted CAs (env AWS_CA_BUNDLE)")
	cmd.MarkFlagsMutuallyExclusive("input", "from-s3")
	cmd.MarkFlagsOneRequired("input", "from-s3")
	return cmd
}

func (a *app) runImport(cmd *cobra.Command, f *importFlags) error {
	ctx := cmd.Context()
	cfg, err := a.config()
	if err != nil {
		return err
	}
	src, err := f.source(ctx)
	if err != nil {
		return err
	}
	opt := importer.Options{DryRun: f.dryRun}
	if a.stderrIsTerminal() {
		opt.Progress = a.stderr
	}
	var rep *importer.Report
	if f.dryRun {
		rep, err = dryRunImport(ctx, cfg.DB, src, opt)
	} else {
		rep, err = importInto(ctx, cfg.DB, src, opt)
	}
	if err != nil {
		return err
	}
	if !f.dryRun {
		notifyService(ctx, cfg)
	}
	if a.jsonOut {
		return a.printJSON(rep)
	}
	return rep.Print(a.stdout)
}

// source builds the directory or S3 source: S3 settings from the flags,
// the rest from the AWS environment (see s3client.Config).
func (f *importFlags) source(ctx context.Context) (importer.Source, error) {
	if f.input != "" {
		return importer.NewDir(f.input)
	}
	c := f.s3
	c.VirtualHosted = !f.pathStyle
	return importer.NewS3(ctx, f.fromS3, c)
}

// importInto imports into the database at path, creating it when it does
// not exist yet. A failed import into a database it created removes the
// file again, so that a failure leaves nothing behind.
func importInto(ctx context.Context, path string, src importer.Source, opt importer.Options) (*importer.Report, error) {
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	rep, err := importer.Run(ctx, db, src, opt)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil && created {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}
	return rep, err
}

// dryRunImport runs the import against a throwaway copy of the database at
// path (or an empty one when there is none), so that the report is exactly
// what a real import would say; path itself is only read.
func dryRunImport(ctx context.Context, path string, src importer.Source, opt importer.Options) (*importer.Report, error) {
	tmp, err := os.MkdirTemp("", "vpslink-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	copyPath := filepath.Join(tmp, "whatsapp.db")
	if _, err := os.Stat(path); err == nil {
		ro, err := store.OpenReadOnly(ctx, path)
		if err != nil {
			return nil, err
		}
		err = ro.CopyTo(ctx, copyPath)
		if cerr := ro.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
	}
	db, err := store.Open(ctx, copyPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return importer.Run(ctx, db, src, opt)
}
