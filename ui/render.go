package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vpslink/vpslink"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds one template set per page: the shared layout and partials
// plus the page's own "content" (and fragments htmx polls).
type pages struct {
	sets map[string]*template.Template
}

func loadPages(static *staticFiles) (*pages, error) {
	funcs := template.FuncMap{
		"static":    static.url,
		"formtoken": rand.Text, // see formOnce
		"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"utc":       func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"inZone":    inZone,
		"ago":       ago,
		"unix":      func(s int64) time.Time { return time.Unix(s, 0) },
		"percent":   percent,
		"join":      strings.Join,
		"add":       func(a, b int) int { return a + b },
		"sub":       func(a, b int) int { return a - b },
		"deref":     func(t *time.Time) time.Time { return derefTime(t) },
		"preview":   preview,
		"isGroup":   vpslink.IsGroupJID,
		"statuses":  func() []string { return messageTabs },
		"repeats":   func() []string { return vpslink.Repeats },
		"nav":       newNavigation,
		"icon":      icon,
		"words":     func(s string) string { return strings.ReplaceAll(s, "_", " ") }, // "not_paired" reads "not paired"
		"jobTabs":   func() []string { return jobTabs },
		"jobAct": func(id, action, label, csrf string) map[string]string {
			return map[string]string{"ID": id, "Action": action, "Label": label, "CSRF": csrf}
		},
		"starOf": newStar,
		"bytes":  humanBytes,
		"qrSrc": func(png []byte) template.URL {
			return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
		},
	}
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("ui: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		set, err := template.Must(base.Clone()).ParseFS(templateFS, file)
		if err != nil {
			return nil, fmt.Errorf("ui: parse %s: %w", file, err)
		}
		p.sets[name] = set
	}
	return p, nil
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// inZone shows t as the wall clock of zone ("" or unknown: UTC).
func inZone(t time.Time, zone string) string {
	loc := location(zone)
	if loc == nil {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// locations caches zones by name: loading one reads the zoneinfo files,
// and a list shows the same few zones on every row.
var locations sync.Map

// location returns the zone named name, nil for "" or an unknown name.
func location(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := vpslink.LoadLocation("timezone", name)
	if err != nil || loc == nil {
		return nil
	}
	// Only real zones are kept, so the cache stays as small as the zone
	// database whatever names requests carry.
	locations.Store(name, loc)
	return loc
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}

func percent(n, of int) int {
	if of <= 0 {
		return 0
	}
	return min(100, n*100/of)
}

// preview is the first line of a text, cut to 80 characters.
func preview(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

// view is what every page template gets.
type view struct {
	Title   string
	Path    string
	CSRF    string
	Stopped bool
	Data    any
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page's layout (or, for htmx requests that ask for a
// fragment, only the fragment) into a buffer first, so that a template
// error never leaves half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	h.renderTemplate(w, r, status, page, "layout", title, data)
}

// renderFragment executes one named template of page without the layout.
func (h *Handler) renderFragment(w http.ResponseWriter, r *http.Request, page, name string, data any) {
	h.renderTemplate(w, r, http.StatusOK, page, name, "", data)
}

func (h *Handler) renderTemplate(w http.ResponseWriter, r *http.Request, status int, page, name, title string, data any) {
	set := h.pages.sets[page]
	if set == nil {
		h.serverError(w, r, fmt.Errorf("no page %q", page))
		return
	}
	v := view{Title: title, Path: r.URL.Path, Stopped: h.scheduler.Stopped(), Data: data}
	if sess := sessionFrom(r.Context()); sess != nil {
		v.CSRF = sess.csrf
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := set.ExecuteTemplate(buf, name, v); err != nil {
		h.serverError(w, r, fmt.Errorf("render %s/%s: %w", page, name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	writeCompressed(w, r, status, buf.Bytes())
}

// writeCompressed gzips bodies for clients that accept it; pages shrink
// to a fifth.
func writeCompressed(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	w.Header().Add("Vary", "Accept-Encoding")
	if len(body) < 1024 || !acceptsGzip(r) {
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(status)
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(w)
	zw.Write(body)
	zw.Close()
	gzipPool.Put(zw)
}

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

// serverError logs the details and shows none of them.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("ui", "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong on the server; the details are in its log.", http.StatusInternalServerError)
}

// setSecurityHeaders forbids inline script and style, framing and
// outside requests: every script, style sheet and image comes from /static.
func setSecurityHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// humanBytes shows a size in the largest unit under 1,024.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
