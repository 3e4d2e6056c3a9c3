package vpslink

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// WhatsApp JID servers a recipient may carry.
const (
	UserServer  = "s.whatsapp.net"
	GroupServer = "g.us"
)

// phoneRegion is the region (ISO 3166 code, "GB") national numbers are
// read in; "" refuses them. SetPhoneRegion sets it once at start-up.
var phoneRegion atomic.Value // string

// SetPhoneRegion sets the region national numbers ("07700 900127") are
// read in; "" makes them an error that asks for the international form.
func SetPhoneRegion(region string) error {
	region = strings.ToUpper(strings.TrimSpace(region))
	if region != "" && phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return fmt.Errorf("phone region %q is not a known ISO 3166 region code", region)
	}
	phoneRegion.Store(region)
	return nil
}

// PhoneRegion returns the region set by SetPhoneRegion.
func PhoneRegion() string {
	r, _ := phoneRegion.Load().(string)
	return r
}

// NormalizePhone reduces a phone number to its international digits. It
// accepts "+" or "00" international forms, bare international digits, a
// "@s.whatsapp.net" JID and, with a phone region set, national forms
// starting with a trunk 0 ("07700 900127"); spaces, dashes, dots, brackets
// and a "(0)" trunk prefix ("+44 (0) 7700 900128") are dropped. A number
// written with "+", "00" or nationally must have a length its country's
// numbers can have when dialled in full (github.com/nyaruka/phonenumbers). Full validity is not
// asked: the library's number ranges refuse the fictional ranges people
// test with (07700 900xxx) and ranges allocated after its release, which
// would refuse real recipients. Bare digits and JIDs, which machines write,
// are only bounded: E.164 allows at most 15 digits and fewer than 6 cannot
// be a reachable number.
func NormalizePhone(field, s string) (string, error) {
	p := strings.TrimSpace(s)
	if p == "" {
		return "", FieldError(field, "is required")
	}
	jid := false
	if user, ok := strings.CutSuffix(p, "@"+UserServer); ok {
		p, _, _ = strings.Cut(user, ":") // a device JID: "4915...:12@s.whatsapp.net"
		jid = true
	}
	if strings.HasPrefix(p, "+") || strings.HasPrefix(p, "00") {
		p = strings.Replace(p, "(0)", "", 1) // "+44 (0) 7700 900128": the trunk 0 is not dialled from abroad
	}
	var b strings.Builder
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return "", FieldError(field, "%q is not a phone number", s)
		}
	}
	raw := b.String()
	international := strings.HasPrefix(p, "+") || strings.HasPrefix(raw, "00")
	digits := strings.TrimPrefix(raw, "00")
	if strings.HasPrefix(digits, "00") {
		return "", FieldError(field, "%q is not a phone number", s)
	}
	if !international && !jid && strings.HasPrefix(digits, "0") {
		return nationalPhone(field, s, digits)
	}
	if len(digits) < 6 || len(digits) > 15 {
		return "", FieldError(field, "%q must have 6 to 15 digits", s)
	}
	if international {
		if num, err := phonenumbers.Parse("+"+digits, ""); err != nil || !possible(num) {
			return "", FieldError(field, "%q is not a possible number for its country code", s)
		}
	}
	return digits, nil
}

// IsNationalPhone reports whether s is written as a national number (a
// trunk 0 first, no "+", "00" or JID), which NormalizePhone reads in the
// phone region: the importer reports those conversions.
func IsNationalPhone(s string) bool {
	s = strings.TrimLeft(strings.TrimSpace(s), "( ")
	return strings.HasPrefix(s, "0") && !strings.HasPrefix(s, "00") && !strings.Contains(s, "@")
}

// PhoneConversion says how NormalizePhone changed given into stored beyond
// its writing, for the importers' reports: a national number read in the
// phone region, a "(0)" trunk prefix dropped. Spaces, dashes, brackets,
// "+", "00" and a JID's suffix going is no conversion, and neither is a
// group's JID; both give "".
func PhoneConversion(given, stored string) string {
	if stored == "" || strings.Trim(stored, "0123456789") != "" {
		return ""
	}
	if IsNationalPhone(given) {
		return fmt.Sprintf("%q read as a %s number: %s", given, PhoneRegion(), stored)
	}
	if writtenDigits(given) != stored {
		return fmt.Sprintf("%q converted to %s", given, stored)
	}
	return ""
}

