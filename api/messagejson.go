package api

import (
	"bytes"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vpslink/vpslink"
)

// The message list is the API's most requested page. encoding/json spent a
// quarter of a list request's CPU on it: reflection for every field, and
// for every time a MarshalJSON call whose output it allocates, then
// re-scans. writeMessagePage writes the same bytes directly (the tests
// compare it with encoding/json, field by field, so that a field added to
// vpslink.ScheduledMessage without being added here fails them).

// writeMessagePage sends what writeJSON sends for page{Success: true,
// Data: list, Total: total, Limit: limit, Offset: offset}, and keeps it in
// the list cache under key at version when cacheable.
func (s *Server) writeMessagePage(w http.ResponseWriter, r *http.Request, list []*vpslink.ScheduledMessage, total, limit, offset int, key string, version int64, cacheable bool) {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(buf)
	b, ok := appendMessagePage(buf.AvailableBuffer(), list, total, limit, offset)
	if !ok {
		// A time encoding/json refuses: let it say so.
		writeJSON(w, r, http.StatusOK, page{Success: true, Data: list, Total: total, Limit: limit, Offset: offset})
		return
	}
	buf.Write(b)
	s.sendPage(w, key, version, cacheable, buf.Bytes())
}

func appendMessagePage(b []byte, list []*vpslink.ScheduledMessage, total, limit, offset int) ([]byte, bool) {
	b = append(b, `{"success":true,"data":[`...)
	for i, m := range list {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendMessage(b, m); !ok {
			return b, false
		}
	}
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(limit), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(offset), 10)
	return append(b, "}\n"...), true
}

// appendMessage appends m as encoding/json encodes it, in the order and
// with the omitempty rules of its json tags.
func appendMessage(b []byte, m *vpslink.ScheduledMessage) ([]byte, bool) {
	if m == nil {
		return append(b, "null"...), true
	}
	ok := true
	str := func(key, v string, omitEmpty bool) {
		if v == "" && omitEmpty {
			return
		}
		b = append(b, `,"`+key+`":`...)
		b = appendJSONString(b, v)
	}
	tm := func(key string, t time.Time) {
		b = append(b, `,"`+key+`":`...)
		var good bool
		b, good = appendJSONTime(b, t)
		ok = ok && good
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, m.ID)
	str("to_phone", m.ToPhone, false)
	str("contact_name", m.ContactName, false)
	str("message", m.Message, false)
	tm("scheduled_at", m.ScheduledAt)
	str("status", m.Status, false)
	str("error_message", m.ErrorMessage, true)
	str("wa_message_id", m.WAMessageID, true)
	str("created_from", m.CreatedFrom, true)
	str("recipient_timezone", m.RecipientTimezone, true)
	tm("created_at", m.CreatedAt)
	tm("updated_at", m.UpdatedAt)
	if m.SentAt == nil {
		b = append(b, `,"sent_at":null`...)
	} else {
		tm("sent_at", *m.SentAt)
	}
	str("resent_from", m.ResentFrom, true)
	if m.TemplateID != nil {
		b = append(b, `,"template_id":`...)
		b = strconv.AppendInt(b, *m.TemplateID, 10)
	}
	str("recurrence", m.Recurrence, true)
	str("series_id", m.SeriesID, true)
	if m.SeriesStart != nil {
		tm("series_start", *m.SeriesStart)
	}
	if m.Occurrence != 0 {
		b = append(b, `,"occurrence":`...)
		b = strconv.AppendInt(b, int64(m.Occurrence), 10)
	}
	if len(m.NextOccurrences) > 0 {
		b = append(b, `,"next_occurrences":[`...)
		for i, t := range m.NextOccurrences {
			if i > 0 {
				b = append(b, ',')
			}
			var good bool
			b, good = appendJSONTime(b, t)
			ok = ok && good
		}
		b = append(b, ']')
	}
	return append(b, '}'), ok
}

// appendJSONTime appends t as time.Time's MarshalJSON does; false for the
// times it refuses (a year outside 0-9999 or an offset of a day or more).
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	_, offset := t.Zone()
	if y := t.Year(); y < 0 || y > 9999 || offset <= -24*60*60 || offset >= 24*60*60 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// appendJSONString appends s as a JSON string with encoding/json's
// escaping: HTML's <, > and & too, bytes that are not UTF-8 as U+FFFD, and
// U+2028 and U+2029, which JavaScript reads as line ends.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[done:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[done:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[done:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}
