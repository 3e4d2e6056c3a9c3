package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
)

// prefixes is a set of IPs and CIDRs.
type prefixes []netip.Prefix

// parsePrefixes reads IPs ("10.0.0.1", "::1") and CIDRs ("10.0.0.0/8").
func parsePrefixes(setting string, list []string) (prefixes, error) {
	var out prefixes
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an IP address or CIDR", setting, s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (ps prefixes) contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr returns the address the allowlist and the rate limit apply to:
// the TCP peer, or, when the peer is a trusted proxy, the right-most
// address in X-Forwarded-For that is not itself a trusted proxy. Entries to
// its left were written by the client and prove nothing. An unparsable hop
// yields an invalid address, which no allowlist contains.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	peer := parseHost(r.RemoteAddr)
	if !peer.IsValid() || !s.trusted.contains(peer) {
		return peer
	}
	hops := forwardedHops(r.Header.Values("X-Forwarded-For"))
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			return netip.Addr{}
		}
		if a = a.Unmap(); !s.trusted.contains(a) {
			return a
		}
		peer = a
	}
	return peer
}

func forwardedHops(values []string) []string {
	var hops []string
	for _, v := range values {
		for _, h := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	return hops
}

func parseHost(hostport string) netip.Addr {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// ClientAddr returns the address the allowlist applies to (see clientAddr).
func (s *Server) ClientAddr(r *http.Request) netip.Addr { return s.clientAddr(r) }

// ForwardedTLS reports whether the client reached the service over TLS:
// directly, or through a trusted proxy that says so in X-Forwarded-Proto.
// The header from anyone else proves nothing.
func (s *Server) ForwardedTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	peer := parseHost(r.RemoteAddr)
	if !peer.IsValid() || !s.trusted.contains(peer) {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// presentedSecret returns the secret from X-API-Secret or an
// "Authorization: Bearer" header; ok is false when neither is there. A
// secret in the query string is never looked at: URLs end up in logs.
func presentedSecret(r *http.Request) (secret string, ok bool) {
	if v := r.Header.Values("X-API-Secret"); len(v) > 0 {
		return v[0], true
	}
	if v := r.Header.Get("Authorization"); v != "" {
		scheme, token, found := strings.Cut(v, " ")
		if found && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(token), true
		}
		return "", true
	}
	return "", false
}

// authenticate lets a request through when its client address is allowed
// and it presents the secret. The right secret is always accepted, so that
// one misconfigured client behind the same proxy can never lock out the
// others; failures are counted per client address, and a client that
// failed too often gets 429 for its wrong secrets instead of 401, which
// tells a guesser nothing and keeps the failure metric honest. GET /healthz
// is the one open route.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := s.clientAddr(r)
		info := infoFrom(r.Context())
		info.client = client.String()
		if r.URL.Path == "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		if !client.IsValid() || !s.allowed.contains(client) {
			writeError(w, r, vpslink.Errorf(vpslink.EFORBIDDEN, "client address is not allowed"))
			return
		}
		if s.ui != nil && s.ui.Owns(r.URL.Path) {
			s.ui.ServeHTTP(w, r) // signed in with its own session
			return
		}
		secret, ok := presentedSecret(r)
		// Comparing digests keeps the time independent of the length too.
		digest := sha256.Sum256([]byte(secret))
		if ok && subtle.ConstantTimeCompare(digest[:], s.secretDigest[:]) == 1 {
			next.ServeHTTP(w, r)
			return
		}
		if wait := s.failures.blocked(client, s.now()); wait > 0 {
			s.metrics.authFailures.WithLabelValues("limited").Inc()
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
			writeError(w, r, vpslink.Errorf(vpslink.ERATELIMIT, "too many failed authentication attempts; retry later"))
			return
		}
		s.failures.fail(client, s.now())
		s.metrics.authFailures.WithLabelValues("refused").Inc()
		w.Header().Set("WWW-Authenticate", `Bearer realm="vpslink"`)
		writeError(w, r, vpslink.Errorf(vpslink.EUNAUTHORIZED, "missing or wrong API secret (X-API-Secret or Authorization: Bearer)"))
	})
}
