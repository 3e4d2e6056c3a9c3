package vpslink

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextLength is WhatsApp's limit on one text message, in characters.
const MaxTextLength = 65536

// Limits of the free-text fields WhatsApp does not bound, so that one
// request cannot store megabytes in a name.
const (
	maxNameLength  = 200
	maxLabelLength = 100
	maxLabels      = 100
	maxNotesLength = 10000
)

// ValidateText checks a message text as WhatsApp accepts it: well-formed
// text that says something. A text of only spaces or invisible characters
// (zero-width space, word joiner, BOM, ...) would reach the recipient as an
// empty bubble, so it is refused like an empty one.
func ValidateText(field, text string) error {
	if isBlank(text) {
		return FieldError(field, "must not be empty or only whitespace or invisible characters")
	}
	if err := checkChars(field, text); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(text); n > MaxTextLength {
		return FieldError(field, "is %d characters; WhatsApp allows %d", n, MaxTextLength)
	}
	return nil
}

// isBlank reports whether s shows nothing: every character is white space
// or invisible.
func isBlank(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) && !isInvisible(r) }) < 0
}

// isInvisible reports whether r draws nothing on its own: Unicode's
// default-ignorable code points (format characters such as U+200B, U+2060
// and U+FEFF, variation selectors, Hangul fillers) and the blank braille
// pattern, a favourite for "empty" messages. Prepended concatenation marks
// are format characters too, but they draw a sign, so they count as text.
func isInvisible(r rune) bool {
	if unicode.Is(unicode.Prepended_Concatenation_Mark, r) {
		return false
	}
	return r == '\u2800' || unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// checkChars refuses what no text field may hold: bytes that are not
// UTF-8 (they would be rewritten to U+FFFD on the way out, changing the
// text silently) and NUL, which C strings and some terminals cut at.
func checkChars(field, s string) error {
	if !utf8.ValidString(s) {
		return FieldError(field, "is not valid UTF-8 text")
	}
	if strings.ContainsRune(s, 0) {
		return FieldError(field, "must not contain NUL characters")
	}
	return nil
}

// checkLength refuses s when it is not well-formed text (checkChars) or
// has more than n characters.
func checkLength(field, s string, n int) error {
	if err := checkChars(field, s); err != nil {
		return err
	}
	if utf8.RuneCountInString(s) > n {
		return FieldError(field, "is longer than %d characters", n)
	}
	return nil
}

// checkLabels bounds a list of short labels (aliases, tags) as it was given,
// so that an index in the error is the one the client sent.
func checkLabels(field string, list []string) error {
	if len(list) > maxLabels {
		return FieldError(field, "has more than %d entries", maxLabels)
	}
	for i, s := range list {
		if err := checkLength(fmt.Sprintf("%s[%d]", field, i), s, maxLabelLength); err != nil {
			return err
		}
	}
	return nil
}
