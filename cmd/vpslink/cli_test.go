package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
	"github.com/vpslink/vpslink"
)

// runCLI runs vpslink in-process with args and returns stdout and the error.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errOut)
	root := a.root()
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// mustRunCLI runs vpslink and fails the test on error.
func mustRunCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runCLI(t, args...)
	if err != nil {
		t.Fatalf("vpslink %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// dump returns every row of the data tables, to prove that a failed command
// wrote nothing.
func dump(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	for _, table := range []string{"contacts", "scheduled_messages", "jobs", "chats", "messages", "deliveries", "templates"} {
		rows, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
			fmt.Fprintln(&b, table, vals)
		}
		rows.Close()
	}
	return b.String()
}

func TestCLI_MissingDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	for _, args := range [][]string{
		{"contacts", "list"}, {"messages", "list"}, {"jobs", "list"}, {"chats", "list"}, {"db", "check"},
		{"contacts", "add", "--phone", "4915112345678", "--name", "x"},
	} {
		_, err := runCLI(t, append(args, "--db", path)...)
		if err == nil || !strings.Contains(err.Error(), "does not exist") || strings.Contains(oneLine(err), "\n") {
			t.Fatalf("%v: %v", args, err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("%v created the database", args)
		}
	}
}

func TestCLI_CorruptDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(path, bytes.Repeat([]byte("garbage!"), 100), 0o600)
	if _, err := runCLI(t, "contacts", "list", "--db", path); err == nil {
		t.Fatal("listed a corrupt file")
	}
}

