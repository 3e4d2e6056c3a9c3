package store_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

const (
	family = "120363000000000001@g.us"
	choir  = "120363000000000002@g.us"
	club   = "4915100000000-1600000000@g.us"
)

// The joined groups at connect replace what chats says; change events
// adjust names, counts and membership.
func TestSyncGroups(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	for _, step := range []struct {
		name     string
		groups   []store.WAGroup
		complete bool
		want     map[string]string
	}{
		{"joined groups at connect", []store.WAGroup{
			{ID: family, Name: "Family", Participants: 5}, {ID: choir, Name: "Choir", Participants: 30}}, true,
			map[string]string{family: "Family/5", choir: "Choir/30"}},
		{"renamed, two joined, one went", []store.WAGroup{
			{ID: family, Name: "Family ❤", Participants: -1, Joined: 2, Departed: 1}}, false,
			map[string]string{family: "Family ❤/6", choir: "Choir/30"}},
		{"added to a new group", []store.WAGroup{{ID: club, Name: "Club", Participants: 12}}, false,
			map[string]string{family: "Family ❤/6", choir: "Choir/30", club: "Club/12"}},
		{"left a group", []store.WAGroup{{ID: choir, Participants: -1, Departed: 1, Left: true}}, false,
			map[string]string{family: "Family ❤/6", choir: "Choir/29/left", club: "Club/12"}},
		{"reconnect: a group missing from the list was left", []store.WAGroup{
			{ID: family, Name: "Family ❤", Participants: 6}}, true,
			map[string]string{family: "Family ❤/6", choir: "Choir/29/left", club: "Club/12/left"}},
		{"added back", []store.WAGroup{{ID: club, Participants: 13}}, false,
			map[string]string{family: "Family ❤/6", choir: "Choir/29/left", club: "Club/13"}},
		{"counts never go negative", []store.WAGroup{{ID: family, Participants: -1, Departed: 10}}, false,
			map[string]string{family: "Family ❤/0", choir: "Choir/29/left", club: "Club/13"}},
		{"a change to a group not seen yet", []store.WAGroup{{ID: "120363000000000007@g.us", Participants: -1, Departed: 1}}, false,
			map[string]string{family: "Family ❤/0", choir: "Choir/29/left", club: "Club/13", "120363000000000007@g.us": "/0"}},
	} {
		if err := db.SyncGroups(ctx, step.groups, step.complete); err != nil {
			t.Fatal(err)
		}
		if got := storetest.GroupStates(t, db); !maps.Equal(got, step.want) {
			t.Fatalf("%s:\n got %v\nwant %v", step.name, got, step.want)
		}
	}
	if label, left, err := db.LeftGroup(ctx, choir); err != nil || !left || label != "Choir ("+choir+")" {
		t.Errorf("LeftGroup(choir) = %q, %v, %v", label, left, err)
	}
	if _, left, err := db.LeftGroup(ctx, "999@g.us"); err != nil || left {
		t.Errorf("an unknown group is not known to be left: %v %v", left, err)
	}
}

