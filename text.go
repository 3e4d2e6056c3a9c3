package vpslink

import (
	"fmt"
	"strings"
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
// text that says something. A text of only spaces would reach the
// recipient as an empty bubble, so it is refused like an empty one.
func ValidateText(field, text string) error {
	if strings.TrimSpace(text) == "" {
		return FieldError(field, "must not be empty or only whitespace")
	}
	if err := checkChars(field, text); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(text); n > MaxTextLength {
		return FieldError(field, "is %d characters; WhatsApp allows %d", n, MaxTextLength)
	}
	return nil
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
