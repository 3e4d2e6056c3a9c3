// Package storetest opens real, throwaway vpslink databases for the tests of
// every package, and creates the rows those tests most often need. Only test
// files may import it.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// Now is the fixed time a database opened by Open reads from its clock,
// unless WithClock says otherwise. Tests compare against it.
var Now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type options struct {
	path string
	now  func() time.Time
}

// Option configures Open.
type Option func(*options)

// WithPath opens the database file at path instead of a new one in a
// temporary directory: to reopen a file, or to share it with another
// process the test starts.
func WithPath(path string) Option { return func(o *options) { o.path = path } }

// WithClock makes the database read the time from now instead of the fixed
// Now; WithClock(time.Now) for tests that run against the wall clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithTime makes the database's clock stand still at at instead of Now.
func WithTime(at time.Time) Option {
	return WithClock(func() time.Time { return at })
}

// Open opens and migrates a real SQLite database, by default a new file
// in a temporary directory with the fixed clock Now, and closes it when the
// test ends. Closing it earlier is fine.
func Open(tb testing.TB, opts ...Option) *store.DB {
	tb.Helper()
	o := options{now: func() time.Time { return Now }}
	for _, opt := range opts {
		opt(&o)
	}
	if o.path == "" {
		o.path = filepath.Join(tb.TempDir(), "whatsapp.db")
	}
	db, err := store.Open(context.Background(), o.path)
	if err != nil {
		tb.Fatal(err)
	}
	db.Now = o.now
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// CreateContact stores c, failing the test on error, and returns it with
// its stored fields filled in.
func CreateContact(tb testing.TB, db *store.DB, c *vpslink.Contact) *vpslink.Contact {
	tb.Helper()
	if err := db.CreateContact(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// CreateMessage schedules text to the phone number to at the time at,
// failing the test on error, and returns the stored message.
func CreateMessage(tb testing.TB, db *store.DB, to, text string, at time.Time) *vpslink.ScheduledMessage {
	tb.Helper()
	m := &vpslink.ScheduledMessage{ToPhone: to, Message: text, ScheduledAt: at}
	if err := db.CreateMessage(context.Background(), m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// CreateGroup records a group the account is a member of, as WhatsApp
// reports it, failing the test on error.
func CreateGroup(tb testing.TB, db *store.DB, jid, name string, participants int) {
	tb.Helper()
	if err := db.SyncGroups(context.Background(), []store.WAGroup{{ID: jid, Name: name, Participants: participants}}, false); err != nil {
		tb.Fatal(err)
	}
}

// LeaveGroup records that the account left the group jid, failing the
// test on error.
func LeaveGroup(tb testing.TB, db *store.DB, jid string) {
	tb.Helper()
	if err := db.SyncGroups(context.Background(), []store.WAGroup{{ID: jid, Participants: -1, Left: true}}, false); err != nil {
		tb.Fatal(err)
	}
}

// GroupStates returns what the database says about each group it knows,
// by JID: "name/participants", and "/left" for a group the account left.
func GroupStates(tb testing.TB, db *store.DB) map[string]string {
	tb.Helper()
	gs, err := db.Groups(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, g := range gs {
		out[g.ID] = fmt.Sprintf("%s/%d", g.Name, g.ParticipantCount)
		if g.LeftAt != nil {
			out[g.ID] += "/left"
		}
	}
	return out
}

// Raw opens a connection of its own on db's file, as another program
// writing it would (the sqlite3 shell, the user's other tools): no store
// rules, foreign keys off. It is closed when the test ends.
func Raw(tb testing.TB, db *store.DB) *sql.DB {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}
