package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

const (
	familyJID = "120363000000000001@g.us"
	oldJID    = "120363000000000009@g.us"
)

// The recipient picker offers the groups the account is in, by name with
// their participant count, beside the contacts; the schedule and broadcast
// forms take a group; the job page names it.
func TestPickerOffersGroups(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.addContact("351911111111", "Famke", "")
	storetest.CreateGroup(t, e.db, familyJID, "Family", 5)
	storetest.CreateGroup(t, e.db, oldJID, "Family of old", 3)
	storetest.LeaveGroup(t, e.db, oldJID)

	res := e.get("/ui/pick?to_phone=fam").mustStatus(t, http.StatusOK).
		mustContain(t, `data-phone="351911111111"`, `data-phone="`+familyJID+`"`, "<strong>Family</strong>", "group · 5 participants")
	if strings.Contains(res.body, oldJID) {
		t.Fatalf("the picker offers a group the account left:\n%s", res.body)
	}

	form := url.Values{"to_phone": {familyJID}, "message": {"hello family"}, "date": {"2026-12-24"}, "time": {"09:00"}, "timezone": {"UTC"}}
	e.post("/messages", form).mustStatus(t, http.StatusSeeOther)
	if list, total, err := e.db.ListMessages(context.Background(), vpslink.MessageFilter{To: familyJID}); err != nil || total != 1 || list[0].ContactName != "Family" {
		t.Fatalf("message to the group: %+v %d %v", list, total, err)
	} else {
		e.get("/messages/"+list[0].ID).mustContain(t, "Message to Family", `href="/chats/`+familyJID+`">group `+familyJID+`</a>`)
	}
	form.Set("to_phone", "group:Nobody")
	e.post("/messages", form).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, `id="to_phone-error"`, "no group named")

	job := url.Values{"title": {"News"}, "recipients": {familyJID + "\ngroup:family\nFamke\n"}, "parts": {"one"},
		"part_delay": {"0"}, "gap": {"10"}, "retries": {"1"}, "date": {"2026-12-24"}, "time": {"09:00"}, "timezone": {"UTC"}}
	loc := e.post("/jobs", job).mustStatus(t, http.StatusSeeOther).header.Get("Location")
	j, err := e.db.GetJob(context.Background(), strings.TrimPrefix(loc, "/jobs/"))
	if err != nil || len(j.Recipients) != 2 || j.Recipients[0] != familyJID {
		t.Fatalf("job recipients: %+v %v", j, err)
	}
	e.get(loc).mustContain(t, `Family <span class="muted small">group</span>`, "+351911111111")

	// A group's chat page says what it is and offers to schedule to it
	// while the account is a member.
	e.get("/chats/"+familyJID).mustContain(t, "Group · 5 participants", `href="/messages/new?to=120363000000000001%40g.us"`)
	if res := e.get("/chats/"+oldJID).mustContain(t, "this account left it"); strings.Contains(res.body, "/messages/new?to=") {
		t.Fatal("the page of a group left offers to schedule to it")
	}
	e.get("/messages/new?to="+familyJID).mustContain(t, `value="`+familyJID+`"`, `<span id="to-name">Family</span>`)
	e.get("/chats").mustContain(t, `<span class="tag">group · 5</span>`, `group · 3 · left`)
}
