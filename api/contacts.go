package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"
	"github.com/vpslink/vpslink"
)

// contactInput is the body of POST /api/contacts.
type contactInput struct {
	Phone          string   `json:"phone"`
	Name           string   `json:"name"`
	Aliases        []string `json:"aliases"`
	Tags           []string `json:"tags"`
	IsFavorite     bool     `json:"is_favorite"`
	SecondaryPhone string   `json:"secondary_phone"`
	Timezone       string   `json:"timezone"`
	Notes          string   `json:"notes"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "search", "favorite", "tag", "limit", "offset")
	f := vpslink.ContactFilter{Search: q.str("search"), Favorite: q.bool("favorite"), Tag: q.str("tag")}
	f.Limit, f.Offset = q.paging()
	if q.err != nil {
		return q.err
	}
	favorite := ""
	if f.Favorite != nil {
		favorite = strconv.FormatBool(*f.Favorite)
	}
	key := "/api/contacts?" + url.Values{"search": {f.Search}, "favorite": {favorite}, "tag": {f.Tag},
		"limit": {strconv.Itoa(f.Limit)}, "offset": {strconv.Itoa(f.Offset)}}.Encode()
	version, cacheable, done := s.cachedBody(w, r, key)
	if done {
		return nil
	}
	list, total, err := s.db.ListContacts(r.Context(), f)
	if err != nil {
		return err
	}
	s.writePage(w, r, key, version, cacheable, page{Success: true, Data: list, Total: total, Limit: f.Limit, Offset: f.Offset})
	return nil
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request) error {
	var in contactInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c := &vpslink.Contact{Phone: in.Phone, Name: in.Name, Aliases: in.Aliases, Tags: in.Tags,
		IsFavorite: in.IsFavorite, SecondaryPhone: in.SecondaryPhone, Timezone: in.Timezone, Notes: in.Notes}
	if err := s.db.CreateContact(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, success{Success: true, Data: c})
	return nil
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) error {
	c, err := s.db.GetContact(r.Context(), mux.Vars(r)["phone"])
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: c})
	return nil
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) error {
	var u vpslink.ContactUpdate
	if err := decode(r, &u); err != nil {
		return err
	}
	c, err := s.db.UpdateContact(r.Context(), mux.Vars(r)["phone"], u)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: c})
	return nil
}

func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(r); err != nil {
		return err
	}
	c, err := s.db.GetContact(r.Context(), mux.Vars(r)["phone"])
	if err != nil {
		return err
	}
	if err := s.db.DeleteContact(r.Context(), c.Phone); err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, success{Success: true, Data: c})
	return nil
}
