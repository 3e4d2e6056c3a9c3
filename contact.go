package vpslink

import (
	"strings"
	"time"
)

// Contact is a person the account sends to. Phone is digits only and is the
// contact's identity everywhere (the API's {phone}, scheduled_messages.to_phone).
type Contact struct {
	ID             int64    `json:"id"`
	Phone          string   `json:"phone"`
	Name           string   `json:"name"`
	Aliases        []string `json:"aliases"`
	Tags           []string `json:"tags"`
	IsFavorite     bool     `json:"is_favorite"`
	SecondaryPhone string   `json:"secondary_phone,omitempty"`
	Timezone       string   `json:"timezone,omitempty"`
	Notes          string   `json:"notes,omitempty"`
	// PhoneProblem is set when Phone is not a valid number in digits-only
	// form (a legacy number kept as it was typed): sends to it are refused
	// until someone corrects it.
	PhoneProblem string    `json:"phone_problem,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ContactFilter selects contacts. Search matches name, alias or phone.
type ContactFilter struct {
	Search   string
	Favorite *bool
	Tag      string
	Limit    int
	Offset   int
}

// ContactUpdate holds the fields to change; nil fields stay as they are.
type ContactUpdate struct {
	// Phone corrects the phone; the contact's scheduled messages follow.
	Phone          *string   `json:"phone"`
	Name           *string   `json:"name"`
	Aliases        *[]string `json:"aliases"`
	Tags           *[]string `json:"tags"`
	IsFavorite     *bool     `json:"is_favorite"`
	SecondaryPhone *string   `json:"secondary_phone"`
	Timezone       *string   `json:"timezone"`
	Notes          *string   `json:"notes"`
}

// Validate checks a contact and normalises it: phones to digits, the name
// trimmed, aliases and tags cleaned by CleanLabels.
func (c *Contact) Validate() error {
	phone, err := NormalizePhone("phone", c.Phone)
	if err != nil {
		return err
	}
	c.Phone = phone
	return c.ValidateDetails()
}

// ValidateDetails is Validate without the phone, for a contact whose phone
// is kept as another tool stored it and flagged (PhoneProblem): it stays
// reachable and correctable while its other fields follow the rules.
func (c *Contact) ValidateDetails() error {
	var err error
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return FieldError("name", "must not be empty")
	}
	if err := checkLength("name", c.Name, maxNameLength); err != nil {
		return err
	}
	if c.SecondaryPhone != "" {
		if c.SecondaryPhone, err = NormalizePhone("secondary_phone", c.SecondaryPhone); err != nil {
			return err
		}
	}
	if _, err := LoadLocation("timezone", c.Timezone); err != nil {
		return err
	}
	if err := checkLabels("aliases", c.Aliases); err != nil {
		return err
	}
	if err := checkLabels("tags", c.Tags); err != nil {
		return err
	}
	if err := checkLength("notes", c.Notes, maxNotesLength); err != nil {
		return err
	}
	c.Aliases, c.Tags = CleanLabels(c.Aliases), CleanLabels(c.Tags)
	return nil
}

// CleanLabels trims aliases or tags and drops empty ones and repeats, which
// differ only in case from an earlier one. It never returns nil, so that an
// empty list is stored and shown as [].
func CleanLabels(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	return out
}
