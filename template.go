package vpslink

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Placeholders a text may hold, filled per recipient at send time
// (docs/sending.md, "Placeholders"):
//
//	{name}        the contact's name
//	{first_name}  the first word of the name
//	{alias}       the contact's first alias
//	{tags}        the contact's tags, comma-separated
//	{x|fallback}  any of the above, or fallback when it is empty
//	{{ and }}     a literal brace
//
// A placeholder with no value and no fallback is an error, never a blank:
// nobody should receive "Hello ,".
var placeholderNames = []string{"name", "first_name", "alias", "tags"}

// Bounds of a saved template.
const maxTemplateName = 100

// Template is a saved text that messages and job parts start from.
type Template struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate trims the name and checks both fields, including the
// placeholders' syntax.
func (t *Template) Validate() error {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return FieldError("name", "must not be empty")
	}
	if err := checkLength("name", t.Name, maxTemplateName); err != nil {
		return err
	}
	if err := ValidateText("text", t.Text); err != nil {
		return err
	}
	return CheckPlaceholders("text", t.Text)
}

// fromTemplate returns the text and template id of a text made from t: its
// own text when it has one, else t's.
func fromTemplate(text string, t *Template) (string, *int64) {
	if text == "" {
		text = t.Text
	}
	id := t.ID
	return text, &id
}

// Recipient holds what placeholders are filled from.
type Recipient struct {
	Name    string
	Aliases []string
	Tags    []string
}

// RecipientOf returns the placeholder values of a contact.
func RecipientOf(c *Contact) Recipient {
	return Recipient{Name: c.Name, Aliases: c.Aliases, Tags: c.Tags}
}

func (r Recipient) value(name string) string {
	switch name {
	case "name":
		return strings.TrimSpace(r.Name)
	case "first_name":
		if f := strings.Fields(r.Name); len(f) > 0 {
			return f[0]
		}
	case "alias":
		if len(r.Aliases) > 0 {
			return r.Aliases[0]
		}
	case "tags":
		return strings.Join(r.Tags, ", ")
	}
	return ""
}

// HasPlaceholders reports whether text holds a placeholder or an escaped
// brace, that is whether Render can change it.
func HasPlaceholders(text string) bool {
	return strings.ContainsAny(text, "{}")
}

// CheckPlaceholders checks the syntax and names of text's placeholders
// without a recipient; field names the input in the error.
func CheckPlaceholders(field, text string) error {
	_, err := render(field, text, nil)
	return err
}

// Render fills text's placeholders for r. The error names field and the
// placeholder that is unknown, malformed or has no value for r.
func Render(field, text string, r Recipient) (string, error) {
	return render(field, text, &r)
}

// render parses text and, when r is not nil, fills it. One parser for the
// check and the fill so that they never disagree.
func render(field, text string, r *Recipient) (string, error) {
	var b strings.Builder
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '{' && strings.HasPrefix(text[i:], "{{"), c == '}' && strings.HasPrefix(text[i:], "}}"):
			b.WriteByte(c)
			i += 2
		case c == '}':
			return "", FieldError(field, "has a lone } at byte %d (write }} for a literal brace)", i)
		case c == '{':
			end := strings.IndexAny(text[i+1:], "{}")
			if end < 0 || text[i+1+end] != '}' {
				return "", FieldError(field, "has an unclosed { at byte %d (write {{ for a literal brace)", i)
			}
			inner := text[i+1 : i+1+end]
			name, fallback, hasFallback := strings.Cut(inner, "|")
			name = strings.TrimSpace(name)
			if !slices.Contains(placeholderNames, name) {
				return "", FieldError(field, "has an unknown placeholder {%s} (known: {%s})", printable(name), strings.Join(placeholderNames, "}, {"))
			}
			if r != nil {
				v := r.value(name)
				if v == "" && !hasFallback {
					return "", FieldError(field, "placeholder {%s} has no value for this recipient (add a fallback: {%s|...})", name, name)
				} else if v == "" {
					v = fallback
				}
				b.WriteString(v)
			}
			i += end + 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// printable keeps an unknown placeholder short and valid in an error.
func printable(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, string(utf8.RuneError))
}
