package api_test

import (
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

// GET /api/groups lists the groups the account is in with participant
// counts; messages and jobs may be addressed to a group by JID or by name,
// and a name that is unknown, shared or of a group left is a 400 naming
// the field.
func TestGroups(t *testing.T) {
	e := newEnv(t)
	storetest.CreateGroup(t, e.db, "120363000000000001@g.us", "Family", 5)
	storetest.CreateGroup(t, e.db, "120363000000000002@g.us", "Choir", 30)
	storetest.CreateGroup(t, e.db, "120363000000000003@g.us", "Choir", 12)
	storetest.CreateGroup(t, e.db, "120363000000000009@g.us", "Old club", 3)
	storetest.LeaveGroup(t, e.db, "120363000000000009@g.us")
	var groups []vpslink.Chat
	env := e.do(req{path: "/api/groups"}).ok(t, 200, &groups)
	if *env.Total != 3 {
		t.Fatalf("%d groups, want the 3 the account is in: %+v", *env.Total, groups)
	}
	for _, g := range groups {
		if !g.IsGroup || g.ParticipantCount == 0 || g.LeftAt != nil {
			t.Errorf("group %+v", g)
		}
	}
	e.do(req{path: "/api/groups?left=true"}).ok(t, 200, &groups)
	if len(groups) != 4 {
		t.Fatalf("with left=true: %+v", groups)
	}
	e.do(req{path: "/api/groups?left=maybe"}).fails(t, 400, "VALIDATION_ERROR", "left")

	for _, tc := range []struct{ to, want string }{
		{"120363000000000001@g.us", "120363000000000001@g.us"},
		{"group:family", "120363000000000001@g.us"},
	} {
		var m vpslink.ScheduledMessage
		e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"` + tc.to + `","message":"hi all","scheduled_at":"2026-12-24T09:00:00Z"}`}).ok(t, 201, &m)
		if m.ToPhone != tc.want || m.ContactName != "Family" {
			t.Errorf("to %q: %+v", tc.to, m)
		}
	}
	for _, to := range []string{"group:Choir", "group:Nobody", "group:Old club", "family@g.us"} {
		e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"` + to + `","message":"hi","scheduled_at":"2026-12-24T09:00:00Z"}`}).
			fails(t, 400, "VALIDATION_ERROR", "to_phone")
	}
	var j vpslink.Job
	e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24T09:00:00Z",
		"recipients":["group:Family","120363000000000001@g.us","+49 151 1234567"],"message_parts":[{"text":"hi","delayAfterSeconds":null}]}`}).ok(t, 201, &j)
	if len(j.Recipients) != 2 || j.Recipients[0] != "120363000000000001@g.us" || len(j.DuplicateRecipients) != 1 {
		t.Errorf("job recipients %q, duplicates %q", j.Recipients, j.DuplicateRecipients)
	}
	e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24T09:00:00Z",
		"recipients":["+49 151 1234567","group:choir"],"message_parts":[{"text":"hi","delayAfterSeconds":null}]}`}).
		fails(t, 400, "VALIDATION_ERROR", "recipients[1]")
}
