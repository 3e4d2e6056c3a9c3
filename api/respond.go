package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/vpslink/vpslink"
)

// statusOf maps an application error code to its HTTP status. It is the
// only place that does.
func statusOf(code string) int {
	switch code {
	case vpslink.EINVALID:
		return http.StatusBadRequest
	case vpslink.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case vpslink.EFORBIDDEN:
		return http.StatusForbidden
	case vpslink.ENOTFOUND:
		return http.StatusNotFound
	case vpslink.ECONFLICT:
		return http.StatusConflict
	case vpslink.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case vpslink.ERATELIMIT:
		return http.StatusTooManyRequests
	case vpslink.EMETHOD:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// success is the envelope of every successful JSON response but /health.
type success struct {
	Success bool `json:"success"`
	Data    any  `json:"data"`
}

// page is the envelope of a list.
type page struct {
	Success bool `json:"success"`
	Data    any  `json:"data"`
	Total   int  `json:"total"`
	Limit   int  `json:"limit"`
	Offset  int  `json:"offset"`
}

type failure struct {
	Success bool      `json:"success"`
	Error   errorBody `json:"error"`
}

type errorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Details map[string]string `json:"details,omitempty"`
}

// encode renders v; the API only renders its own plain structs, so an
// error is a bug and the caller answers 500.
func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// writeBody sends an already encoded JSON body.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// bodyBuffers hold response bodies while they are written. A list page is
// tens of kilobytes; encoding it into a fresh slice (and copying it again to
// append the newline) made the lists most of the API's garbage, and the
// collections it caused part of their tail latency.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody bounds the buffers kept for reuse, so that one huge answer
// does not stay allocated.
const maxPooledBody = 1 << 20

func putBodyBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		buf.Reset()
		bodyBuffers.Put(buf)
	}
}

// writeJSON encodes and sends v, as encode renders it.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		writeError(w, r, err)
		return
	}
	writeBody(w, status, buf.Bytes())
}

// writeError sends err as the error envelope. Application errors carry a
// message meant for the client; anything else is logged with the request
// id and answered with a generic message.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := vpslink.ErrorCode(err)
	status := statusOf(code)
	if code == vpslink.EINTERNAL {
		logger(r).Error("internal error", "err", err)
	}
	body := errorBody{Code: code, Message: vpslink.ErrorMessage(err)}
	if field := vpslink.ErrorField(err); field != "" {
		body.Details = map[string]string{"field": field}
	}
	b, encErr := encode(failure{Error: body})
	if encErr != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeBody(w, status, b)
}

// handlerFunc is an HTTP handler that returns its error for writeError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h handlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h(w, r); err != nil {
		writeError(w, r, err)
	}
}

// logger returns the request's logger, which carries its request id.
func logger(r *http.Request) *slog.Logger {
	if info := infoFrom(r.Context()); info != nil && info.log != nil {
		return info.log
	}
	return slog.Default()
}
