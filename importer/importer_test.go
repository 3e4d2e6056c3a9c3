package importer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func mustRun(t testing.TB, db *store.DB, src Source, opt Options) *Report {
	t.Helper()
	rep, err := Run(context.Background(), db, src, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// dump returns every row of every data table, to compare whole databases.
func dump(t testing.TB, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"contacts", "scheduled_messages", "jobs", "chats", "messages", "deliveries"} {
		rows, err := db.Reader().Query(`SELECT * FROM ` + table + ` ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, table, vals)
		}
		rows.Close()
	}
	return b.String()
}

// counts is one FileReport's numbers: read, imported, merged, unchanged, skipped.
type counts [5]int

func countsOf(rep *Report) map[string]counts {
	out := map[string]counts{}
	for _, f := range rep.Files {
		if !f.Missing {
			out[f.File+" "+f.Records] = counts{f.Read, f.Imported, f.Merged, f.Unchanged, f.Skipped}
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// Every generation's fixture imports with the expected counts and field
// values, and importing it again changes no row.
func TestRun_Generations(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		dir    string
		counts map[string]counts
		check  func(t *testing.T, db *store.DB, rep *Report)
	}{
		{"gen1", map[string]counts{
			"contacts.json contacts":            {5, 3, 1, 0, 1},
			"scheduled.json scheduled messages": {5, 3, 0, 0, 2},
			"jobs.json jobs":                    {1, 1, 0, 0, 0},
			"chats.json chats":                  {1, 1, 0, 0, 0},
			"chats.json chat messages":          {5, 2, 0, 0, 3},
		}, checkGen1},
		{"gen2", map[string]counts{
			"contacts.json contacts":                     {2, 2, 0, 0, 0},
			"scheduled-messages.json scheduled messages": {4, 4, 0, 0, 0},
			"jobs.json jobs":                             {2, 1, 0, 0, 1},
			"chats.json chats":                           {1, 1, 0, 0, 0},
			"chats.json chat messages":                   {4, 2, 1, 0, 1},
		}, checkGen2},
		{"gen3", map[string]counts{
			"contacts.json contacts":            {1, 1, 0, 0, 0},
			"scheduled.json scheduled messages": {2, 2, 0, 0, 0},
			"jobs.json jobs":                    {1, 1, 0, 0, 0},
			"chats.json chats":                  {4, 4, 0, 0, 0},
			"chats.json chat messages":          {3, 3, 0, 0, 0},
		}, checkGen3},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			db := storetest.Open(t)
			src := Dir(filepath.Join("testdata", tt.dir))
			rep := mustRun(t, db, src, Options{})
			if got := countsOf(rep); !reflect.DeepEqual(got, tt.counts) {
				t.Errorf("counts:\n got %v\nwant %v", got, tt.counts)
			}
			tt.check(t, db, rep)

			before := dump(t, db)
			db.Now = func() time.Time { return storetest.Now.Add(time.Hour) }
			again := mustRun(t, db, src, Options{})
			if after := dump(t, db); after != before {
				t.Fatalf("re-run changed the database:\n%s\n---\n%s", before, after)
			}
			if again.Database != rep.Database {
				t.Errorf("database counts %+v, then %+v", rep.Database, again.Database)
			}
			for _, f := range again.Files {
				if f.Imported != 0 || f.Read != f.Merged+f.Skipped {
					t.Errorf("re-run of %s %s: %+v", f.File, f.Records, f)
				}
			}
			var total int
			if err := db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM contacts`).Scan(&total); err != nil || total != rep.Database.Contacts {
				t.Errorf("contacts: %d rows, report says %d (%v)", total, rep.Database.Contacts, err)
			}
		})
	}
}

