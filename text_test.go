package vpslink_test

import (
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
)

func TestValidateText(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"plain", "Hello 👋", ""},
		{"newlines inside", "line 1\nline 2", ""},
		{"empty", "", "must not be empty or only whitespace"},
		{"whitespace only", " \t\n\u00a0", "must not be empty or only whitespace"},
		{"zero-width space", "\u200b", "must not be empty or only whitespace or invisible"},
		{"word joiner and BOM with spaces", " \u2060\n\ufeff\t\u200b ", "or invisible"},
		{"Hangul filler and blank braille", "\u3164\u2800", "or invisible"},
		{"variation selector only", "\ufe0f", "or invisible"},
		{"text between zero-width spaces", "\u200bhi\u200b", ""},
		{"emoji with joiners", "👩\u200d💻", ""},
		{"Arabic number sign is visible", "\u0600", ""},
		{"NUL", "a\x00b", "must not contain NUL characters"},
		{"invalid UTF-8", "a\xffb", "is not valid UTF-8 text"},
		{"lone surrogate as WTF-8", "a\xed\xa0\x80b", "is not valid UTF-8 text"},
		{"too long", strings.Repeat("x", vpslink.MaxTextLength+1), "WhatsApp allows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := vpslink.ValidateText("message", tc.text)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || vpslink.ErrorField(err) != "message"):
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestContactValidate_RefusesBadCharacters(t *testing.T) {
	err := (&vpslink.Contact{Phone: "447700900123", Name: "Ann\x00"}).Validate()
	if vpslink.ErrorField(err) != "name" {
		t.Fatalf("NUL in a name: %v", err)
	}
}
