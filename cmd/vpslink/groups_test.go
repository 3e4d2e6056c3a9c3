package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
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

// TestService_GroupSends drives the service with the dry-run sender: a
// message to a group chosen by name goes out once to the group's JID and
// is recorded in the ledger; a job to a group and to a group the account
// has left sends to the first and fails the second with its reason.
func TestService_GroupSends(t *testing.T) {
	const family, old = "120363000000000001@g.us", "120363000000000009@g.us"
	cfg := serviceConfig(t)
	s := openService(t, cfg)
	storetest.CreateGroup(t, s.db, family, "Family", 5)
	storetest.CreateGroup(t, s.db, old, "Old club", 3)
	storetest.LeaveGroup(t, s.db, old)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- s.Run(ctx) }()

	now := vpslink.FormatTime(time.Now())
	postAPI(t, s.ln.Addr().String(), cfg.APISecret, "/api/messages",
		map[string]string{"to_phone": "group:Family", "message": "hello family", "scheduled_at": now})
	postAPI(t, s.ln.Addr().String(), cfg.APISecret, "/api/jobs", map[string]any{"scheduled_start_at": now,
		"recipients": []string{family, old}, "message_parts": []map[string]any{{"text": "news", "delayAfterSeconds": nil}},
		"config": map[string]any{"recipientGapSeconds": 0, "maxRetries": 0, "intervalMode": "manual"}})
	waitFor(t, s.db, "the message sent and the job finished", func() bool {
		return count(t, s.db, `SELECT count(*) FROM scheduled_messages WHERE status = 'sent'`) == 1 &&
			count(t, s.db, `SELECT count(*) FROM jobs WHERE status = 'completed'`) == 1
	})
	cancel()
	if err := <-runDone; err != nil {
		t.Fatalf("run: %v", err)
	}
	lines := readDryRun(t, cfg.DryRunLogPath()) // fails on a send made twice
	if len(lines) != 2 {
		t.Fatalf("dry-run log: %v", lines)
	}
	for key, l := range lines {
		if l.To != family {
			t.Errorf("%s went to %s, want the group's JID", key, l.To)
		}
	}
	if n := count(t, s.db, `SELECT count(*) FROM deliveries WHERE recipient = '`+family+`' AND state = 'sent'`); n != 2 {
		t.Errorf("%d ledger rows sent to the group, want 2", n)
	}
	if n := count(t, s.db, `SELECT count(*) FROM deliveries WHERE recipient = '`+old+`' AND state = 'failed'
		AND error LIKE '%not a member of group Old club%'`); n != 1 {
		t.Errorf("the group left: %d failed ledger rows with the reason, want 1", n)
	}
}
