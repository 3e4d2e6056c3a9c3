package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/vpslink/vpslink"
)

const (
	chatPageSize    = 50
	historyPageSize = 50
)

type chatsPage struct {
	Unread bool
	Chats  []*vpslink.Chat
	Pager  pager
}

// chats lists chats by their last message.
func (h *Handler) chats(w http.ResponseWriter, r *http.Request) {
	p := chatsPage{Unread: r.URL.Query().Get("unread") == "1"}
	f := vpslink.ChatFilter{Unread: p.Unread, Limit: chatPageSize}
	var page, total int
	page, f.Offset = pageOf(r, chatPageSize)
	var err error
	if p.Chats, total, err = h.db.ListChats(r.Context(), f); err != nil {
		h.serverError(w, r, err)
		return
	}
	v := url.Values{}
	if p.Unread {
		v.Set("unread", "1")
	}
	p.Pager = newPager(page, chatPageSize, total, v.Encode())
	h.render(w, r, http.StatusOK, "chats", "Chats", p)
}

type chatPage struct {
	Chat     *vpslink.Chat
	Messages []*vpslink.ChatMessage
	// Older is the ?before= of the next older page, 0 when there is none.
	Older int64
	// Paged is set on an older page, which links back to the newest.
	Paged bool
}

// chat shows a chat's history as a chat app does, oldest at the top and
// the newest at the bottom, a page at a time going back with ?before=
// (Unix seconds).
func (h *Handler) chat(w http.ResponseWriter, r *http.Request) {
	c, err := h.db.GetChat(r.Context(), r.PathValue("id"))
	if err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	p := chatPage{Chat: c, Paged: before > 0}
	if p.Messages, err = h.db.ChatMessages(r.Context(), c.ID, historyPageSize, before); err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(p.Messages) == historyPageSize {
		p.Older = p.Messages[len(p.Messages)-1].Timestamp
	}
	slices.Reverse(p.Messages) // the store pages newest first
	title := c.Name
	if title == "" {
		title = c.ID
	}
	h.render(w, r, http.StatusOK, "chat", title, p)
}

func (h *Handler) markChatRead(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := h.db.MarkChatRead(r.Context(), id); err != nil {
		h.notFoundOr(w, r, err)
		return
	}
	http.Redirect(w, r, "/chats/"+url.PathEscape(id), http.StatusSeeOther)
}
