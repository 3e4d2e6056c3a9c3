package ui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/vpslink/vpslink"
)

// formErrors maps a field's name to the message shown next to it; "" is a
// message for the whole form.
type formErrors map[string]string

// errInvalid marks a form that was refused; the handler shows it again.
var errInvalid = errors.New("invalid form")

// fieldErrors turns a domain error into messages next to fields. Internal
// errors are not the user's fault and are left to the caller.
func fieldErrors(err error) (formErrors, bool) {
	switch vpslink.ErrorCode(err) {
	case vpslink.EINVALID, vpslink.ECONFLICT, vpslink.ENOTFOUND:
		var e *vpslink.Error
		errors.As(err, &e)
		return formErrors{e.Field: e.Message}, true
	}
	return nil, false
}

// fieldMessage returns the message of a user's error for a live fragment
// that shows one message; ok is false for an error that is not the user's.
func fieldMessage(err error) (msg string, ok bool) {
	if err == nil {
		return "", true
	}
	errs, ok := fieldErrors(err)
	for _, m := range errs { // one field's
		msg = m
	}
	return msg, ok
}

// refuse shows a refused form again, as typed, with err next to its
// field; an error that is not the user's is a server error instead.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, err error, page, title string, data func(formErrors) any) {
	errs, ok := fieldErrors(err)
	if !ok {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, page, title, data(errs))
}

// pageOf reads ?page= (1-based) and returns it with its offset.
func pageOf(r *http.Request, size int) (page, offset int) {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	return page, (page - 1) * size
}

// pager is the paging bar under a list.
type pager struct {
	Page, Pages, Total int
	// Query is the rest of the list's query string, without page.
	Query string
}

func newPager(page, size, total int, query string) pager {
	pages := max(1, (total+size-1)/size)
	return pager{Page: page, Pages: pages, Total: total, Query: query}
}

// URL is the address of another page of the same list.
func (p pager) URL(page int) string {
	return "?" + p.Query + "&page=" + strconv.Itoa(page)
}
