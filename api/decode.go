package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vpslink/vpslink"
)

// maxBody is the largest request body accepted: 1 MiB.
const maxBody = 1 << 20

// readBody reads the whole (already size-limited) body.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, vpslink.Errorf(vpslink.ETOOLARGE, "request body is larger than %d bytes", maxBody)
	} else if err != nil {
		return nil, vpslink.Errorf(vpslink.EINVALID, "cannot read request body")
	}
	return b, nil
}

// decode reads a JSON object into v strictly: the content type must be
// JSON, unknown fields, trailing data and wrong types are validation errors
// naming the field.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return vpslink.FieldError("Content-Type", "must be application/json")
		}
	} else {
		return vpslink.FieldError("Content-Type", "must be application/json")
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeJSON(b, v)
}

// decodeEmpty accepts a body-less request, or an empty JSON object, for
// routes that take no input.
func decodeEmpty(r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	return decodeJSON(b, &struct{}{})
}

// decodeOptional decodes a JSON body into v, for routes whose input is
// optional; a body-less request leaves v as it is.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return decodeEmpty(r)
	}
	return decode(r, v)
}

func decodeJSON(b []byte, v any) error {
	// encoding/json rewrites both of these to U+FFFD, after which the
	// domain rules could no longer see that the text was changed.
	if !utf8.Valid(b) {
		return vpslink.FieldError("body", "is not valid UTF-8")
	}
	if esc, ok := loneSurrogate(b); ok {
		return vpslink.FieldError("body", "holds a lone UTF-16 surrogate (%s), which is not text", esc)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(b, v, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return vpslink.FieldError("body", "must hold a single JSON object")
	}
	return nil
}

// loneSurrogate finds a \uD800-\uDFFF escape that is not half of a
// high-low pair. Backslashes only occur inside JSON strings, so a scan of
// the escapes is enough.
func loneSurrogate(b []byte) (string, bool) {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] != 'u' {
			i++ // an escaped character, maybe a backslash
			continue
		}
		r, ok := hexRune(b[i+2:])
		if !ok {
			continue // a syntax error the decoder reports
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			if len(b) >= i+12 && b[i+6] == '\\' && b[i+7] == 'u' {
				if low, ok := hexRune(b[i+8:]); ok && low >= 0xDC00 && low <= 0xDFFF {
					i += 11
					continue
				}
			}
			return string(b[i : i+6]), true
		case r >= 0xDC00 && r <= 0xDFFF:
			return string(b[i : i+6]), true
		}
		i += 5
	}
	return "", false
}

func hexRune(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(n), err == nil
}

// jsonError turns encoding/json's errors into validation errors naming the
// field, without echoing the input back. b and v are the body and its
// target, in which an unknown field is looked up to name its path.
func jsonError(b []byte, v any, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var fieldErr *vpslink.Error
	switch {
	case errors.As(err, &fieldErr):
		return fieldErr
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return vpslink.FieldError("body", "is not valid JSON")
	case errors.Is(err, io.EOF):
		return vpslink.FieldError("body", "must not be empty")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return vpslink.FieldError("body", "must be a JSON object")
		}
		field := findPath(b, v, typ.Field, func(_ string, f *reflect.StructField, value any, dotted string) bool {
			return f != nil && dotted == typ.Field && !fits(value, f.Type)
		})
		kind := typ.Type.Kind().String()
		if num, ok := strings.CutPrefix(typ.Value, "number "); ok && jsonType(kind) == "a number" {
			if strings.HasPrefix(kind, "int") && strings.ContainsAny(num, ".eE") {
				return vpslink.FieldError(field, "must be a whole number")
			}
			return vpslink.FieldError(field, "is out of range")
		}
		return vpslink.FieldError(field, "must be %s", jsonType(kind))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		path := findPath(b, v, name, func(key string, f *reflect.StructField, _ any, _ string) bool {
			return f == nil && key == name
		})
		return vpslink.FieldError(path, "is not a known field")
	}
	return vpslink.FieldError("body", "is not valid: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// findPath returns the path in body b, decoded into v, that bodyPath finds
// with hit, or fallback.
func findPath(b []byte, v any, fallback string, hit func(key string, f *reflect.StructField, value any, dotted string) bool) string {
	var body any
	if json.Unmarshal(b, &body) != nil {
		return fallback
	}
	if p, ok := bodyPath(body, reflect.TypeOf(v), hit, "", ""); ok {
		return p
	}
	return fallback
}

// bodyPath finds the path ("config.mode", "message_parts[1].txt") of the
// first key in the decoded body, in key order, for which hit is true. f is
// the field of type t the key decodes into, nil for an unknown key; dotted
// is the path without indices, as encoding/json names a field. Its errors
// name only a key or a dotted path, which is ambiguous in a nested body.
func bodyPath(body any, t reflect.Type, hit func(key string, f *reflect.StructField, value any, dotted string) bool, path, dotted string) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch body := body.(type) {
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return "", false
		}
		for i, el := range body {
			if p, ok := bodyPath(el, t.Elem(), hit, fmt.Sprintf("%s[%d]", path, i), dotted); ok {
				return p, true
			}
		}
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return "", false
		}
		for _, k := range slices.Sorted(maps.Keys(body)) {
			p, d := k, k
			if path != "" {
				p, d = path+"."+k, dotted+"."+k
			}
			f, known := jsonField(t, k)
			if !known {
				if hit(k, nil, body[k], d) {
					return p, true
				}
				continue
			}
			if hit(k, &f, body[k], d) {
				return p, true
			}
			if p, ok := bodyPath(body[k], f.Type, hit, p, d); ok {
				return p, true
			}
		}
	}
	return "", false
}

// fits reports whether a decoded JSON value decodes into type t.
func fits(value any, t reflect.Type) bool {
	b, err := json.Marshal(value)
	return err == nil && json.Unmarshal(b, reflect.New(t).Interface()) == nil
}

// jsonField finds the struct field that encoding/json decodes key into:
// its tag name or field name, compared without regard to case.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "int", "int64", "int32", "float64":
		return "a number"
	}
	return fmt.Sprintf("of type %s", kind)
}