func checkGen1(t *testing.T, db *store.DB, rep *Report) {
	ctx := context.Background()
	anna, err := db.GetContact(ctx, "491511111111")
	if err != nil {
		t.Fatal(err)
	}
	// "0049 151 1111111" is the same phone: merged, later name, joined aliases.
	if anna.Name != "Anna" || !reflect.DeepEqual(anna.Aliases, []string{"Anni", "A"}) || !anna.IsFavorite ||
		!reflect.DeepEqual(anna.Tags, []string{"family"}) {
		t.Errorf("anna: %+v", anna)
	}
	if b, _ := db.GetContact(ctx, "4915122222222"); b == nil || b.IsFavorite {
		t.Errorf("bernd: %+v", b)
	}
	// A phone the rules cannot read is imported as it is and flagged.
	if odd, err := db.GetContact(ctx, "12"); err != nil || odd.Name != "Too Short" || odd.PhoneProblem == "" {
		t.Errorf("odd phone: %+v %v", odd, err)
	}
	if !slices.ContainsFunc(rep.Files[0].Warnings, func(e Entry) bool {
		return e.Record == "12" && strings.Contains(e.Reason, "imported as it is and flagged")
	}) {
		t.Errorf("odd phone not reported: %+v", rep.Files[0].Warnings)
	}
	// A message to a phone that is no contact created a minimal one.
	if s, _ := db.GetContact(ctx, "4915199999999"); s == nil || s.Name != "Stranger" {
		t.Errorf("stranger: %+v", s)
	}
	s1, err := db.GetMessage(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if !s1.ScheduledAt.Equal(at("2026-12-01T08:00:00Z")) || s1.Status != vpslink.MessagePending ||
		s1.ContactName != "Anna" || !s1.CreatedAt.Equal(at("2026-11-01T10:00:00Z")) {
		t.Errorf("s1: %+v", s1)
	}
	s2, _ := db.GetMessage(ctx, "s2")
	if s2 == nil || s2.Status != vpslink.MessageSent || !s2.ScheduledAt.Equal(time.Unix(1795000000, 0)) ||
		s2.SentAt == nil || !s2.SentAt.Equal(time.Unix(1795000005, 0)) {
		t.Errorf("s2: %+v", s2)
	}
	if s5, _ := db.GetMessage(ctx, "s5"); s5 == nil || s5.Status != vpslink.MessageFailed || s5.ErrorMessage != "Not connected" {
		t.Errorf("s5: %+v", s5)
	}
	j, err := db.GetJob(ctx, "j1")
	if err != nil {
		t.Fatal(err)
	}
	want := &vpslink.Job{ID: "j1", Title: "Frohe Weihnachten an euch alle, liebe Familie und ...",
		Status: vpslink.JobPending, ScheduledStartAt: at("2026-12-24T17:00:00Z"),
		Recipients: []string{"491511111111@s.whatsapp.net", "4915122222222@s.whatsapp.net", "120363000000000000@g.us"},
		MessageParts: []vpslink.MessagePart{
			{Text: "Frohe Weihnachten an euch alle, liebe Familie und Freunde, von Herzen!", DelayAfterSeconds: ptr(5.0)},
			{Text: "🎄"}},
		Config:    vpslink.JobConfig{RecipientGapSeconds: 30, MaxRetries: 2},
		CreatedAt: at("2026-11-01T12:00:00Z"), UpdatedAt: storetest.Now}
	if !reflect.DeepEqual(j, want) {
		t.Errorf("job:\n got %+v\nwant %+v", j, want)
	}
	c, err := db.GetChat(ctx, "491511111111@s.whatsapp.net")
	if err != nil || c.Name != "Anna" || c.UnreadCount != 2 || c.LastMessageTime != 1795000100 || c.IsGroup {
		t.Errorf("chat: %+v %v", c, err)
	}
	msgs, _ := db.ChatMessages(ctx, c.ID, 10, 0)
	if len(msgs) != 2 || msgs[0].Message != "Hello back" || !msgs[0].IsFromMe || msgs[1].Message != "Hi" || msgs[1].IsFromMe {
		t.Errorf("messages: %+v", msgs)
	}
	wantSkips := map[string]string{
		"+4915133333333": "missing name", "s3": "missing text", "s4": "missing time",
		"491511111111@s.whatsapp.net messages[1]": "exact duplicate of an earlier message",
		"491511111111@s.whatsapp.net messages[3]": "missing text",
		"491511111111@s.whatsapp.net messages[4]": "missing time",
	}
	for _, f := range rep.Files {
		for _, s := range f.Skips {
			if w, ok := wantSkips[s.Record]; ok && w != s.Reason {
				t.Errorf("%s skipped for %q, want %q", s.Record, s.Reason, w)
			}
			delete(wantSkips, s.Record)
		}
	}
	if len(wantSkips) > 0 {
		t.Errorf("not reported as skipped: %v", wantSkips)
	}
}

func checkGen2(t *testing.T, db *store.DB, rep *Report) {
	ctx := context.Background()
	carla, _ := db.GetContact(ctx, "491512222222")
	if carla == nil || !carla.IsFavorite || carla.Timezone != "Europe/Berlin" || carla.SecondaryPhone != "" ||
		!reflect.DeepEqual(carla.Aliases, []string{"Cee", "Carla C"}) {
		t.Errorf("carla: %+v", carla)
	}
	dieter, _ := db.GetContact(ctx, "491513333333")
	if dieter == nil || dieter.SecondaryPhone != "49301234567" || dieter.Timezone != "" {
		t.Errorf("dieter: %+v", dieter)
	}
	// A legacy "sending" row may have gone out: failed, never resent.
	m1, _ := db.GetMessage(ctx, "m1")
	if m1 == nil || m1.Status != vpslink.MessageFailed || !strings.Contains(m1.ErrorMessage, "may have been delivered") ||
		!m1.ScheduledAt.Equal(time.UnixMilli(1796000000000)) || m1.CreatedFrom != "web" || m1.ToPhone != "491512222222" {
		t.Errorf("m1: %+v", m1)
	}
	if m2, _ := db.GetMessage(ctx, "m2"); m2 == nil || m2.Status != vpslink.MessageCancelled || m2.ErrorMessage != "user cancelled" {
		t.Errorf("m2: %+v", m2)
	}
	// A message to a group is imported with the group's JID and no contact.
	if m3, _ := db.GetMessage(ctx, "m3"); m3 == nil || m3.ToPhone != "120363000000000000@g.us" || m3.Status != vpslink.MessagePending {
		t.Errorf("m3: %+v", m3)
	}
	if c, err := db.GetContact(ctx, "120363000000000000@g.us"); c != nil || vpslink.ErrorCode(err) == vpslink.EINTERNAL {
		t.Errorf("a group became a contact: %+v %v", c, err)
	}
	if m4, _ := db.GetMessage(ctx, "m4"); m4 == nil || m4.Status != vpslink.MessageFailed || !strings.Contains(m4.ErrorMessage, `"exploded"`) {
		t.Errorf("m4: %+v", m4)
	}
	// A running job is paused: its owner decides whether to resume it.
	j, _ := db.GetJob(ctx, "j2")
	if j == nil || j.Status != vpslink.JobPaused || j.Title != "Newsletter" || j.MessageParts[0].Text != "Part one" ||
		*j.MessageParts[0].DelayAfterSeconds != 2.5 || j.CurrentRecipientIndex != 1 || j.RecipientsSent != 1 ||
		j.LastSentAt == nil || !j.LastSentAt.Equal(at("2026-11-20T10:01:00Z")) || !j.CreatedAt.Equal(time.UnixMilli(1793000000000)) ||
		j.Config != (vpslink.JobConfig{RecipientGapSeconds: 60, MaxRetries: 3}) {
		t.Errorf("j2: %+v", j)
	}
	msgs, _ := db.ChatMessages(ctx, "491512222222@s.whatsapp.net", 10, 0)
	if len(msgs) != 2 || msgs[0].WAMessageID != "3EB0BBB2" || msgs[0].Timestamp != 2200000000 ||
		msgs[1].WAMessageID != "3EB0AAA1" || msgs[1].Message != "Moin" || msgs[1].Timestamp != 1795000000 ||
		!strings.HasPrefix(msgs[1].RawMessage, `{"key":{"remoteJid":"491512222222@s.whatsapp.net","fromMe":false,"id":"3EB0AAA1"}`) {
		t.Errorf("messages: %+v", msgs)
	}
}

func checkGen3(t *testing.T, db *store.DB, rep *Report) {
	ctx := context.Background()
	eva, err := db.GetContact(ctx, "491515555555")
	if err != nil {
		t.Fatal(err)
	}
	want := &vpslink.Contact{ID: eva.ID, Phone: "491515555555", Name: "Eva", Aliases: []string{"E.", "Evi"},
		Tags: []string{"vip"}, IsFavorite: true, SecondaryPhone: "491514444444", Timezone: "America/New_York",
		Notes: "Prefers voice", CreatedAt: at("2025-01-02T01:04:05Z"), UpdatedAt: storetest.Now}
	if !reflect.DeepEqual(eva, want) {
		t.Errorf("eva:\n got %+v\nwant %+v", eva, want)
	}
	a1, _ := db.GetMessage(ctx, "a1")
	if a1 == nil || !a1.ScheduledAt.Equal(at("2026-12-10T08:00:00Z")) || a1.RecipientTimezone != "Europe/Berlin" ||
		a1.CreatedFrom != "cli" || a1.Status != vpslink.MessagePending {
		t.Errorf("a1: %+v", a1)
	}
	a2, _ := db.GetMessage(ctx, "a2")
	if a2 == nil || !a2.ScheduledAt.Equal(at("2026-12-10T14:00:00Z")) || a2.ToPhone != "15550109999" || a2.Status != vpslink.MessageFailed {
		t.Errorf("a2: %+v", a2)
	}
	jobs, _, _ := db.ListJobs(ctx, vpslink.JobFilter{})
	if len(jobs) != 1 || !strings.HasPrefix(jobs[0].ID, "legacy-") || jobs[0].Title != "Short title" ||
		jobs[0].Status != vpslink.JobCancelled || jobs[0].ErrorMessage != "stopped by user" ||
		*jobs[0].MessageParts[0].DelayAfterSeconds != 1.5 || jobs[0].Config.RecipientGapSeconds != 5 ||
		jobs[0].CancelledAt == nil || !jobs[0].ScheduledStartAt.Equal(time.Unix(1790000000, 0)) {
		t.Errorf("jobs: %+v", jobs)
	}
	group, _ := db.GetChat(ctx, "120363000000000000@g.us")
	if group == nil || !group.IsGroup || group.Name != "Family" || group.UnreadCount != 3 || group.LastMessageTime != 1795000400 {
		t.Errorf("group: %+v", group)
	}
	msgs, _ := db.ChatMessages(ctx, "120363000000000000@g.us", 10, 0)
	if len(msgs) != 2 || msgs[1].SenderJID != "491511111111@s.whatsapp.net" || msgs[1].MessageType != "image" ||
		msgs[0].Message != "" || !msgs[0].IsFromMe || msgs[0].WAMessageID != "GRP2" {
		t.Errorf("group messages: %+v", msgs)
	}
	for _, id := range []string{"123456789012345@lid", "status@broadcast", "120363111111111111@newsletter"} {
		if _, err := db.GetChat(ctx, id); err != nil {
			t.Error(err)
		}
	}
	if m, _ := db.ChatMessages(ctx, "status@broadcast", 1, 0); len(m) != 1 || m[0].Timestamp != 1795000500 {
		t.Errorf("broadcast: %+v", m)
	}
	var warned bool
	for _, f := range rep.Files {
		for _, w := range f.Warnings {
			warned = warned || strings.Contains(w.Reason, "avatarUrl")
		}
	}
	if !warned {
		t.Error("unknown field avatarUrl not reported")
	}
}

// eachFile calls fn with the name and content of every file in dir.
func eachFile(t *testing.T, dir string, fn func(name string, b []byte)) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fn(e.Name(), b)
	}
}

