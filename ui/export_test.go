package ui

import "time"

// SetLoginSpacing shortens the wait between throttled sign-in attempts.
func SetLoginSpacing(h *Handler, d time.Duration) { h.logins.spacing = d }
