package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/vpslink/vpslink"
)

// requestInfo is what the middleware learn about a request as it goes
// through the chain: its id, route template and client address.
type requestInfo struct {
	id     string
	route  string
	client string
	log    *slog.Logger
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

// unmatched is the route label of requests no route matched, so that
// scanners cannot blow up the metrics' cardinality with random paths.
const unmatched = "unmatched"

// withRequestInfo assigns the request id (the client's X-Request-ID when it
// is sane, else a new one), echoes it and attaches a logger carrying it.
func (s *Server) withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		info := &requestInfo{id: id, log: s.log.With("request_id", id)}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status a handler sent and, when body is
// set, a copy of the body.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	body   *bytes.Buffer
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.body != nil {
		w.body.Write(b)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe counts and times every request by route template and writes the
// access log line. The line has the path but never the query string or
// headers, which is where a misplaced secret would be.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := infoFrom(r.Context())
		info.route = s.routeOf(r)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		method := metricMethod(r.Method)
		s.metrics.requests.WithLabelValues(info.route, method, strconv.Itoa(rec.status)).Inc()
		s.metrics.duration.WithLabelValues(info.route, method).Observe(elapsed.Seconds())
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			level = slog.LevelDebug
		}
		info.log.Log(r.Context(), level, "http request", "method", r.Method, "path", r.URL.Path,
			"route", info.route, "status", rec.status, "bytes", rec.bytes,
			"duration_ms", float64(elapsed.Microseconds())/1000, "client", info.client)
	})
}

// metricMethod bounds the method label to the methods the API knows.
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodPut, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// recoverPanics turns a panic into a 500 INTERNAL_ERROR; the panic and its
// stack are logged, never returned.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			writeError(w, r, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}()
		next.ServeHTTP(w, r)
	})
}

// routeOf returns the template of the route r matches, or unmatched. It
// runs before authentication so that refused requests are counted by route
// too.
func (s *Server) routeOf(r *http.Request) string {
	if s.ui != nil && s.ui.Owns(r.URL.Path) {
		return "ui"
	}
	var m mux.RouteMatch
	if s.router.Match(r, &m) && m.MatchErr == nil && m.Route != nil {
		if tmpl, err := m.Route.GetPathTemplate(); err == nil {
			return tmpl
		}
	}
	return unmatched
}

// limitBody caps every request body at bodyLimit; reading past it fails,
// and decode answers 413.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := bodyLimit(r)
		if r.ContentLength > limit {
			writeError(w, r, vpslink.Errorf(vpslink.ETOOLARGE, "request body is larger than %d bytes", limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