// A message or job recipient may be a group's JID or its name; a name is
// resolved to the JID when saved, and an unknown or shared name is a
// validation error that saves nothing.
func TestGroupRecipients(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	storetest.CreateGroup(t, db, family, "Family", 5)
	storetest.CreateGroup(t, db, choir, "Choir", 30)
	storetest.CreateGroup(t, db, club, "choir", 12)
	at := time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ to, want, err string }{
		{family, family, ""},
		{"group:family", family, ""},
		{"group: Family ", family, ""},
		{"group:Choir", "", "2 groups are named"},
		{"group:Nobody", "", "no group named"},
		{"group:", "", "names no group"},
	} {
		m := &vpslink.ScheduledMessage{ToPhone: tc.to, Message: "hello", ScheduledAt: at}
		err := db.CreateMessage(ctx, m)
		if (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || vpslink.ErrorField(err) != "to_phone")) {
			t.Errorf("create to %q: %v, want %q", tc.to, err, tc.err)
			continue
		}
		if err != nil {
			continue
		}
		got, err := db.GetMessage(ctx, m.ID)
		if err != nil || got.ToPhone != tc.want || got.ContactName != "Family" {
			t.Errorf("to %q stored as %+v, %v", tc.to, got, err)
		}
	}
	if _, total, _ := db.ListContacts(ctx, vpslink.ContactFilter{}); total != 0 {
		t.Errorf("messages to groups created %d contacts", total)
	}
	for _, typed := range []string{"group:FAMILY", " " + family} {
		if c, err := db.ResolveRecipient(ctx, "to", typed); err != nil || c.Phone != family || c.Name != "Family" {
			t.Errorf("ResolveRecipient(%q) = %+v, %v", typed, c, err)
		}
	}
	if _, err := db.ResolveRecipient(ctx, "to", "group:choir"); vpslink.ErrorField(err) != "to" {
		t.Errorf("ResolveRecipient of a shared group name: %v", err)
	}

	j := newJob()
	j.Recipients = []string{"group:Family", family, "+49 151 0000001", club}
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if want := []string{family, "491510000001@s.whatsapp.net", club}; !slices.Equal(j.Recipients, want) || len(j.DuplicateRecipients) != 1 {
		t.Errorf("job recipients %q (duplicates %q), want %q", j.Recipients, j.DuplicateRecipients, want)
	}
	bad := newJob()
	bad.Recipients = []string{"+49 151 0000001", "group:choir"}
	if err := db.CreateJob(ctx, bad); vpslink.ErrorField(err) != "recipients[1]" {
		t.Errorf("ambiguous job recipient: %v", err)
	}
	if _, err := db.UpdateJob(ctx, j.ID, vpslink.JobUpdate{Recipients: &[]string{"group:Nobody"}}); vpslink.ErrorField(err) != "recipients[0]" {
		t.Errorf("unknown group in a job edit: %v", err)
	}
	m := storetest.CreateMessage(t, db, "+49 151 0000001", "hello", at)
	to := "group:FAMILY"
	if got, err := db.UpdateMessage(ctx, m.ID, vpslink.MessageUpdate{ToPhone: &to}); err != nil || got.ToPhone != family || got.ContactName != "Family" {
		t.Errorf("edit to a group by name: %+v %v", got, err)
	}
}

