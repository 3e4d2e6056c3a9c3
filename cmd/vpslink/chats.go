package main

import (
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

func newChatsListCmd(a *app) *cobra.Command {
	var f vpslink.ChatFilter
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List chats, most recent first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.read(cmd, func(db *store.DB) error {
				chats, total, err := db.ListChats(cmd.Context(), f)
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(listJSON(chats, total, f.Limit, f.Offset))
				}
				t := a.table("ID", "NAME", "GROUP", "UNREAD", "LAST MESSAGE")
				for _, c := range chats {
					t.row(c.ID, c.Name, c.IsGroup, c.UnreadCount, unixTime(c.LastMessageTime))
				}
				return t.flush()
			})
		},
	}
	cmd.Flags().BoolVar(&f.Unread, "unread", false, "only chats with unread messages")
	addPaging(cmd, &f.Limit, &f.Offset)
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
