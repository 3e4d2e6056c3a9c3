package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// TestCopyFile copies a live database while the service keeps writing: the
// copy is one consistent state that passes the check with the source's
// schema version, and the writer never fails.
func TestCopyFile(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	for i := range 200 {
		if err := db.CreateContact(ctx, &vpslink.Contact{Phone: fmt.Sprintf("4917%08d", i), Name: "Before"}); err != nil {
			t.Fatal(err)
		}
	}
	stop, writerErr := make(chan struct{}), make(chan error, 1)
	go func() {
		defer close(writerErr)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := db.CreateContact(ctx, &vpslink.Contact{Phone: fmt.Sprintf("3100%08d", i), Name: "Writer"}); err != nil {
				writerErr <- err
				return
			}
		}
	}()
	dst := filepath.Join(t.TempDir(), "copy.db")
	err := store.CopyFile(ctx, db.Path(), dst)
	close(stop)
	if werr := <-writerErr; werr != nil {
		t.Fatalf("write during the copy: %v", werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(dst + suffix); !os.IsNotExist(err) {
			t.Errorf("copy is not self-contained: %s%s exists", dst, suffix)
		}
	}
	check, err := store.CheckFile(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var applied int64
	if err := db.Reader().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if check.SchemaVersion != version || check.RowCounts["contacts"] < 200 || check.RowCounts["schema_migrations"] != applied {
		t.Fatalf("check of the copy = %+v, want schema version %d, %d migrations and at least 200 contacts", check, version, applied)
	}
}

func TestCopyFile_MissingSource(t *testing.T) {
	dir := t.TempDir()
	err := store.CopyFile(context.Background(), filepath.Join(dir, "missing.db"), filepath.Join(dir, "copy.db"))
	if vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("copy of a missing database: %v, want not found", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Fatalf("files created: %v", entries)
	}
}

func TestCheckFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storetest.Open(t)
	for i := range 300 {
		if err := db.CreateContact(ctx, &vpslink.Contact{Phone: fmt.Sprintf("4917%08d", i), Name: strings.Repeat("n", 200)}); err != nil {
			t.Fatal(err)
		}
	}
	sound := filepath.Join(dir, "sound.db")
	if err := store.CopyFile(ctx, db.Path(), sound); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(sound)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite one page inside the contacts' table and index.
	damaged := filepath.Join(dir, "damaged.db")
	bad := append([]byte(nil), data...)
	copy(bad[len(bad)/2:], make([]byte, 4096))
	if err := os.WriteFile(damaged, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	notSQLite := filepath.Join(dir, "text.db")
	if err := os.WriteFile(notSQLite, []byte(strings.Repeat("not a database\n", 500)), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path, wantErr string
		wantContacts        int64
	}{
		{"sound copy", sound, "", 300},
		{"damaged page", damaged, "malformed", 0},
		{"not a database", notSQLite, "not a database", 0},
		{"missing", filepath.Join(dir, "missing.db"), "no such file", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check, err := store.CheckFile(ctx, tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("CheckFile = %+v, %v; want an error with %q", check, err, tt.wantErr)
				}
				return
			}
			if err != nil || check.RowCounts["contacts"] != tt.wantContacts || check.SchemaVersion == 0 {
				t.Fatalf("CheckFile = %+v, %v", check, err)
			}
		})
	}
}
