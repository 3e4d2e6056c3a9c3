package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLI_ContactsImportExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", db)
	csvFile := filepath.Join(dir, "contacts.csv")
	os.WriteFile(csvFile, []byte("Name,Mobile Phone,Home Phone,Birthday\nAnna,+44 7700 900127,+44 20 7946 0018,1980-03-14\nNobody,,,\n"), 0o600)

	out := mustRunCLI(t, "contacts", "import", "--db", db, "--dry-run", csvFile)
	if !strings.Contains(out, "dry run") || !strings.Contains(out, "1 added") || !strings.Contains(out, "1 skipped") {
		t.Fatalf("dry run: %s", out)
	}
	if out := mustRunCLI(t, "contacts", "list", "--db", db); strings.Contains(out, "Anna") {
		t.Fatalf("a dry run wrote: %s", out)
	}
	out = mustRunCLI(t, "contacts", "import", "--db", db, csvFile)
	if !strings.Contains(out, "1 added") || !strings.Contains(out, "birthday 1980-03-14: Anna") {
		t.Fatalf("import: %s", out)
	}

	exported := filepath.Join(dir, "out.vcf")
	mustRunCLI(t, "contacts", "export", "--db", db, "--format", "vcf", "--output", exported)
	mustRunCLI(t, "contacts", "rm", "--db", db, "447700900127")
	out = mustRunCLI(t, "contacts", "import", "--db", db, exported)
	if !strings.Contains(out, "from vcf: 1 added") {
		t.Fatalf("re-import of the export: %s", out)
	}
	if out := mustRunCLI(t, "contacts", "show", "--db", db, "447700900127"); !strings.Contains(out, "442079460018") {
		t.Fatalf("secondary phone lost in the round trip: %s", out)
	}

	before := dump(t, db)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("phone,name\n+447700900128,Bob\n+447700900129\n"), 0o600)
	if _, err := runCLI(t, "contacts", "import", "--db", db, bad); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("malformed file: %v", err)
	}
	if dump(t, db) != before {
		t.Fatal("a malformed file wrote something")
	}
}
