package api

import (
	"net/http"
	"slices"
	"strings"
)

// corsHeaders are the request headers a browser client may send, and
// corsExposed the response headers its script may read.
const (
	corsMethods = "GET, HEAD, POST, PATCH, DELETE"
	corsHeaders = "Content-Type, X-API-Secret, Authorization, Idempotency-Key, X-Request-ID"
	corsExposed = "X-Request-ID, Retry-After, Idempotent-Replayed, Allow"
	corsMaxAge  = "600"
)

// cors lets browser pages from the configured origins call the API. A
// preflight (OPTIONS with Access-Control-Request-Method) is answered here,
// before the IP allowlist and the secret check, because browsers send it
// without credentials; it reveals nothing but this policy. With no origins
// configured nothing changes: browsers refuse cross-origin reads.
func (s *Server) cors(next http.Handler) http.Handler {
	if len(s.origins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		allowed := slices.Contains(s.origins, origin) || slices.Contains(s.origins, "*")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
		}
		if !preflight {
			if allowed {
				w.Header().Set("Access-Control-Expose-Headers", corsExposed)
			}
			next.ServeHTTP(w, r)
			return
		}
		if allowed {
			w.Header().Set("Access-Control-Allow-Methods", corsMethods)
			w.Header().Set("Access-Control-Allow-Headers", corsHeaders)
			w.Header().Set("Access-Control-Max-Age", corsMaxAge)
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// normalizeOrigins trims the configured origins and drops a trailing slash,
// since browsers send an origin without one.
func normalizeOrigins(list []string) []string {
	var out []string
	for _, o := range list {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			out = append(out, o)
		}
	}
	return out
}
