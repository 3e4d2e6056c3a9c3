package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpslink/vpslink/store/storetest"
)

// groups list shows the groups the account is in with their participant
// counts (--left adds those it left), and messages and jobs take a group
// by name; an unknown name is refused naming the flag.
func TestCLI_Groups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	db := storetest.Open(t, storetest.WithPath(path))
	storetest.CreateGroup(t, db, "120363000000000001@g.us", "Family", 5)
	storetest.CreateGroup(t, db, "120363000000000009@g.us", "Old club", 3)
	storetest.LeaveGroup(t, db, "120363000000000009@g.us")
	db.Close()

	out := mustRunCLI(t, "groups", "list", "--db", path)
	if !strings.Contains(out, "PARTICIPANTS") || !strings.Contains(out, "Family") || !strings.Contains(out, " 5 ") || strings.Contains(out, "Old club") {
		t.Fatalf("groups list:\n%s", out)
	}
	if out := mustRunCLI(t, "groups", "list", "--db", path, "--left"); !strings.Contains(out, "Old club") {
		t.Fatalf("groups list --left:\n%s", out)
	}
	out = mustRunCLI(t, "messages", "schedule", "--db", path, "--json", "--to", "group:family", "--at", "2026-12-31T10:00:00Z", "--message", "hi all")
	if !strings.Contains(out, `"to_phone":"120363000000000001@g.us"`) || !strings.Contains(out, `"contact_name":"Family"`) {
		t.Fatalf("scheduled to a group by name: %s", out)
	}
	out = mustRunCLI(t, "jobs", "create", "--db", path, "--json", "--at", "2026-12-31T10:00:00Z", "--to", "group:Family", "--part", "hello")
	if !strings.Contains(out, `"recipients":["120363000000000001@g.us"]`) {
		t.Fatalf("job to a group by name: %s", out)
	}
	if _, err := runCLI(t, "messages", "schedule", "--db", path, "--to", "group:Nobody", "--at", "2026-12-31T10:00:00Z", "--message", "x"); err == nil ||
		!strings.Contains(err.Error(), "--to") || !strings.Contains(err.Error(), `no group named "Nobody"`) {
		t.Fatalf("unknown group: %v", err)
	}
}
