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
		{"(030) 1234567", ""}, // a national form without a phone region
		{"4915112345678@s.whatsapp.net", "4915112345678"},
		{"4915112345678:12@s.whatsapp.net", "4915112345678"},
		{"  +1.555.123.4567 ", "15551234567"},
		{"+44 (0) 7700 900128", "447700900128"},
		{"+44 7700 9001281234", ""}, // too long for the UK
		{"+1 555 0100", ""},         // a US number without its area code: local only, unreachable from abroad
		{"0044 7700 900128", "447700900128"},
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

func TestNormalizePhone_NationalForms(t *testing.T) {
	if err := vpslink.SetPhoneRegion("gb"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vpslink.SetPhoneRegion("") })
	for _, tc := range []struct{ in, want, err string }{
		{"07700 900127", "447700900127", ""},
		{"020 7946 0018", "442079460018", ""},
		{"+49 151 12345678", "4915112345678", ""}, // international forms ignore the region
		{"447700900127", "447700900127", ""},      // so do bare international digits
		{"07700 9001", "", "not a possible GB number"},
		{"", "", "is required"},
	} {
		got, err := vpslink.NormalizePhone("to_phone", tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q %q", tc.in, got, err, tc.want, tc.err)
		}
	}
	if err := vpslink.SetPhoneRegion("XX"); err == nil {
		t.Error("an unknown region was accepted")
	}
}

func TestNormalizePhone_NationalWithoutRegion(t *testing.T) {
	_, err := vpslink.NormalizePhone("to_phone", "07700 900127")
	if err == nil || vpslink.ErrorField(err) != "to_phone" || !strings.Contains(err.Error(), "country code") {
		t.Fatalf("got %v", err)
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
		{"12-@g.us", ""},
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
