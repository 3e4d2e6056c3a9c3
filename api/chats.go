package api

import (
	"net/http"

	"github.com/gorilla/mux"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// chatDetail is GET /api/chats/{id}: the chat and a page of its messages,
// newest first.
type chatDetail struct {
	*vpslink.Chat
	Messages []*vpslink.ChatMessage `json:"messages"`
}

func (s *Server) listChats(w http.ResponseWriter, r *http.Request) error {
	return s.chatList(w, r, vpslink.ChatFilter{})
}

// listGroups lists the groups the account is in (with left=true, also
// those it left), with their participant counts, so a job or a message
// can be addressed to one.
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	return s.chatList(w, r, vpslink.ChatFilter{Groups: true})
}

func (s *Server) chatList(w http.ResponseWriter, r *http.Request, f vpslink.ChatFilter) error {
	names := []string{"unread", "limit", "offset"}
	if f.Groups {
		names = append(names, "left")
	}
	q := parseQuery(r, names...)
	f.Unread = deref(q.bool("unread"))
	f.Left = deref(q.bool("left"))
	f.Limit, f.Offset = q.paging()
	if q.err != nil {
		return q.err
	}
	list, total, err := s.db.ListChats(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, page{Success: true, Data: list, Total: total, Limit: f.Limit, Offset: f.Offset})
	return nil
}

// getChat returns a chat with up to limit messages older than before (Unix
// seconds), so the client pages back with the oldest timestamp it has.
func (s *Server) getChat(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "limit", "before")
	limit := q.int("limit", store.DefaultLimit, 1, store.MaxLimit)
	before := q.int("before", 0, 1, 1<<62)
	if q.err != nil {
		return q.err
	}
	c, err := s.db.GetChat(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	msgs, err := s.db.ChatMessages(r.Context(), c.ID, limit, int64(before))
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: chatDetail{Chat: c, Messages: msgs}})
	return nil
}

func (s *Server) markChatRead(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(r); err != nil {
		return err
	}
	c, err := s.db.MarkChatRead(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: c})
	return nil
}