func TestCLI_Commands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", db)
	mustRunCLI(t, "contacts", "add", "--db", db, "--phone", "+49 151 1234567", "--name", "Anna",
		"--alias", "Ann", "--tag", "family", "--favorite", "--timezone", "Europe/Berlin")
	mustRunCLI(t, "contacts", "add", "--db", db, "--phone", "4915100000002", "--name", "Bob", "--alias", "B")
	mustRunCLI(t, "contacts", "add", "--db", db, "--phone", "4915100000003", "--name", "Bea", "--alias", "B")

	var created struct {
		ID          string
		ScheduledAt string `json:"scheduled_at"`
	}
	out := mustRunCLI(t, "messages", "schedule", "--db", db, "--json", "--to", "ann", "--at", "2026-12-31 23:59",
		"--message", "Happy new year")
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.ScheduledAt != "2026-12-31T22:59:00Z" {
		t.Fatalf("schedule in the contact's zone: %s %v", out, err)
	}
	var job struct{ ID string }
	out = mustRunCLI(t, "jobs", "create", "--db", db, "--json", "--at", "2026-12-31T10:00:00Z", "--to", "Bob",
		"--to", "120363000000000000@g.us", "--part", "hello", "--part", "world", "--part-delay", "2.5", "--gap", "10")
	json.Unmarshal([]byte(out), &job)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"version"}, "vpslink"},
		{[]string{"db", "check"}, "ok"},
		{[]string{"contacts", "list"}, "Anna"},
		{[]string{"contacts", "list", "--search", "ann", "--json"}, `"phone":"491511234567"`},
		{[]string{"contacts", "list", "--favorite"}, "Anna"},
		{[]string{"contacts", "list", "--tag", "family"}, "Anna"},
		{[]string{"contacts", "show", "+491511234567"}, "Europe/Berlin"},
		{[]string{"contacts", "edit", "491511234567", "--notes", "likes tea"}, "likes tea"},
		{[]string{"messages", "list", "--status", "pending"}, "Happy new year"},
		{[]string{"messages", "list", "--search", "NEW YEAR"}, "Happy new year"},
		{[]string{"messages", "show", created.ID, "--json"}, `"status":"pending"`},
		{[]string{"messages", "reschedule", created.ID, "--at", "2027-01-01 00:01"}, "2026-12-31 23:01:00Z"},
		{[]string{"messages", "cancel", created.ID}, "cancelled"},
		{[]string{"messages", "resend", created.ID, "--at", "2027-01-02 09:00", "--json"}, `"resent_from":"` + created.ID + `"`},
		{[]string{"messages", "resend", created.ID}, "pending"},
		{[]string{"review"}, "no post-restore review pending"},
		{[]string{"review", "done"}, "no post-restore review was pending"},
		{[]string{"jobs", "list"}, "hello"},
		{[]string{"jobs", "show", job.ID, "--json"}, `"delayAfterSeconds":2.5`},
		{[]string{"jobs", "pause", job.ID}, "paused"},
		{[]string{"jobs", "resume", job.ID}, "pending"},
		{[]string{"jobs", "cancel", job.ID}, "cancelled"},
		{[]string{"chats", "list", "--unread"}, "ID"},
		{[]string{"contacts", "rm", "4915100000003"}, "removed"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out := mustRunCLI(t, append(tc.args, "--db", db)...)
			if !strings.Contains(out, tc.want) {
				t.Fatalf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}

func TestCLI_StatusWithoutService(t *testing.T) {
	db := filepath.Join(t.TempDir(), "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", db)
	t.Setenv("VPSLINK_LISTEN", "127.0.0.1:1") // nothing listens there
	t.Setenv("VPSLINK_API_SECRET", "s3cret-for-test")
	out := mustRunCLI(t, "status", "--db", db)
	if !strings.Contains(out, "not running") || strings.Contains(out, "s3cret") {
		t.Fatalf("status:\n%s", out)
	}
}

func TestCLI_BadInputWritesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", db)
	mustRunCLI(t, "contacts", "add", "--db", db, "--phone", "4915100000002", "--name", "Bob", "--alias", "B")
	mustRunCLI(t, "contacts", "add", "--db", db, "--phone", "4915100000003", "--name", "Bea", "--alias", "B")
	mustRunCLI(t, "templates", "add", "--db", db, "hello", "Hello {name}")
	mustRunCLI(t, "templates", "add", "--db", db, "bye", "Bye")
	before := dump(t, db)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"contacts", "add", "--phone", "abc", "--name", "x"}, "phone"},
		{[]string{"contacts", "add", "--phone", "4915100000009", "--name", "x", "--timezone", "Mars/Base"}, "timezone"},
		{[]string{"contacts", "add", "--phone", "4915100000002", "--name", "dup"}, "already exists"},
		{[]string{"contacts", "edit", "4915100000002"}, "nothing to change"},
		{[]string{"contacts", "show", "4915100000009"}, "not found"},
		{[]string{"messages", "schedule", "--to", "nobody", "--at", "2027-01-01 10:00", "--message", "x"}, "--to"},
		{[]string{"messages", "schedule", "--to", "B", "--at", "2027-01-01 10:00", "--message", "x"}, "ambiguous"},
		{[]string{"messages", "schedule", "--to", "Bob", "--at", "31.12.2026", "--message", "x"}, "--at"},
		{[]string{"messages", "schedule", "--to", "Bob", "--at", "2027-01-01 10:00", "--tz", "Nowhere", "--message", "x"}, "--tz"},
		{[]string{"messages", "schedule", "--to", "Bob", "--at", "2027-01-01 10:00", "--message", ""}, "--message"},
		{[]string{"messages", "cancel", "nope"}, "not found"},
		{[]string{"messages", "resend", "nope"}, "not found"},
		{[]string{"messages", "list", "--status", "done"}, "status"},
		{[]string{"jobs", "create", "--at", "2027-01-01T10:00:00Z", "--part", "x"}, "recipients"},
		{[]string{"jobs", "create", "--at", "2027-01-01T10:00:00Z", "--to", "Bob"}, "message_parts"},
		{[]string{"jobs", "create", "--at", "2027-01-01T10:00:00Z", "--to", "Bob", "--part", "x", "--gap", "-1"}, "recipientGapSeconds"},
		{[]string{"jobs", "create", "--at", "2027-01-01T10:00:00Z", "--to", "Bob", "--part", "x", "--part-delay", "-0.5"}, "--part-delay"},
		{[]string{"jobs", "pause", "nope"}, "not found"},
		{[]string{"chats", "show", "nobody@s.whatsapp.net"}, "not found"},
		{[]string{"templates", "edit", "hello"}, "nothing to change"},
		{[]string{"templates", "edit", "nope", "--text", "x"}, `no template is named "nope"`},
		{[]string{"templates", "edit", "hello", "--text", "Hi {nick}"}, "--text: has an unknown placeholder {nick}"},
		{[]string{"templates", "edit", "hello", "--text", "\u200b "}, "--text: must not be empty"},
		{[]string{"templates", "edit", "hello", "--name", " "}, "--name: must not be empty"},
		{[]string{"templates", "edit", "hello", "--name", "bye"}, "already exists"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := runCLI(t, append(tc.args, "--db", db)...)
			if err == nil || !strings.Contains(oneLine(err), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if after := dump(t, db); after != before {
		t.Fatalf("a failed command changed the database:\n%s\n---\n%s", before, after)
	}
}

// --template fills a message or a job's parts from a saved template, in
// the order given among --part; an unknown name is an error naming the
// flag.
func TestCLI_Templates(t *testing.T) {
	db := filepath.Join(t.TempDir(), "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", db)
	mustRunCLI(t, "contacts", "add", "--db", db, "--phone", "+49 151 1234567", "--name", "Anna Lee")
	mustRunCLI(t, "templates", "add", "--db", db, "hi", "Hi {first_name}")
	out := mustRunCLI(t, "messages", "schedule", "--db", db, "--json", "--to", "anna lee", "--at", "2026-12-31T10:00:00Z", "--template", "hi")
	if !strings.Contains(out, `"message":"Hi {first_name}"`) || !strings.Contains(out, `"template_id":1`) {
		t.Fatalf("message from a template: %s", out)
	}
	out = mustRunCLI(t, "jobs", "create", "--db", db, "--json", "--at", "2026-12-31T10:00:00Z", "--to", "491511234567",
		"--part", "one", "--template", "hi", "--part", "three")
	if !strings.Contains(out, `"message_parts":[{"text":"one","delayAfterSeconds":null},{"text":"Hi {first_name}","delayAfterSeconds":null,"templateId":1},{"text":"three"`) {
		t.Fatalf("job parts in order: %s", out)
	}
	if _, err := runCLI(t, "messages", "schedule", "--db", db, "--to", "anna lee", "--at", "now", "--template", "nope"); err == nil ||
		!strings.Contains(err.Error(), `--template: no template is named "nope"`) {
		t.Fatalf("unknown template: %v", err)
	}
}

// templates edit changes only the fields given, of a template named by its
// name or id (a refused change: TestCLI_BadInputWritesNothing).
func TestCLI_TemplatesEdit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", db)
	mustRunCLI(t, "templates", "add", "--db", db, "hi", "Hi {first_name}")
	if out := mustRunCLI(t, "templates", "edit", "--db", db, "hi", "--text", "Hello {name}"); out != "template 1 saved\n" {
		t.Fatalf("edit by name: %q", out)
	}
	out := mustRunCLI(t, "templates", "edit", "--db", db, "--json", "1", "--name", "hello")
	if !strings.Contains(out, `"name":"hello"`) || !strings.Contains(out, `"text":"Hello {name}"`) {
		t.Fatalf("edit by id: %s", out)
	}
}

