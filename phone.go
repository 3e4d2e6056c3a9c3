package vpslink

import "strings"

// WhatsApp JID servers a recipient may carry.
const (
	UserServer  = "s.whatsapp.net"
	GroupServer = "g.us"
)

// NormalizePhone reduces a phone number to digits: it drops "+", spaces,
// dashes, dots, brackets, a leading international "00" and a
// "@s.whatsapp.net" suffix. E.164 allows at most 15 digits; fewer than 6
// cannot be a reachable number.
func NormalizePhone(field, s string) (string, error) {
	p := strings.TrimSpace(s)
	if user, ok := strings.CutSuffix(p, "@"+UserServer); ok {
		p, _, _ = strings.Cut(user, ":") // a device JID: "4915...:12@s.whatsapp.net"
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
	digits := strings.TrimPrefix(b.String(), "00")
	if strings.HasPrefix(digits, "00") {
		return "", FieldError(field, "%q is not a phone number", s)
	}
	if len(digits) < 6 || len(digits) > 15 {
		return "", FieldError(field, "%q must have 6 to 15 digits", s)
	}
	return digits, nil
}

// NormalizeRecipient accepts a phone number, a user JID or a group JID and
// returns the JID string a message is sent to.
func NormalizeRecipient(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if user, ok := strings.CutSuffix(s, "@"+GroupServer); ok {
		if user == "" || strings.Trim(user, "0123456789-") != "" {
			return "", FieldError(field, "%q is not a group JID", s)
		}
		return s, nil
	}
	phone, err := NormalizePhone(field, s)
	if err != nil {
		return "", err
	}
	return phone + "@" + UserServer, nil
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
