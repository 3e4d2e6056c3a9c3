package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// app carries what every subcommand shares: its streams and global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	configPath string
	dbPath     string
	jsonOut    bool
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr}
}

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:           "vpslink",
		Short:         "Scheduled WhatsApp messages from one SQLite file, replicated to S3",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&a.configPath, "config", "", "configuration file (env VPSLINK_CONFIG; default ./vpslink.yml if present)")
	pf.StringVar(&a.dbPath, "db", "", "database path (env VPSLINK_DB; default ./data/whatsapp.db)")
	pf.BoolVar(&a.jsonOut, "json", false, "print JSON instead of a table")

	root.AddCommand(
		newVersionCmd(a),
		newDBCmd(a),
		newContactsCmd(a),
		newMessagesCmd(a),
		newJobsCmd(a),
		newChatsCmd(a),
		newGroupsCmd(a),
		newSettingsCmd(a),
		newTemplatesCmd(a),
		newServeCmd(a),
		newStatusCmd(a),
		newBackupCmd(a),
		newReplicateCmd(a),
		newRestoreCmd(a),
		newReviewCmd(a),
		newLoginCmd(a),
		newLogoutCmd(a),
		newImportCmd(a),
	)
	return root
}

// config loads the configuration with the global flags applied.
func (a *app) config() (*Config, error) {
	cfg, err := LoadConfig(a.configPath)
	if err != nil {
		return nil, err
	}
	if a.dbPath != "" {
		cfg.DB = a.dbPath
	}
	return cfg, nil
}

// openRead opens the database read-only: it never creates a file.
func (a *app) openRead(ctx context.Context) (*store.DB, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	return openStore(ctx, cfg, store.OpenReadOnly)
}

// read opens the database read-only for fn and closes it afterwards.
func (a *app) read(cmd *cobra.Command, fn func(db *store.DB) error) error {
	db, err := a.openRead(cmd.Context())
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// openWrite opens an existing database for a write; only `db migrate` and
// `serve` create one, so a typo in --db cannot start an empty database.
func (a *app) openWrite(ctx context.Context) (*store.DB, *Config, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, nil, err
	}
	ro, err := store.OpenReadOnly(ctx, cfg.DB)
	if err != nil {
		return nil, nil, err
	}
	ro.Close()
	db, err := openStore(ctx, cfg, store.Open)
	return db, cfg, err
}

// openStore opens the database with the configuration's sending settings
// under the saved ones.
func openStore(ctx context.Context, cfg *Config, open func(context.Context, string) (*store.DB, error)) (*store.DB, error) {
	base, err := cfg.Settings()
	if err != nil {
		return nil, err
	}
	db, err := open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	db.SettingsBase = base
	return db, nil
}

// printJSON writes v as one line of compact JSON, the API's form: --json
// is for programs (indenting a list of thousands costs more than reading
// it; `| jq` shows it indented).
func (a *app) printJSON(v any) error {
	return json.NewEncoder(a.stdout).Encode(v)
}

// oneLine renders an error as the single line the CLI prints.
func oneLine(err error) string {
	msg := err.Error()
	var e *vpslink.Error
	if errors.As(err, &e) {
		msg = e.Error()
	}
	return strings.Join(strings.Fields(msg), " ")
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.jsonOut {
				return a.printJSON(map[string]string{"version": vpslink.Version})
			}
			_, err := io.WriteString(a.stdout, "vpslink "+vpslink.Version+"\n")
			return err
		},
	}
}