// The CLI reads national numbers in the configured phone region (GB by
// default) and refuses them, naming the flag, without one.
func TestCLI_NationalPhones(t *testing.T) {
	db := filepath.Join(t.TempDir(), "whatsapp.db")
	mustRunCLI(t, "db", "migrate", "--db", db)
	out := mustRunCLI(t, "contacts", "add", "--db", db, "--json", "--phone", "07700 900127", "--name", "Ann")
	if !strings.Contains(out, `"phone":"447700900127"`) {
		t.Fatalf("national number stored as: %s", out)
	}
	out = mustRunCLI(t, "messages", "schedule", "--db", db, "--json", "--to", "+44 (0) 7700 900128", "--at", "2027-01-01 10:00",
		"--message", "hi")
	if !strings.Contains(out, `"to_phone":"447700900128"`) {
		t.Fatalf("trunk prefix kept: %s", out)
	}
	region := vpslink.PhoneRegion()
	t.Cleanup(func() { vpslink.SetPhoneRegion(region) })
	t.Setenv("VPSLINK_PHONE_REGION", "")
	_, err := runCLI(t, "contacts", "add", "--db", db, "--phone", "07700 900129", "--name", "Bo")
	if err == nil || !strings.Contains(err.Error(), "country code") {
		t.Fatalf("national number without a region: %v", err)
	}
}
