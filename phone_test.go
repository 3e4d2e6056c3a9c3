package vpslink_test

import (
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
)

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"4915112345678", "4915112345678"},
		{"+49 151 1234 5678", "4915112345678"},
		{"0049-151-12345678", "4915112345678"},
		{"(030) 1234567", "0301234567"},
		{"4915112345678@s.whatsapp.net", "4915112345678"},
		{"4915112345678:12@s.whatsapp.net", "4915112345678"},
		{"  +1.555.123.4567 ", "15551234567"},
		{"", ""},
		{"abc", ""},
		{"12345", ""},
		{"1234567890123456", ""},
		{"49151+1234567", ""},
		{"123456@g.us", ""},
	} {
		got, err := vpslink.NormalizePhone("phone", tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if err != nil && vpslink.ErrorField(err) != "phone" {
			t.Errorf("error %v does not name the field", err)
		}
	}
}

func TestNormalizeRecipient(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+49 151 12345678", "4915112345678@s.whatsapp.net"},
		{"4915112345678@s.whatsapp.net", "4915112345678@s.whatsapp.net"},
		{"120363012345678901@g.us", "120363012345678901@g.us"},
		{"4915112345678-1600000000@g.us", "4915112345678-1600000000@g.us"},
		{"@g.us", ""},
		{"abc@g.us", ""},
		{"someone@lid", ""},
	} {
		got, err := vpslink.NormalizeRecipient("to", tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("NormalizeRecipient(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if p := vpslink.PhoneFromJID("4915112345678:3@s.whatsapp.net"); p != "4915112345678" {
		t.Errorf("PhoneFromJID = %q", p)
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+49 151 1234 5678", "0049151", "4915112345678@s.whatsapp.net", "1:2@s.whatsapp.net", "(", "00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := vpslink.NormalizePhone("phone", s)
		if err != nil {
			return
		}
		if len(p) < 6 || len(p) > 15 || strings.Trim(p, "0123456789") != "" || strings.HasPrefix(p, "00") {
			t.Fatalf("NormalizePhone(%q) = %q", s, p)
		}
		if again, err := vpslink.NormalizePhone("phone", p); err != nil || again != p {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, p, again, err)
		}
	})
}