// copyDir copies the fixture directory dir into a new temporary directory.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	eachFile(t, dir, func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	return out
}

// A file that is not valid JSON or not a known shape aborts the import with
// one line naming the file and position, and nothing is written, even when
// it is the last file read.
func TestRun_AbortLeavesNothing(t *testing.T) {
	tests := []struct {
		file, content, want string
	}{
		{"chats.json", `{"491511111111@s.whatsapp.net": {"messages": [{"text": "a", "timestamp": 1795000000}, {"text": "b",` + "\n" + `"timestamp": }]}}`,
			"chats.json: line 2, column 14 (byte 113): invalid JSON"},
		{"chats.json", `{"a@s.whatsapp.net": {"messages": [{"text": "a", "timestamp": 1795000000}]}} {}`, "chats.json: line 1, column 79"},
		{"chats.json", `[]`, "chats.json: line 1, column 1 (byte 0): expected an object keyed by chat JID, found an array"},
		{"chats.json", `{"a@s.whatsapp.net": {"messages": {}}}`, `messages must be an array, found an object`},
		{"chats.json", `{"a@s.whatsapp.net": {"messages": [1]}}`, `chat "a@s.whatsapp.net" messages[0]: expected an object, found number`},
		{"chats.json", `{"a@s.whatsapp.net": []}`, `chat "a@s.whatsapp.net": expected an object, found an array`},
		{"chats.json", `{"a@s.whatsapp.net": {"messages": [`, "unexpected end of input"},
		{"contacts.json", `[{"name": "x"}]`, "contacts.json: line 1, column 1 (byte 0): expected an object keyed by phone"},
		{"contacts.json", "{\n  \"4915111111\": \"Anna\"\n}", `contacts.json: line 2, column 17 (byte 18): contact "4915111111": expected an object, found a string`},
		{"jobs.json", `[{"id": "x"}, 42]`, `jobs.json: line 1, column 15 (byte 14): job [1]: expected an object, found a number`},
		{"scheduled.json", `{"messages": [1, 2]`, "scheduled.json: line 1, column 20 (byte 19): invalid JSON"},
		{"jobs.json", `"jobs"`, "jobs.json: line 1, column 1 (byte 0): expected an array or an object, found a string"},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.want, func(t *testing.T) {
			dir := copyDir(t, filepath.Join("testdata", "gen1"))
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			db := storetest.Open(t)
			empty := dump(t, db)
			_, err := Run(context.Background(), db, Dir(dir), Options{})
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if got := dump(t, db); got != empty {
				t.Fatalf("the aborted import wrote:\n%s", got)
			}
		})
	}
}

