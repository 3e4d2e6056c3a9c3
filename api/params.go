package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// query reads a request's query parameters strictly: a parameter the route
// does not know, or one given twice, is a validation error, so that a typo
// never silently widens a filter. The one exception is "_", the
// cache-buster browsers' libraries append (jQuery, some fetch wrappers): it
// is ignored on every route.
type query struct {
	values url.Values
	err    error
}

func parseQuery(r *http.Request, known ...string) *query {
	q := &query{values: r.URL.Query()}
	for name, vs := range q.values {
		switch {
		case name == cacheBuster:
		case !slices.Contains(known, name):
			q.err = vpslink.FieldError(name, "is not a known query parameter")
		case len(vs) > 1:
			q.err = vpslink.FieldError(name, "must be given once")
		}
	}
	return q
}

const cacheBuster = "_"

func (q *query) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

func (q *query) str(name string) string { return q.values.Get(name) }

// int reads a whole number in [lo, hi], def when absent.
func (q *query) int(name string, def, lo, hi int) int {
	s := q.values.Get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.fail(vpslink.FieldError(name, "must be a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

// bool reads true/false; nil when absent.
func (q *query) bool(name string) *bool {
	s := q.values.Get(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.fail(vpslink.FieldError(name, "must be true or false"))
		return nil
	}
	return &b
}

// time reads an RFC 3339 time; nil when absent.
func (q *query) time(name string) *time.Time {
	s := q.values.Get(name)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		q.fail(vpslink.FieldError(name, "must be an RFC 3339 time with an offset"))
		return nil
	}
	return &t
}

// paging reads limit and offset.
func (q *query) paging() (limit, offset int) {
	return q.int("limit", store.DefaultLimit, 1, store.MaxLimit), q.int("offset", 0, 0, 1<<31-1)
}
