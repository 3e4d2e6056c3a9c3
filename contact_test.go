package vpslink_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
)

func TestContactValidate(t *testing.T) {
	valid := func() vpslink.Contact {
		return vpslink.Contact{Phone: "+49 151 1234 5678", Name: "  Anna  ", Aliases: []string{" Annie", "", "annie", "A."},
			Tags: []string{"family"}, SecondaryPhone: "0049 30 1234567", Timezone: "Europe/Berlin", Notes: "likes tea"}
	}
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = strings.Repeat("x", i%7+1) + string(rune('a'+i%26))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		edit  func(c *vpslink.Contact)
		field string // "" when valid
	}{
		{"valid", func(c *vpslink.Contact) {}, ""},
		{"only phone and name", func(c *vpslink.Contact) { *c = vpslink.Contact{Phone: "4915112345678", Name: "Anna"} }, ""},
		{"100 aliases", func(c *vpslink.Contact) { c.Aliases = many(100) }, ""},
		{"notes at the limit", func(c *vpslink.Contact) { c.Notes = strings.Repeat("n", 10000) }, ""},
		{"bad phone", func(c *vpslink.Contact) { c.Phone = "phone" }, "phone"},
		{"no name", func(c *vpslink.Contact) { c.Name = "" }, "name"},
		{"blank name", func(c *vpslink.Contact) { c.Name = " \t " }, "name"},
		{"name too long", func(c *vpslink.Contact) { c.Name = strings.Repeat("a", 201) }, "name"},
		{"bad secondary phone", func(c *vpslink.Contact) { c.SecondaryPhone = "12" }, "secondary_phone"},
		{"unknown zone", func(c *vpslink.Contact) { c.Timezone = "Europe/Nowhere" }, "timezone"},
		{"too many aliases", func(c *vpslink.Contact) { c.Aliases = many(101) }, "aliases"},
		{"alias too long", func(c *vpslink.Contact) { c.Aliases = []string{"ok", strings.Repeat("a", 101)} }, "aliases[1]"},
		{"tag too long", func(c *vpslink.Contact) { c.Tags = []string{strings.Repeat("t", 101)} }, "tags[0]"},
		{"too many tags", func(c *vpslink.Contact) { c.Tags = many(101) }, "tags"},
		{"notes too long", func(c *vpslink.Contact) { c.Notes = strings.Repeat("n", 10001) }, "notes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.edit(&c)
			checkValidation(t, c.Validate(), tc.field)
			if tc.field != "" {
				return
			}
			if c.Phone != "4915112345678" || c.Name != "Anna" || c.Aliases == nil || c.Tags == nil {
				t.Errorf("not normalised: %+v", c)
			}
		})
	}
}

func TestContactValidateNormalises(t *testing.T) {
	c := vpslink.Contact{Phone: "+49 151 1234 5678", Name: "  Anna  ", Aliases: []string{" Annie", "", "annie", "A."},
		Tags: nil, SecondaryPhone: "0049 30 1234567"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := vpslink.Contact{Phone: "4915112345678", Name: "Anna", Aliases: []string{"Annie", "A."},
		Tags: []string{}, SecondaryPhone: "49301234567"}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
}

func TestContactValidateDetailsKeepsAFlaggedPhone(t *testing.T) {
	c := vpslink.Contact{Phone: "ask Anna", Name: " Anna ", Aliases: []string{"A", "a"}}
	if err := c.Validate(); vpslink.ErrorField(err) != "phone" {
		t.Fatalf("Validate() = %v, want an error about phone", err)
	}
	if err := c.ValidateDetails(); err != nil {
		t.Fatal(err)
	}
	if c.Phone != "ask Anna" || c.Name != "Anna" || len(c.Aliases) != 1 {
		t.Errorf("got %+v", c)
	}
	c.Notes = strings.Repeat("n", 10001)
	checkValidation(t, c.ValidateDetails(), "notes")
}
