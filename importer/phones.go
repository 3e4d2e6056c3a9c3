package importer

import "github.com/vpslink/vpslink"

// phoneConverted returns the report's warning for a phone of field the
// phone rules changed beyond its writing (see vpslink.PhoneConversion),
// "" for none.
func phoneConverted(field, given, stored string) string {
	if c := vpslink.PhoneConversion(given, stored); c != "" {
		return field + " " + c
	}
	return ""
}
