package vpslink

import (
	"errors"
	"fmt"
)

// Error codes. They are stable strings because the HTTP API returns them to
// clients and the CLI prints them; the mapping to HTTP status lives in api/.
const (
	EINVALID      = "VALIDATION_ERROR"
	EUNAUTHORIZED = "UNAUTHORIZED"
	EFORBIDDEN    = "FORBIDDEN"
	ENOTFOUND     = "NOT_FOUND"
	ECONFLICT     = "CONFLICT"
	ETOOLARGE     = "PAYLOAD_TOO_LARGE"
	ERATELIMIT    = "RATE_LIMIT_EXCEEDED"
	EMETHOD       = "METHOD_NOT_ALLOWED"
	EINTERNAL     = "INTERNAL_ERROR"
)

// Error is an application error whose message is safe to show to a user.
// Field names the offending input field, when there is one.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf returns an application error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns a validation error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error anywhere in err's
// chain, EINTERNAL for any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Internal errors get a
// generic message: their details may hold paths or SQL and are only logged.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}

// ErrorField returns the input field an application error names, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
