package importer

import (
	"fmt"
	"strings"

	"github.com/vpslink/vpslink"
)

// phoneConverted returns the report's warning for a phone the phone rules
// changed beyond its writing: a national number read in the phone region,
// a "(0)" trunk prefix dropped. Spaces, dashes, brackets, "+", "00" and a
// JID's suffix going is no conversion, and neither is a group's JID;
// both give "".
func phoneConverted(field, given, stored string) string {
	if stored == "" || strings.Trim(stored, "0123456789") != "" {
		return ""
	}
	if vpslink.IsNationalPhone(given) {
		return fmt.Sprintf("%s %q read as a %s number: %s", field, given, vpslink.PhoneRegion(), stored)
	}
	if writtenDigits(given) != stored {
		return fmt.Sprintf("%s %q converted to %s", field, given, stored)
	}
	return ""
}

// writtenDigits returns the digits of an international phone as written,
// without a "00" prefix or a JID's suffix and device.
func writtenDigits(s string) string {
	s = strings.TrimSpace(s)
	if user, ok := strings.CutSuffix(s, "@"+vpslink.UserServer); ok {
		s, _, _ = strings.Cut(user, ":")
	}
	var b strings.Builder
	for _, r := range strings.TrimPrefix(s, "00") {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