// A dry run reports exactly what the import would do and writes nothing.
func TestRun_DryRun(t *testing.T) {
	for _, dir := range []string{"gen1", "gen2", "gen3"} {
		db := storetest.Open(t)
		src := Dir(filepath.Join("testdata", dir))
		dry := mustRun(t, db, src, Options{DryRun: true})
		if got := dump(t, db); got != "" {
			t.Fatalf("dry run wrote:\n%s", got)
		}
		real := mustRun(t, db, src, Options{})
		dry.DryRun = false
		if !reflect.DeepEqual(dry, real) {
			t.Errorf("%s: dry run report differs:\n%+v\n%+v", dir, dry, real)
		}
	}
}

// The same record in scheduled.json and scheduled-messages.json is written
// once, and a later import of the legacy files never revives or resends a
// row that vpslink has moved on.
func TestRun_MergeRules(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("scheduled.json", `[{"id": "x", "to": "4915111111111", "message": "old", "scheduledAt": "2027-01-01T10:00:00Z"},
		{"id": "y", "to": "4915111111111", "message": "keep", "scheduledAt": "2027-01-01T10:00:00Z"}]`)
	write("scheduled-messages.json", `{"messages": [{"id": "x", "to": "4915111111111", "message": "new", "scheduledAt": "2027-01-01T10:00:00Z"}]}`)
	db := storetest.Open(t)
	rep := mustRun(t, db, Dir(dir), Options{})
	if m, _ := db.GetMessage(ctx, "x"); m == nil || m.Message != "new" {
		t.Fatalf("x: %+v", m)
	}
	if c := countsOf(rep); c["scheduled.json scheduled messages"] != (counts{2, 2, 0, 0, 0}) ||
		c["scheduled-messages.json scheduled messages"] != (counts{1, 0, 1, 0, 0}) {
		t.Errorf("counts %v", c)
	}
	before := dump(t, db)
	mustRun(t, db, Dir(dir), Options{})
	if dump(t, db) != before {
		t.Fatal("re-run changed the database")
	}

	// The user cancels y in vpslink; the legacy file still says pending.
	if _, err := db.CancelMessage(ctx, "y", ""); err != nil {
		t.Fatal(err)
	}
	write("scheduled.json", `[{"id": "y", "to": "4915111111111", "message": "keep, edited", "scheduledAt": "2027-01-01T10:00:00Z"}]`)
	rep = mustRun(t, db, Dir(dir), Options{})
	if m, _ := db.GetMessage(ctx, "y"); m == nil || m.Status != vpslink.MessageCancelled || m.Message != "keep" {
		t.Fatalf("y was revived: %+v", m)
	}
	if f := rep.Files[1]; len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0].Reason, "kept the database's version") {
		t.Errorf("warnings %+v", f.Warnings)
	}
}

