package api

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

// tricky holds every character encoding/json escapes in its own way.
const tricky = "a\"b\\c/<d>&e\b\f\n\r\t\x00\x1f\x7f é ü\u2028\u2029 \xff\xc3 😀 end"

// filled returns a message with every field set (to a value that is not
// the zero one, so that omitempty keeps it): a field this test cannot fill
// fails it, until appendMessage and this test learn it.
func filled(t *testing.T) *vpslink.ScheduledMessage {
	t.Helper()
	zone := time.FixedZone("", -(3*60*60 + 30*60))
	at := time.Date(2026, 3, 29, 1, 30, 0, 120000000, zone)
	var m vpslink.ScheduledMessage
	v := reflect.ValueOf(&m).Elem()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch f.Interface().(type) {
		case string:
			f.SetString(name + " " + tricky)
		case int:
			f.SetInt(int64(i + 1))
		case time.Time:
			f.Set(reflect.ValueOf(at.Add(time.Duration(i) * time.Hour)))
		case *time.Time:
			u := at.UTC().Add(time.Duration(i) * time.Nanosecond)
			f.Set(reflect.ValueOf(&u))
		case *int64:
			n := int64(-i)
			f.Set(reflect.ValueOf(&n))
		case []time.Time:
			f.Set(reflect.ValueOf([]time.Time{at, at.In(time.UTC).Add(time.Minute)}))
		default:
			t.Fatalf("ScheduledMessage.%s is a %s: teach appendMessage and this test its JSON", name, f.Type())
		}
	}
	return &m
}

func TestAppendMessagePageIsEncodingJSON(t *testing.T) {
	minimal := &vpslink.ScheduledMessage{ID: "m1", Status: vpslink.MessagePending}
	for _, tt := range []struct {
		name string
		list []*vpslink.ScheduledMessage
	}{
		{"empty", []*vpslink.ScheduledMessage{}},
		{"zero values", []*vpslink.ScheduledMessage{{}, minimal}},
		{"every field set", []*vpslink.ScheduledMessage{filled(t), minimal, filled(t)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want, err := encode(page{Success: true, Data: tt.list, Total: 12345, Limit: 50, Offset: 7})
			if err != nil {
				t.Fatal(err)
			}
			got, ok := appendMessagePage(nil, tt.list, 12345, 50, 7)
			if !ok || string(got) != string(want) {
				t.Fatalf("appendMessagePage (ok %v):\n%s\nencoding/json:\n%s", ok, got, want)
			}
		})
	}
}

// A time encoding/json refuses is left to it (and to its error).
func TestAppendMessageRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*60*60)),
	} {
		m := &vpslink.ScheduledMessage{ScheduledAt: at}
		if _, err := json.Marshal(m); err == nil {
			t.Fatalf("encoding/json takes %v", at)
		}
		if _, ok := appendMessage(nil, m); ok {
			t.Errorf("appendMessage takes %v", at)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", tricky, "\xed\xa0\x80", "\u2027\u202a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("appendJSONString(%q) = %s, encoding/json: %s", s, got, want)
		}
	})
}