// writtenDigits returns the digits of an international phone as written,
// without a "00" prefix or a JID's suffix and device.
func writtenDigits(s string) string {
	s = strings.TrimSpace(s)
	if user, ok := strings.CutSuffix(s, "@"+UserServer); ok {
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

// nationalPhone converts a national number to international digits with
// the phone region.
func nationalPhone(field, s, digits string) (string, error) {
	region := PhoneRegion()
	if region == "" {
		return "", FieldError(field, "%q is a national number; give it with its country code (+44 7700 900127), or set phone_region", s)
	}
	num, err := phonenumbers.Parse(digits, region)
	// A number too short to lose its trunk 0 keeps it as "Italian leading
	// zero"; no such number is a mobile WhatsApp reaches.
	if err != nil || !possible(num) || num.GetItalianLeadingZero() {
		return "", FieldError(field, "%q is not a possible %s number", s, region)
	}
	return strings.TrimPrefix(phonenumbers.Format(num, phonenumbers.E164), "+"), nil
}

// possible reports whether num has a length its country's numbers can
// have when dialled in full. phonenumbers.IsPossibleNumber also accepts a
// local-only length (a US number without its area code), which WhatsApp
// cannot reach.
func possible(num *phonenumbers.PhoneNumber) bool {
	return phonenumbers.IsPossibleNumberWithReason(num) == phonenumbers.IS_POSSIBLE
}

// NormalizeRecipient accepts a phone number, a user JID or a group JID and
// returns the JID string a message is sent to.
func NormalizeRecipient(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if IsGroupJID(s) {
		return normalizeGroupJID(field, s)
	}
	phone, err := NormalizePhone(field, s)
	if err != nil {
		return "", err
	}
	return phone + "@" + UserServer, nil
}

// NormalizeToPhone checks the recipient of a scheduled message: a group JID
// is kept as it is, anything else follows the phone rules and becomes
// digits. The column keeps its seed name, to_phone, for the tools that
// share the file.
func NormalizeToPhone(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if IsGroupJID(s) {
		return normalizeGroupJID(field, s)
	}
	return NormalizePhone(field, s)
}

// IsGroupJID reports whether s is addressed to a group ("…@g.us").
func IsGroupJID(s string) bool {
	return strings.HasSuffix(strings.TrimSpace(s), "@"+GroupServer)
}

// normalizeGroupJID checks a group JID: WhatsApp's group ids are digits,
// older ones "<creator's phone>-<creation time>".
func normalizeGroupJID(field, s string) (string, error) {
	user, _ := strings.CutSuffix(s, "@"+GroupServer)
	if user == "" || strings.Trim(user, "0123456789-") != "" || strings.Trim(user, "-") != user {
		return "", FieldError(field, "%q is not a group JID", s)
	}
	return s, nil
}

// GroupPrefix marks a recipient chosen by a group's name ("group:Family").
// It is resolved to the group's JID when the message or job is saved (see
// ResolveGroupName), so a later rename changes nothing that was scheduled.
const GroupPrefix = "group:"

// GroupNameOf returns the name a recipient "group:<name>" gives.
func GroupNameOf(s string) (string, bool) {
	name, ok := strings.CutPrefix(strings.TrimSpace(s), GroupPrefix)
	return strings.TrimSpace(name), ok
}

// ResolveGroupName returns the JID of the one group named name (compared
// without regard to case) among groups, the chats this account knows.
// Unknown names, names several groups share and groups the account has
// left are validation errors of field, which say what to do instead.
func ResolveGroupName(field, name string, groups []*Chat) (string, error) {
	if name == "" {
		return "", FieldError(field, "names no group: give %s<group name> or a group JID", GroupPrefix)
	}
	var member, left []string
	for _, g := range groups {
		if !(g.IsGroup || IsGroupJID(g.ID)) || !strings.EqualFold(strings.TrimSpace(g.Name), name) {
			continue
		}
		if g.LeftAt != nil {
			left = append(left, g.ID)
		} else {
			member = append(member, g.ID)
		}
	}
	switch {
	case len(member) == 1:
		return member[0], nil
	case len(member) > 1:
		return "", FieldError(field, "%d groups are named %q (%s): give the group's JID instead", len(member), name, strings.Join(member, ", "))
	case len(left) > 0:
		return "", NotMemberError(field, name)
	}
	return "", FieldError(field, "no group named %q is known (the groups list shows the account's groups)", name)
}

// NotMemberError is the error of field naming a group this account has
// left: a message to it could only fail when due.
func NotMemberError(field, group string) error {
	return FieldError(field, "this account is not a member of group %q any more", group)
}

// PhoneFromJID returns the phone of a user JID, or "" for other JIDs.
func PhoneFromJID(jid string) string {
	user, ok := strings.CutSuffix(jid, "@"+UserServer)
	if !ok {
		return ""
	}
	if i := strings.IndexByte(user, ':'); i >= 0 {
		user = user[:i]
	}
	return user
}

// PhoneProblem says why a stored phone is not in the form the phone rules
// give it, or returns "" when it is. Contacts written by other tools may
// hold numbers as they were typed; those that cannot be normalised without
// guessing are kept as they are and flagged with this reason.
func PhoneProblem(phone string) string {
	p, err := NormalizePhone("phone", phone)
	switch {
	case err != nil:
		return err.Error()
	case p != phone:
		return "stored as typed; its digits are " + p
	}
	return ""
}
