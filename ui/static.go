package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static/app.css static/app.js static/icon.svg static/vendor/htmx.min.js
var staticFS embed.FS

// staticFiles are served from memory, gzipped once at start-up, under
// URLs that carry a digest of the content so that browsers may cache them
// for a year and still never run a stale script after an upgrade.
type staticFiles struct {
	byName map[string]*staticFile
}

type staticFile struct {
	body, gz    []byte
	contentType string
	version     string
}

func loadStatic() (*staticFiles, error) {
	s := &staticFiles{byName: map[string]*staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "static/")
		s.byName[name] = &staticFile{body: body, gz: gz.Bytes(), version: hex.EncodeToString(sum[:6]),
			contentType: mime.TypeByExtension(path.Ext(p))}
		return nil
	})
	return s, err
}

// url returns the versioned URL of a static file.
func (s *staticFiles) url(name string) string {
	f := s.byName[name]
	if f == nil {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + f.version
}

func (s *staticFiles) serve(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if r.URL.Path == "/favicon.ico" {
		name = "icon.svg"
	}
	f := s.byName[name]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	hd.Set("Vary", "Accept-Encoding")
	hd.Set("ETag", `"`+f.version+`"`)
	if r.URL.Query().Get("v") == f.version {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == `"`+f.version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if acceptsGzip(r) {
		hd.Set("Content-Encoding", "gzip")
		w.Write(f.gz)
		return
	}
	w.Write(f.body)
}
