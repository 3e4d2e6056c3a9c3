package store

import (
	"database/sql"
	"time"

	"github.com/vpslink/vpslink"
)

func fmtTime(t time.Time) string { return vpslink.FormatTime(t) }

// nullTime formats an optional time for a nullable column.
func nullTime(t *time.Time) any { return vpslink.FormatTimePtr(t) }

// parseTime parses a non-null time column; rows written by other tools may
// hold loose forms, which still parse.
func parseTime(s string) time.Time {
	t, _ := vpslink.ParseStoredTime(s)
	return t
}

// parseNullTime parses a nullable time column.
func parseNullTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t, err := vpslink.ParseStoredTime(s.String)
	if err != nil {
		return nil
	}
	return &t
}