// A group the account has left is refused when a person asks for a send to
// it now (create, edit, resend), by JID as by name, and nothing is written;
// an import keeps such a message, and a message made before the account
// left stays, to fail with the reason when due.
func TestGroupRecipients_Left(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	storetest.CreateGroup(t, db, family, "Family", 5)
	storetest.CreateGroup(t, db, choir, "Choir", 30)
	at := time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC)
	before := storetest.CreateMessage(t, db, choir, "made while a member", at)
	cancelled := storetest.CreateMessage(t, db, choir, "cancelled while a member", at)
	if _, err := db.CancelMessage(ctx, cancelled.ID, ""); err != nil {
		t.Fatal(err)
	}
	toFamily := storetest.CreateMessage(t, db, family, "to family", at)
	job := newJob()
	job.Recipients = []string{family}
	if err := db.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	storetest.LeaveGroup(t, db, choir)

	choirTo := choir
	for _, tc := range []struct {
		name, field string
		try         func() error
	}{
		{"a message by JID", "to_phone", func() error {
			return db.CreateMessage(ctx, &vpslink.ScheduledMessage{ToPhone: choir, Message: "hello", ScheduledAt: at})
		}},
		{"a message by name", "to_phone", func() error {
			return db.CreateMessage(ctx, &vpslink.ScheduledMessage{ToPhone: "group:Choir", Message: "hello", ScheduledAt: at})
		}},
		{"a message edited to it", "to_phone", func() error {
			_, err := db.UpdateMessage(ctx, toFamily.ID, vpslink.MessageUpdate{ToPhone: &choirTo})
			return err
		}},
		{"a resend to it", "to_phone", func() error {
			_, err := db.ResendMessage(ctx, cancelled.ID, at, "api")
			return err
		}},
		{"a job recipient", "recipients[1]", func() error {
			j := newJob()
			j.Recipients = []string{family, choir}
			return db.CreateJob(ctx, j)
		}},
		{"a job edited to it", "recipients[0]", func() error {
			_, err := db.UpdateJob(ctx, job.ID, vpslink.JobUpdate{Recipients: &[]string{choir}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			version, _ := db.DataVersion(ctx)
			err := tc.try()
			if vpslink.ErrorField(err) != tc.field || !strings.Contains(err.Error(), "not a member of group") {
				t.Fatalf("got %v, want a refusal naming %s", err, tc.field)
			}
			if after, _ := db.DataVersion(ctx); after != version {
				t.Fatal("the refusal wrote to the database")
			}
		})
	}

	// What stays: the message made before, editable in its text; an import.
	text := "still made while a member"
	if _, err := db.UpdateMessage(ctx, before.ID, vpslink.MessageUpdate{Message: &text}); err != nil {
		t.Errorf("editing the text of a message made before: %v", err)
	}
	err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		_, _, err := tx.ImportMessage(ctx, &vpslink.ScheduledMessage{ID: "legacy-1", ToPhone: choir, Message: "old", ScheduledAt: at,
			Status: vpslink.MessageSent, SentAt: &at})
		return err
	})
	if err != nil {
		t.Errorf("import of a sent message to a left group: %v", err)
	}
}

// Other tools may insert messages to a group too: the schema keeps the
// group's JID (trimmed), creates no contact, and refuses what is neither
// a group JID nor a phone.
func TestMessages_GroupInsertByOtherTools(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	raw := storetest.Raw(t, db)
	for _, to := range []string{" " + family, club} {
		if _, err := raw.Exec(`INSERT INTO scheduled_messages (to_phone, message, scheduled_at) VALUES (?, 'x', '2027-01-01 00:00:00')`, to); err != nil {
			t.Fatalf("insert to %q: %v", to, err)
		}
	}
	for _, bad := range []string{"family@g.us", "@g.us", "-123@g.us", "12 3@g.us", "call me"} {
		if _, err := raw.Exec(`INSERT INTO scheduled_messages (to_phone, message, scheduled_at) VALUES (?, 'x', '2027-01-01 00:00:00')`, bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	for _, to := range []string{family, club} {
		if list, _, err := db.ListMessages(ctx, vpslink.MessageFilter{To: to}); err != nil || len(list) != 1 {
			t.Errorf("messages to %s: %+v %v", to, list, err)
		}
	}
	if _, total, _ := db.ListContacts(ctx, vpslink.ContactFilter{}); total != 0 {
		t.Errorf("group inserts created %d contacts", total)
	}
	if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

// The pickers search the groups the account is in by a part of the name,
// case-insensitively beyond ASCII.
func TestListChats_GroupSearch(t *testing.T) {
	db := storetest.Open(t)
	storetest.CreateGroup(t, db, family, "Rodzina Żółtych", 5)
	storetest.CreateGroup(t, db, choir, "Chór", 30)
	storetest.CreateGroup(t, db, club, "Chór dawny", 12)
	storetest.LeaveGroup(t, db, club)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"żół", []string{family}},
		{"ŻÓŁ", []string{family}},
		{"chór", []string{choir}},
		{"", []string{family, choir}},
		{"100%", nil},
	} {
		list, _, err := db.ListChats(context.Background(), vpslink.ChatFilter{Groups: true, Search: tc.q})
		var got []string
		for _, c := range list {
			got = append(got, c.ID)
		}
		slices.Sort(got)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("search %q: %v %v, want %v", tc.q, got, err, tc.want)
		}
	}
}
