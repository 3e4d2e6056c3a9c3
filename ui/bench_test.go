package ui_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// seed fills the database with contacts and messages spread over the
// statuses, in one transaction.
func (e *env) seed(contacts, messages int) {
	e.t.Helper()
	ctx := context.Background()
	statuses := []string{vpslink.MessagePending, vpslink.MessageSent, vpslink.MessageSent, vpslink.MessageFailed, vpslink.MessageCancelled}
	err := e.db.Update(ctx, func(tx *store.Tx) error {
		for i := range contacts {
			c := &vpslink.Contact{Phone: fmt.Sprintf("3519%08d", i), Name: fmt.Sprintf("Contact %04d Żółć", i),
				Aliases: []string{fmt.Sprintf("alias%d", i)}, Timezone: "Europe/Lisbon", IsFavorite: i%10 == 0}
			if _, err := tx.ImportContact(ctx, c); err != nil {
				return err
			}
		}
		for i := range messages {
			m := &vpslink.ScheduledMessage{ID: fmt.Sprintf("m%06d", i), ToPhone: fmt.Sprintf("3519%08d", i%contacts),
				Message: strings.Repeat("Hello there, this is message text. ", 4), Status: statuses[i%len(statuses)],
				ScheduledAt: e.clock.Now().Add(time.Duration(i-messages/2) * time.Minute)}
			if _, _, err := tx.ImportMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// benchPages are the pages the budgets cover.
var benchPages = []string{"/", "/ui/dashboard", "/messages?status=pending", "/messages?status=sent&page=20",
	"/messages?status=sent&q=Contact+0042+%C5%BB%C3%B3%C5%82%C4%87", "/messages/new", "/messages/m000001",
	"/contacts", "/contacts?q=%C5%BC%C3%B3%C5%82%C4%87&page=3", "/contacts/351900000042", "/ui/pick?to_phone=cont",
	"/jobs", "/chats", "/whatsapp", "/backups"}

// BenchmarkPages measures each page's server time over 10,000 messages and
// 1,000 contacts, straight into the handler (no network), with its p99, and
// reports the page's size with the CSS and JavaScript it loads.
func BenchmarkPages(b *testing.B) {
	e := newEnv(b)
	e.seed(1000, 10000)
	e.login()
	cookie := e.client.Jar.Cookies(mustURL(b, e.srv.URL))
	handler := e.srv.Config.Handler
	assets := assetBytes(b, e)
	for _, page := range benchPages {
		b.Run(strings.TrimPrefix(page, "/"), func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			var size int
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, page, nil)
				req.RemoteAddr = "127.0.0.1:40000"
				for _, c := range cookie {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				start := time.Now()
				handler.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", page, rec.Code)
				}
				size = rec.Body.Len()
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(size+assets)/1024, "page+assets-KB")
		})
	}
}

var assetLink = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// assetBytes is the uncompressed size of the CSS and JavaScript a page loads.
func assetBytes(b *testing.B, e *env) int {
	total := 0
	for _, m := range assetLink.FindAllStringSubmatch(e.get("/").body, -1) {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+strings.ReplaceAll(m[1], "&amp;", "&"), nil)
		req.Header.Set("Accept-Encoding", "identity")
		res, err := e.client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		total += int(n)
	}
	return total
}

func mustURL(b *testing.B, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		b.Fatal(err)
	}
	return u
}
