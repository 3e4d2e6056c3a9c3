package vpslink_test

import (
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
)

func TestRender(t *testing.T) {
	ana := vpslink.Recipient{Name: "Ana Maria Souza", Aliases: []string{"Aninha", "Ana"}, Tags: []string{"vip", "family"}}
	bare := vpslink.Recipient{Name: "Bob"}
	tests := []struct {
		name, text string
		r          vpslink.Recipient
		want       string
		wantErr    string
	}{
		{"plain text", "Hello there", ana, "Hello there", ""},
		{"name", "Hi {name}!", ana, "Hi Ana Maria Souza!", ""},
		{"first name", "Hi {first_name}", ana, "Hi Ana", ""},
		{"alias is the first", "Oi {alias}", ana, "Oi Aninha", ""},
		{"tags", "[{tags}]", ana, "[vip, family]", ""},
		{"spaces inside", "Hi { name }", ana, "Hi Ana Maria Souza", ""},
		{"fallback unused", "Oi {alias|friend}", ana, "Oi Aninha", ""},
		{"fallback used", "Oi {alias|friend}", bare, "Oi friend", ""},
		{"empty fallback", "Oi{alias|}!", bare, "Oi!", ""},
		{"escaped braces", "{{name}} is {name}", bare, "{name} is Bob", ""},
		{"unicode", "Olá {first_name} 🎉", vpslink.Recipient{Name: "João Silva"}, "Olá João 🎉", ""},
		{"missing value", "Oi {alias}", bare, "", "{alias} has no value"},
		{"missing tags", "{tags}", bare, "", "{tags} has no value"},
		{"unknown", "Hi {nome}", ana, "", "unknown placeholder {nome}"},
		{"empty placeholder", "Hi {}", ana, "", "unknown placeholder {}"},
		{"unclosed", "Hi {name", ana, "", "unclosed {"},
		{"nested", "Hi {na{me}}", ana, "", "unclosed {"},
		{"lone close", "Hi name}", ana, "", "lone }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vpslink.Render("text", tt.text, tt.r)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "text: ") {
					t.Fatalf("Render(%q) error = %v, want one naming field text and %q", tt.text, err, tt.wantErr)
				}
				if vpslink.ErrorCode(err) != vpslink.EINVALID {
					t.Errorf("code = %s, want %s", vpslink.ErrorCode(err), vpslink.EINVALID)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Render(%q) = %q, %v; want %q", tt.text, got, err, tt.want)
			}
		})
	}
}

func TestCheckPlaceholders(t *testing.T) {
	for text, ok := range map[string]bool{
		"Hi {name}":      true,
		"Hi {alias}":     true, // a value is only needed at render time
		"{{literal}}":    true,
		"Hi {nickname}":  false,
		"Hi {name":       false,
		"brace } alone":  false,
		"no placeholder": true,
	} {
		if err := vpslink.CheckPlaceholders("message", text); (err == nil) != ok {
			t.Errorf("CheckPlaceholders(%q) = %v, want ok=%v", text, err, ok)
		}
	}
}

func TestTemplate_Validate(t *testing.T) {
	tests := []struct {
		name    string
		tpl     vpslink.Template
		wantErr string
	}{
		{"ok", vpslink.Template{Name: " greeting ", Text: "Hi {first_name|there}"}, ""},
		{"no name", vpslink.Template{Name: " ", Text: "Hi"}, "name: must not be empty"},
		{"long name", vpslink.Template{Name: strings.Repeat("n", 101), Text: "Hi"}, "name:"},
		{"no text", vpslink.Template{Name: "x", Text: " "}, "text:"},
		{"bad placeholder", vpslink.Template{Name: "x", Text: "Hi {nick}"}, "text: has an unknown placeholder {nick}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tpl.Validate()
			if tt.wantErr == "" {
				if err != nil || tt.tpl.Name != "greeting" {
					t.Fatalf("Validate() = %v, name %q", err, tt.tpl.Name)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// FuzzRender: any text either renders or fails with a validation error;
// never a panic, and the check and the fill agree on the syntax.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"Hi {name}", "{{", "}}", "{alias|x}", "{", "}", "{nome}", "{a|b|c}", "\xff{name}"} {
		f.Add(s)
	}
	r := vpslink.Recipient{Name: "Ana Souza", Aliases: []string{"Aninha"}, Tags: []string{"vip"}}
	f.Fuzz(func(t *testing.T, text string) {
		out, err := vpslink.Render("text", text, r)
		checkErr := vpslink.CheckPlaceholders("text", text)
		if (err == nil) != (checkErr == nil) {
			t.Fatalf("Render error %v but CheckPlaceholders error %v", err, checkErr)
		}
		if err != nil {
			if vpslink.ErrorCode(err) != vpslink.EINVALID || !strings.HasPrefix(err.Error(), "text: ") {
				t.Fatalf("error %v is not a validation error on text", err)
			}
			return
		}
		if !vpslink.HasPlaceholders(text) && out != text {
			t.Fatalf("text without braces changed: %q -> %q", text, out)
		}
	})
}