func TestRun_NoFiles(t *testing.T) {
	_, err := Run(context.Background(), storetest.Open(t), Dir(t.TempDir()), Options{})
	if err == nil || !strings.Contains(err.Error(), "no legacy files") {
		t.Fatal(err)
	}
}

// A national number is read in the phone region, a "(0)" trunk prefix is
// dropped, and the report says so for every phone it converted: contacts'
// phones, scheduled messages' recipients and jobs' recipients. Formatting
// alone ("+44 7700 900129") and the "00" international prefix are no
// conversion.
func TestRun_NationalPhones(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"contacts.json": `{"07700 900127": {"name": "Ann", "phones": {"secondary": "+44 (0) 7700 900126"}}, "+44 7700 900125": {"name": "Bo"}}`,
		"scheduled.json": `[{"id": "m1", "to": "07700 900128", "message": "hi", "scheduledAt": "2026-12-24T09:00:00Z"},
			{"id": "m2", "to": "0044 7700 900125", "message": "hi", "scheduledAt": "2026-12-24T09:00:00Z"}]`,
		"jobs.json": `[{"id": "j1", "scheduledStartAt": "2026-12-24T09:00:00Z", "messageParts": ["hi"],
			"recipients": ["+44 (0)7700 900129", "447700900125@s.whatsapp.net", "07700 900128"]}]`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := vpslink.SetPhoneRegion("GB"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vpslink.SetPhoneRegion("") })
	db := storetest.Open(t)
	rep := mustRun(t, db, Dir(dir), Options{})
	if _, err := db.GetContact(context.Background(), "447700900127"); err != nil {
		t.Fatalf("converted contact: %v", err)
	}
	want := map[string][]string{
		"contacts.json": {`phone "07700 900127" read as a GB number: 447700900127`,
			`phones.secondary "+44 (0) 7700 900126" converted to 447700900126`},
		"scheduled.json": {`to "07700 900128" read as a GB number: 447700900128`},
		"jobs.json": {`recipients[0] "+44 (0)7700 900129" converted to 447700900129`,
			`recipients[2] "07700 900128" read as a GB number: 447700900128`},
	}
	for _, f := range rep.Files {
		var got []string
		for _, w := range f.Warnings {
			got = append(got, w.Reason)
		}
		if !slices.Equal(got, want[f.File]) {
			t.Errorf("%s warnings:\n%q\nwant\n%q", f.File, got, want[f.File])
		}
	}
	var out strings.Builder
	if err := rep.Print(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `jobs.json jobs, warning:`) || !strings.Contains(out.String(), `recipients[2] "07700 900128" read as a GB number: 447700900128 (1): j1`) {
		t.Errorf("printed report:\n%s", out.String())
	}
}

