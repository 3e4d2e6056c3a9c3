package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// member is one element of a JSON array or one member of a JSON object.
type member struct {
	key    string // "" in an array
	index  int
	offset int64 // where the value starts in the file
	value  json.RawMessage
}

// members reads the JSON array or object in data, which starts at byte base
// of its file, and returns its kind ('[' or '{') and elements.
func members(data []byte, base int64) (byte, []member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // a huge number is a value to report, not a decoding failure
	tok, err := dec.Token()
	if err != nil {
		return 0, nil, shift(decodeError(err), base)
	}
	kind, ok := tok.(json.Delim)
	if !ok || (kind != '[' && kind != '{') {
		return 0, nil, errorAt(base, "expected an array or an object, found %s", describeToken(tok))
	}
	var out []member
	for i := 0; dec.More(); i++ {
		m := member{index: i}
		if kind == '{' {
			if tok, err = dec.Token(); err != nil {
				return 0, nil, shift(decodeError(err), base)
			}
			m.key, _ = tok.(string)
		}
		if err := dec.Decode(&m.value); err != nil {
			return 0, nil, shift(decodeError(err), base)
		}
		m.offset = base + dec.InputOffset() - int64(len(m.value))
		out = append(out, m)
	}
	if _, err := dec.Token(); err != nil {
		return 0, nil, shift(decodeError(err), base)
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return 0, nil, shift(decodeError(err), base)
		}
		return 0, nil, errorAt(base+dec.InputOffset(), "unexpected %s after the end of the JSON value", describeToken(tok))
	}
	return byte(kind), out, nil
}

// shift moves a posError of a nested document to its place in the file.
func shift(err error, base int64) error {
	var pe *posError
	if errors.As(err, &pe) && pe.offset >= 0 {
		return &posError{offset: base + pe.offset, msg: pe.msg}
	}
	return err
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' || v == ']' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

// kindOf names the JSON type of raw for messages.
func kindOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// record is one legacy object whose fields are read by name, in any of the
// names the three generations of the legacy app used. It remembers which
// fields were read so that unknown ones can be reported.
type record struct {
	fields map[string]json.RawMessage
	used   map[string]bool
}

// newRecord reads the object in raw; anything else is not a record.
func newRecord(raw json.RawMessage) (*record, error) {
	if kindOf(raw) != "an object" {
		return nil, fmt.Errorf("expected an object, found %s", kindOf(raw))
	}
	r := &record{used: map[string]bool{}}
	if err := json.Unmarshal(raw, &r.fields); err != nil {
		return nil, err
	}
	return r, nil
}

// get returns the first of names whose value is present and not null.
func (r *record) get(names ...string) (string, json.RawMessage) {
	for _, n := range names {
		r.used[n] = true
	}
	for _, n := range names {
		if v, ok := r.fields[n]; ok && kindOf(v) != "null" {
			return n, v
		}
	}
	return names[0], nil
}

