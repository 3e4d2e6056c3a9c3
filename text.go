package vpslink

import "fmt"

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

// ValidateText checks a message text as WhatsApp accepts it.
func ValidateText(field, text string) error {
	if text == "" {
		return FieldError(field, "must not be empty")
	}
	if n := len([]rune(text)); n > MaxTextLength {
		return FieldError(field, "is %d characters; WhatsApp allows %d", n, MaxTextLength)
	}
	return nil
}

// checkLength refuses s when it has more than n characters.
func checkLength(field, s string, n int) error {
	if len([]rune(s)) > n {
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
