package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

var (
	family = types.NewJID("120363000000000001", types.GroupServer)
	choir  = types.NewJID("120363000000000002", types.GroupServer)
	club   = types.NewJID("120363000000000003", types.GroupServer)
	old    = types.NewJID("120363000000000009", types.GroupServer)
)

// The groups the account is in are read from WhatsApp at each connection
// (a group missing from the answer was left), and group events keep them
// current: a new group, a rename, members who come and go, the account
// leaving, a group deleted.
func TestGroups_SyncedAtConnectAndByEvents(t *testing.T) {
	c, f, db := newTestClient(t, true)
	storetest.CreateGroup(t, db, old.String(), "Old", 3) // left while vpslink was offline
	f.joinGroups(groupInfo(family, "Family", 5), groupInfo(choir, "Choir", 30))
	c.Start(context.Background())
	connect(c, f)
	waitFor(t, "the joined groups", func() bool { return storetest.GroupStates(t, db)[old.String()] == "Old/3/left" })
	want := map[string]string{
		family.String(): "Family/5", choir.String(): "Choir/30", old.String(): "Old/3/left",
	}
	if got := storetest.GroupStates(t, db); !maps.Equal(got, want) {
		t.Fatalf("after connect:\n got %v\nwant %v", got, want)
	}

	own := types.NewADJID(ownPhone, 0, 3) // any of the account's devices is the account
	anna, bob := types.NewJID("491510000001", types.DefaultUserServer), types.NewJID("491510000002", types.DefaultUserServer)
	for _, evt := range []any{
		&events.JoinedGroup{GroupInfo: *groupInfo(club, "Club", 12)},
		&events.GroupInfo{JID: family, Name: &types.GroupName{Name: "Family ❤"}, Join: []types.JID{anna, bob}},
		&events.GroupInfo{JID: family, Leave: []types.JID{anna}},
		&events.GroupInfo{JID: choir, Leave: []types.JID{own}},
		&events.GroupInfo{JID: club, Delete: &types.GroupDelete{}},
	} {
		f.emit(evt)
	}
	if err := c.Close(); err != nil { // drains the queue
		t.Fatal(err)
	}
	want = map[string]string{
		family.String(): "Family ❤/6", choir.String(): "Choir/29/left",
		club.String(): "Club/12/left", old.String(): "Old/3/left",
	}
	if got := storetest.GroupStates(t, db); !maps.Equal(got, want) {
		t.Fatalf("after events:\n got %v\nwant %v", got, want)
	}
	if f.groupCalls != 1 {
		t.Fatalf("joined groups asked %d times, want once per connection", f.groupCalls)
	}
}

// WhatsApp's "not participating" and "no such group" answers come before
// anything is sent: the send fails as not sent, invalid recipient, with
// the group named, and the group is marked left. Any other error of a
// send to a group stays an unknown outcome.
func TestSend_GroupNotMember(t *testing.T) {
	for _, tt := range []struct {
		name    string
		err     error
		notSent bool
		left    bool
	}{
		{"not in group", fmt.Errorf("failed to get group members: %w", whatsmeow.ErrNotInGroup), true, true},
		{"group gone", fmt.Errorf("failed to get group members: %w", whatsmeow.ErrGroupNotFound), true, true},
		{"timed out", whatsmeow.ErrMessageTimedOut, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, f, db := newTestClient(t, true)
			storetest.CreateGroup(t, db, family.String(), "Family", 5)
			connect(c, f)
			f.sendErr = tt.err
			err := c.Send(context.Background(), vpslink.Send{To: family.String(), Text: "hi all", WAMessageID: "3EB0CCC"})
			if vpslink.IsNotSent(err) != tt.notSent || errors.Is(err, vpslink.ErrInvalidRecipient) != tt.notSent {
				t.Fatalf("Send: %v (not sent %v)", err, vpslink.IsNotSent(err))
			}
			if tt.notSent && !strings.Contains(err.Error(), "not a member of group Family ("+family.String()+")") {
				t.Fatalf("error %q does not name the group", err)
			}
			if got := strings.HasSuffix(storetest.GroupStates(t, db)[family.String()], "/left"); got != tt.left {
				t.Fatalf("group left = %v, want %v", got, tt.left)
			}
		})
	}
}

// groupChange reads what a group event says about the account itself by
// its phone number, any of its devices or its LID.
func TestGroupChange(t *testing.T) {
	c, _, _ := newTestClient(t, true)
	lid := types.NewJID("123456789", types.HiddenUserServer)
	c.device.LID = lid
	own, other := types.NewJID(ownPhone, types.DefaultUserServer), types.NewJID("491510000001", types.DefaultUserServer)
	name := &types.GroupName{Name: "Family ❤"}
	for _, tc := range []struct {
		name string
		evt  events.GroupInfo
		want store.WAGroup
	}{
		{"renamed", events.GroupInfo{JID: family, Name: name},
			store.WAGroup{ID: family.String(), Name: "Family ❤", Participants: -1}},
		{"others came and went", events.GroupInfo{JID: family, Join: []types.JID{other, other}, Leave: []types.JID{other}},
			store.WAGroup{ID: family.String(), Participants: -1, Joined: 2, Departed: 1}},
		{"the account left", events.GroupInfo{JID: family, Leave: []types.JID{own}},
			store.WAGroup{ID: family.String(), Participants: -1, Departed: 1, Left: true}},
		{"a device of the account", events.GroupInfo{JID: family, Leave: []types.JID{types.NewADJID(ownPhone, 0, 7)}},
			store.WAGroup{ID: family.String(), Participants: -1, Departed: 1, Left: true}},
		{"the account by its LID", events.GroupInfo{JID: family, Leave: []types.JID{lid}},
			store.WAGroup{ID: family.String(), Participants: -1, Departed: 1, Left: true}},
		{"removed and added back at once", events.GroupInfo{JID: family, Leave: []types.JID{own}, Join: []types.JID{own}},
			store.WAGroup{ID: family.String(), Participants: -1, Joined: 1, Departed: 1}},
		{"deleted", events.GroupInfo{JID: family, Delete: &types.GroupDelete{}},
			store.WAGroup{ID: family.String(), Participants: -1, Left: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.groupChange(&tc.evt); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