// unknown returns the names of fields nothing read.
func (r *record) unknown() []string {
	var out []string
	for n := range r.fields {
		if !r.used[n] {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// str reads a string; numbers are taken as their digits (legacy ids and
// phones were sometimes numbers).
func (r *record) str(names ...string) (string, error) {
	name, raw := r.get(names...)
	s, err := asString(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

func asString(raw json.RawMessage) (string, error) {
	switch kindOf(raw) {
	case "nothing", "null":
		return "", nil
	case "a string":
		var s string
		err := json.Unmarshal(raw, &s)
		return strings.TrimSpace(s), err
	case "a number":
		return string(bytes.TrimSpace(raw)), nil
	}
	return "", fmt.Errorf("must be a string, found %s", kindOf(raw))
}

// boolean reads true/false, "true"/"false", "yes"/"no" or 1/0; ok is false
// when the field is absent.
func (r *record) boolean(names ...string) (v, ok bool, err error) {
	name, raw := r.get(names...)
	v, ok, err = asBool(raw)
	if err != nil {
		return false, false, fmt.Errorf("%s: %w", name, err)
	}
	return v, ok, nil
}

func asBool(raw json.RawMessage) (v, ok bool, err error) {
	switch kindOf(raw) {
	case "nothing", "null":
		return false, false, nil
	case "a boolean":
		return bytes.Equal(bytes.TrimSpace(raw), []byte("true")), true, nil
	}
	s, err := asString(raw)
	if err != nil {
		return false, false, fmt.Errorf("must be true or false, found %s", kindOf(raw))
	}
	switch strings.ToLower(s) {
	case "true", "yes", "1":
		return true, true, nil
	case "false", "no", "0", "":
		return false, true, nil
	}
	return false, false, fmt.Errorf("must be true or false, found %q", s)
}

// integer reads a whole number: a JSON number, a numeric string or a
// protobuf Long {"low":N,"high":N}.
func (r *record) integer(names ...string) (int64, bool, error) {
	name, raw := r.get(names...)
	n, ok, err := asInt(raw)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %w", name, err)
	}
	return n, ok, nil
}

func asInt(raw json.RawMessage) (int64, bool, error) {
	switch kindOf(raw) {
	case "nothing", "null":
		return 0, false, nil
	case "an object":
		var l struct {
			Low  *float64 `json:"low"`
			High *float64 `json:"high"`
		}
		if err := json.Unmarshal(raw, &l); err != nil || l.Low == nil {
			return 0, false, errors.New(`must be a number or {"low":N,"high":N}`)
		}
		lo, loOK := wholeNumber(*l.Low)
		hi, hiOK := int64(0), true
		if l.High != nil {
			hi, hiOK = wholeNumber(*l.High)
		}
		if !loOK || !hiOK || lo < math.MinInt32 || lo > math.MaxUint32 || hi < math.MinInt32 || hi > math.MaxInt32 {
			return 0, false, errors.New("low/high out of range")
		}
		return hi<<32 | int64(uint32(lo)), true, nil
	case "a number", "a string":
		s, _ := asString(raw)
		if s == "" {
			return 0, false, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false, fmt.Errorf("%q is not a number", s)
		}
		n, ok := wholeNumber(f)
		if !ok {
			return 0, false, fmt.Errorf("%s is not a whole number", s)
		}
		return n, true, nil
	}
	return 0, false, fmt.Errorf("must be a number, found %s", kindOf(raw))
}

// number reads a number that may have a fraction: a JSON number or a
// numeric string.
func (r *record) number(names ...string) (float64, bool, error) {
	name, raw := r.get(names...)
	switch kindOf(raw) {
	case "nothing", "null":
		return 0, false, nil
	case "a number", "a string":
		s, _ := asString(raw)
		if s == "" {
			return 0, false, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, fmt.Errorf("%s: %q is not a number", name, s)
		}
		return f, true, nil
	}
	return 0, false, fmt.Errorf("%s: must be a number, found %s", name, kindOf(raw))
}

// wholeNumber converts f when it is an integer that fits in int64 exactly
// enough for a count or a timestamp.
func wholeNumber(f float64) (int64, bool) {
	if f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return 0, false
	}
	return int64(f), true
}

// strings reads a list of strings; a single string is a list of one.
func (r *record) strings(names ...string) ([]string, error) {
	name, raw := r.get(names...)
	if kindOf(raw) != "an array" {
		s, err := asString(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: must be a list of strings, found %s", name, kindOf(raw))
		}
		if s == "" {
			return nil, nil
		}
		return []string{s}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		s, err := asString(it)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", name, i, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// readTime reads a time field of r (see parseTime); one without an offset
// is read as UTC and noted on it.
func readTime[T any](r *record, it *item[T], names ...string) (time.Time, error) {
	name, raw := r.get(names...)
	t, naive, err := parseTime(raw)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", name, err)
	}
	if naive {
		it.warnings = append(it.warnings, name+" has no UTC offset; read as UTC")
	}
	return t, nil
}

// timePtr returns nil for the zero time, for nullable columns.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ignoredFields makes the names of skipped wrapper members look like a
// record's fields, to report them with the unknown ones.
func ignoredFields(names []string) map[string]json.RawMessage {
	f := map[string]json.RawMessage{}
	for _, n := range names {
		f[n] = nil
	}
	return f
}

// sub reads a nested object; absent or null gives an empty record.
func (r *record) sub(names ...string) (*record, error) {
	name, raw := r.get(names...)
	if raw == nil {
		return &record{used: map[string]bool{}}, nil
	}
	s, err := newRecord(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}
