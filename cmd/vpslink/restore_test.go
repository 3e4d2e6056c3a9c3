package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRestoreCmd covers restore's refusals and no-ops from the command
// line; replicator's tests cover restoring real replicas.
func TestRestoreCmd(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "") // keep the process's TLS roots untouched
	t.Setenv("LITESTREAM_CONFIG", "")
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.db")
	for _, tt := range []struct {
		name    string
		args    []string
		out     string // in stdout
		wantErr string
	}{
		{"refuses to overwrite", []string{"--db", existing, "restore"}, "", "already exists (use --force"},
		{"existing database is a no-op", []string{"--db", existing, "restore", "--if-db-not-exists"}, "database already exists", ""},
		{"no replica", []string{"--db", missing, "restore"}, "", "no replica"},
		{"no replica is a no-op", []string{"--db", missing, "restore", "--if-replica-exists"}, "no replica found", ""},
		{"bad timestamp", []string{"--db", missing, "restore", "--timestamp", "yesterday"}, "", "RFC 3339"},
		{"snapshot with the given litestream config", []string{"--db", missing, "restore", "--from-snapshot", "latest",
			"--litestream-config", filepath.Join(dir, "absent.yml")}, "", "absent.yml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runCLI(t, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(oneLine(err), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tt.out) {
				t.Fatalf("stdout %q, want %q", out, tt.out)
			}
			if b, _ := os.ReadFile(existing); string(b) != "keep me" {
				t.Fatal("the existing database was changed")
			}
			if _, err := os.Stat(missing); err == nil {
				t.Fatal("a database was created")
			}
		})
	}
}