// Legacy records address groups by JID: one that names a group
// ("group:Family") is skipped with the reason, and the import goes on.
func TestRun_GroupByNameSkipped(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"scheduled.json": `[{"id": "m1", "to": "group:Family", "message": "hi", "scheduledAt": "2026-12-24T09:00:00Z"},
			{"id": "m2", "to": "120363000000000001@g.us", "message": "hi", "scheduledAt": "2026-12-24T09:00:00Z"}]`,
		"jobs.json": `[{"id": "j1", "scheduledStartAt": "2026-12-24T09:00:00Z", "messageParts": ["hi"], "recipients": ["group:Family"]}]`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := storetest.Open(t)
	rep := mustRun(t, db, Dir(dir), Options{})
	want := map[string]counts{"scheduled.json scheduled messages": {2, 1, 0, 0, 1}, "jobs.json jobs": {1, 0, 0, 0, 1}}
	for k, c := range countsOf(rep) {
		if w, ok := want[k]; ok && c != w {
			t.Errorf("%s: %v, want %v", k, c, w)
		}
	}
	for _, f := range rep.Files {
		for _, s := range f.Skips {
			if !strings.Contains(s.Reason, "legacy files address groups by their JID") {
				t.Errorf("%s skipped %s: %s", f.File, s.Record, s.Reason)
			}
		}
	}
	if m, err := db.GetMessage(context.Background(), "m2"); err != nil || m.ToPhone != "120363000000000001@g.us" {
		t.Errorf("m2: %+v %v", m, err)
	}
}
