package vpslink

import "time"

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
