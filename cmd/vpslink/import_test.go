package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/vpslink/vpslink/importer"
	"github.com/vpslink/vpslink/internal/s3test"
)

func fixture(gen string) string { return filepath.Join("..", "..", "importer", "testdata", gen) }

func TestImport_DryRunCreatesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "whatsapp.db")
	out := mustRunCLI(t, "import", "--input", fixture("gen1"), "--dry-run", "--db", path)
	if !strings.Contains(out, "Dry run") || !strings.Contains(out, "would hold: 4 contacts") {
		t.Fatalf("output:\n%s", out)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Fatalf("dry run created %s", filepath.Dir(path))
	}

	// On an existing database the dry run reports against its rows and
	// leaves it as it was.
	mustRunCLI(t, "import", "--input", fixture("gen1"), "--db", path)
	before := dump(t, path)
	out = mustRunCLI(t, "import", "--input", fixture("gen1"), "--dry-run", "--json", "--db", path)
	var rep importer.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.DryRun || rep.Files[0].Imported != 0 || rep.Files[0].Merged != 4 || rep.Database.Contacts != 4 {
		t.Errorf("report %+v", rep.Files[0])
	}
	if dump(t, path) != before {
		t.Fatal("dry run changed the database")
	}
}

func TestImport_RerunChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	for _, gen := range []string{"gen1", "gen2", "gen3"} {
		mustRunCLI(t, "import", "--input", fixture(gen), "--db", path)
	}
	before := dump(t, path)
	out := mustRunCLI(t, "import", "--input", fixture("gen3"), "--db", path, "--json")
	if dump(t, path) != before {
		t.Fatal("re-run changed the database")
	}
	var rep importer.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Files {
		if f.Imported != 0 || f.Merged != f.Unchanged {
			t.Errorf("%s %s: %+v", f.File, f.Records, f)
		}
	}
	if d := rep.Database; d.Contacts != 8 || d.ScheduledMessages != 9 || d.Jobs != 3 || d.Chats != 6 || d.Messages != 7 {
		t.Errorf("database counts %+v", d)
	}
}

// A failed import into a database it created leaves no file behind.
func TestImport_AbortRemovesNewDatabase(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"contacts.json", "chats.json"} {
		b, _ := os.ReadFile(filepath.Join(fixture("gen1"), name))
		if name == "chats.json" {
			b = b[:len(b)-10]
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	_, err := runCLI(t, "import", "--input", dir, "--db", path)
	if err == nil || !strings.HasPrefix(oneLine(err), "chats.json: line 14, column 3 (byte 499): invalid JSON: unexpected end of input") || strings.Contains(oneLine(err), "\n") {
		t.Fatalf("error %v", err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !os.IsNotExist(err) {
			t.Errorf("%s left behind", path+suffix)
		}
	}
}

func TestImport_Flags(t *testing.T) {
	for _, args := range [][]string{
		{"import"},
		{"import", "--input", "a", "--from-s3", "s3://b/p"},
		{"import", "--from-s3", "b/p"},
		{"import", "--input", filepath.Join(t.TempDir(), "missing")},
	} {
		if _, err := runCLI(t, append(args, "--db", filepath.Join(t.TempDir(), "x.db"))...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// --from-s3 reads the endpoint, region, credentials and CA bundle from the
// standard AWS variables.
func TestImport_FromS3(t *testing.T) {
	srv := s3test.Start(t, s3test.WithTLS())
	entries, _ := os.ReadDir(fixture("gen3"))
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(fixture("gen3"), e.Name()))
		_, err := srv.Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(srv.Bucket),
			Key: aws.String("backup/json/" + e.Name()), Body: strings.NewReader(string(b))})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	out := mustRunCLI(t, "import", "--from-s3", srv.URL("backup/json"), "--db", path)
	if !strings.Contains(out, "now holds: 2 contacts, 2 scheduled messages, 1 jobs, 4 chats, 3 chat messages") {
		t.Fatalf("output:\n%s", out)
	}
}
