package importer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpslink/vpslink"
)

// seedFixtures adds every fixture file named name (all three generations)
// and the extra seeds to f's corpus.
func seedFixtures(f *testing.F, name string, extra ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", name))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkParseError fails unless err is nil or a position error inside data
// (or one to be located by reading the file again).
func checkParseError(t *testing.T, data []byte, err error) {
	var pe *posError
	if err != nil && (!errors.As(err, &pe) || pe.offset > int64(len(data))) {
		t.Fatalf("error %v (%T)", err, err)
	}
}

func FuzzParseContacts(f *testing.F) {
	seedFixtures(f, "contacts.json", `{}`, `[]`, `{"1": {"phones": "+49 151 1"}}`,
		`{"+49151": {"name": 5, "tags": [1, {}], "favorite": "maybe", "createdAt": {"low": 1, "high": 99999}}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parseContacts(data)
		checkParseError(t, data, err)
		if err == nil {
			dedupe([]*loaded[vpslink.Contact]{{name: "contacts.json", p: p}}, mergeContact)
		}
	})
}

func FuzzParseScheduled(f *testing.F) {
	seedFixtures(f, "scheduled*.json", `{"messages": {}}`, `{"messages": [[]]}`,
		`[{"to": "+4915112345678", "message": "x", "scheduledAt": "Thu Dec 10 2026 09:00:00 GMT+0100 (CET)", "status": 3}]`,
		`[{"scheduledAt": 1e400}, {"scheduledAt": -99999999999999}, {"scheduledAt": "1.5"}]`)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseScheduled(data)
		checkParseError(t, data, err)
	})
}

func FuzzParseJobs(f *testing.F) {
	seedFixtures(f, "jobs.json", `{"jobs": []}`, `[{"messageParts": "x"}]`,
		`[{"scheduledStartAt": 1, "recipients": ["x"], "messageParts": [{"text": "a", "orderIndex": "b"}, "c"], "progress": []}]`)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseJobs(data)
		checkParseError(t, data, err)
	})
}

// discardChats is a chatSink that checks what the parser hands it.
type discardChats struct{ t *testing.T }

func (d discardChats) beginChat(jid, skip string) error { return nil }
func (d discardChats) message(m *chatMessage) error {
	if m.skip == "" && m.msg.Timestamp == 0 {
		d.t.Fatalf("message without time: %+v", m)
	}
	return nil
}
func (d discardChats) endChat(c *chatInfo) error { return nil }

func FuzzParseChats(f *testing.F) {
	seedFixtures(f, "chats.json", `{}`, `{"": {}}`, `{"x": {"messages": [{"timestamp": {"low": "a"}}]}}`,
		`{"4915112345678": {"name": [], "unreadCount": -1, "lastMessageTime": "x", "messages": [{"rawMessage": [1]}]}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		err := parseChats(bytes.NewReader(data), discardChats{t})
		checkParseError(t, data, err)
	})
}
