package whatsapp

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// groupsTimeout bounds the joined-groups query made at each connection.
const groupsTimeout = time.Minute

// refreshGroups starts syncGroups in the background after a connection,
// once Start has run; Close waits for it.
func (c *Client) refreshGroups() {
	if c.runCtx == nil {
		return
	}
	c.groups.Go(func() { c.syncGroups(c.runCtx) })
}

// syncGroups asks WhatsApp for the groups the account is in and writes
// them to chats, marking every other group left. It runs after each
// connection; a failure is logged and the next connection tries again,
// while group events keep chats current meanwhile.
func (c *Client) syncGroups(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, groupsTimeout)
	defer cancel()
	infos, err := c.cli.GetJoinedGroups(ctx)
	if err != nil {
		c.log.Warn("WhatsApp groups not refreshed", "err", err)
		return
	}
	groups := make([]store.WAGroup, 0, len(infos))
	for _, g := range infos {
		groups = append(groups, store.WAGroup{ID: g.JID.String(), Name: g.Name,
			Participants: max(g.ParticipantCount, len(g.Participants))})
	}
	if err := c.db.SyncGroups(context.WithoutCancel(ctx), groups, true); err != nil {
		c.log.Error("store WhatsApp groups", "groups", len(groups), "err", err)
		return
	}
	c.log.Info("WhatsApp groups refreshed", "groups", len(groups))
}

// joinedGroup is the chats row of a group the account joined or created.
func joinedGroup(e *events.JoinedGroup) store.WAGroup {
	return store.WAGroup{ID: e.JID.String(), Name: e.Name, Participants: max(e.ParticipantCount, len(e.Participants))}
}

// groupChange is what a group's change event says: a new name, members
// who came and went, and whether the account itself left, was removed or
// saw the group deleted (or came back).
func (c *Client) groupChange(e *events.GroupInfo) store.WAGroup {
	g := store.WAGroup{ID: e.JID.String(), Participants: -1, Joined: len(e.Join), Departed: len(e.Leave)}
	if e.Name != nil {
		g.Name = e.Name.Name
	}
	g.Left = e.Delete != nil || (slices.ContainsFunc(e.Leave, c.isOwn) && !slices.ContainsFunc(e.Join, c.isOwn))
	return g
}

// isOwn reports whether jid is this account, by phone number or by LID.
func (c *Client) isOwn(jid types.JID) bool {
	if !c.paired() || jid.User == "" {
		return false
	}
	return jid.User == c.device.ID.User || (!c.device.LID.IsEmpty() && jid.User == c.device.LID.User)
}

// notMember turns WhatsApp's answer that the account is not in the group
// (or that it no longer exists) into vpslink.NotMember and marks the group
// left, so that the next sends to it fail without asking. whatsmeow gives
// these answers while it looks up the group's members, before anything is
// encrypted or sent, so nothing left the machine. Any other error is
// returned as it is.
func (c *Client) notMember(ctx context.Context, to types.JID, err error) error {
	if !errors.Is(err, whatsmeow.ErrNotInGroup) && !errors.Is(err, whatsmeow.ErrGroupNotFound) {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	if werr := c.db.SyncGroups(ctx, []store.WAGroup{{ID: to.String(), Participants: -1, Left: true}}, false); werr != nil {
		c.log.Error("mark group left", "group", to.String(), "err", werr)
	}
	label, _, lerr := c.db.LeftGroup(ctx, to.String())
	if lerr != nil {
		label = to.String()
	}
	c.log.Warn("not a member of the group; send refused", "group", label, "err", err)
	return vpslink.NotMember(label)
}
