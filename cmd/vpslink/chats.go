package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

func newChatsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "chats", Short: "Read the chat history"}
	cmd.AddCommand(newChatsListCmd(a), newChatsShowCmd(a))
	return cmd
}

func newGroupsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "groups", Short: "The groups a message or job can be sent to"}
	cmd.AddCommand(newChatListCmd(a, "List the groups the account is in (the ID is the recipient JID; group:NAME works too), most recent first", true))
	return cmd
}

func newChatsListCmd(a *app) *cobra.Command {
	return newChatListCmd(a, "List chats, most recent first", false)
}

func newChatListCmd(a *app, short string, groups bool) *cobra.Command {
	f := vpslink.ChatFilter{Groups: groups}
	l := list[*vpslink.Chat]{
		short: short,
		limit: &f.Limit, offset: &f.Offset,
		read: func(ctx context.Context, db *store.DB) ([]*vpslink.Chat, int, error) {
			return db.ListChats(ctx, f)
		},
		columns: []string{"ID", "NAME", "GROUP", "UNREAD", "LAST MESSAGE"},
		row: func(c *vpslink.Chat) []any {
			return []any{c.ID, c.Name, c.IsGroup, c.UnreadCount, unixTime(c.LastMessageTime)}
		},
	}
	if groups {
		l.columns = []string{"ID", "NAME", "PARTICIPANTS", "LEFT", "UNREAD", "LAST MESSAGE"}
		l.row = func(c *vpslink.Chat) []any {
			return []any{c.ID, c.Name, c.ParticipantCount, c.LeftAt, c.UnreadCount, unixTime(c.LastMessageTime)}
		}
	}
	cmd := newListCmd(a, l)
	cmd.Flags().BoolVar(&f.Unread, "unread", false, "only chats with unread messages")
	if groups {
		cmd.Flags().BoolVar(&f.Left, "left", false, "also the groups the account has left")
	}
	return cmd
}

// chatDetail is a chat with its latest messages.
type chatDetail struct {
	*vpslink.Chat
	Messages []*vpslink.ChatMessage `json:"messages"`
}

func newChatsShowCmd(a *app) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a chat and its latest messages",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				c, err := db.GetChat(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				msgs, err := db.ChatMessages(cmd.Context(), c.ID, limit, 0)
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(chatDetail{Chat: c, Messages: msgs})
				}
				a.detail("id", c.ID, "name", c.Name, "group", c.IsGroup, "unread", c.UnreadCount)
				t := a.table("TIME", "FROM ME", "TYPE", "MESSAGE")
				for i := len(msgs) - 1; i >= 0; i-- {
					m := msgs[i]
					t.row(unixTime(m.Timestamp), m.IsFromMe, m.MessageType, m.Message)
				}
				return t.flush()
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 20, "messages to show")
	return cmd
}

func unixTime(s int64) any {
	if s <= 0 {
		return "-"
	}
	return time.Unix(s, 0)
}
