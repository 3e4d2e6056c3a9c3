package api

import (
	"fmt"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/vpslink/vpslink"
)

// Length limits of free-text fields, so that one request cannot store
// megabytes in a name.
const (
	maxNameLength  = 200
	maxLabelLength = 100
	maxLabels      = 100
	maxNotesLength = 10000
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

// validateLengths checks the free-text fields the store does not bound.
func validateLengths(name string, aliases, tags []string, notes string) error {
	if err := maxLength("name", name, maxNameLength); err != nil {
		return err
	}
	for _, l := range []struct {
		field string
		list  []string
	}{{"aliases", aliases}, {"tags", tags}} {
		field, list := l.field, l.list
		if len(list) > maxLabels {
			return vpslink.FieldError(field, "has more than %d entries", maxLabels)
		}
		for i, s := range list {
			if err := maxLength(fmt.Sprintf("%s[%d]", field, i), s, maxLabelLength); err != nil {
				return err
			}
		}
	}
	return maxLength("notes", notes, maxNotesLength)
}

func maxLength(field, s string, n int) error {
	if len([]rune(s)) > n {
		return vpslink.FieldError(field, "is longer than %d characters", n)
	}
	return nil
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
	list, total, err := s.db.ListContacts(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, page{Success: true, Data: list, Total: total, Limit: f.Limit, Offset: f.Offset})
	return nil
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request) error {
	var in contactInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := validateLengths(in.Name, in.Aliases, in.Tags, in.Notes); err != nil {
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
	if err := validateLengths(deref(u.Name), deref(u.Aliases), deref(u.Tags), deref(u.Notes)); err != nil {
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
