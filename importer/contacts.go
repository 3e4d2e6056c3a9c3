package importer

import (
	"fmt"
	"strings"

	"github.com/vpslink/vpslink"
)

// parseContacts reads contacts.json: an object keyed by phone (the key may
// carry "+"). Three generations wrote aliases[] or alias, favorite or
// is_favorite, and phones{primary, secondary} or only the key.
func parseContacts(data []byte) (*parsed[vpslink.Contact], error) {
	kind, ms, err := members(data, 0)
	if err != nil {
		return nil, err
	}
	if kind != '{' {
		return nil, errorAt(0, "expected an object keyed by phone, found an array")
	}
	p := &parsed[vpslink.Contact]{}
	for _, m := range ms {
		r, err := newRecord(m.value)
		if err != nil {
			return nil, errorAt(m.offset, "contact %q: %v", m.key, err)
		}
		it := parseContact(m.key, r)
		p.noteUnknown(r)
		p.items = append(p.items, it)
	}
	return p, nil
}

func parseContact(key string, r *record) item[vpslink.Contact] {
	it := item[vpslink.Contact]{ref: key}
	c, err := contactFields(r, &it)
	if err != nil {
		it.skip = err.Error()
		return it
	}
	primary := c.Phone
	if primary == "" {
		primary = key
	}
	validate := c.Validate
	if c.Phone, err = vpslink.NormalizePhone("phone", primary); err != nil {
		// A number the rules cannot read is kept as it was typed and
		// flagged on the contact (phone_problem), never dropped: the
		// person is still someone's contact, and someone can correct it.
		if c.Phone = strings.TrimSpace(primary); c.Phone == "" {
			it.skip = vpslink.ErrorMessage(err)
			return it
		}
		it.warnings = append(it.warnings, vpslink.ErrorMessage(err)+"; imported as it is and flagged")
		validate = c.ValidateDetails
	} else if w := phoneConverted("phone", primary, c.Phone); w != "" {
		it.warnings = append(it.warnings, w)
	}
	it.key = c.Phone
	if c.SecondaryPhone != "" {
		p, err := vpslink.NormalizePhone("phones.secondary", c.SecondaryPhone)
		switch {
		case err != nil:
			it.warnings = append(it.warnings, vpslink.ErrorMessage(err)+"; not imported")
			p = ""
		case p == c.Phone:
			p = ""
		default:
			if w := phoneConverted("phones.secondary", c.SecondaryPhone, p); w != "" {
				it.warnings = append(it.warnings, w)
			}
		}
		c.SecondaryPhone = p
	}
	if _, err := vpslink.LoadLocation("timezone", c.Timezone); err != nil {
		it.warnings = append(it.warnings, vpslink.ErrorMessage(err)+"; not imported")
		c.Timezone = ""
	}
	if c.Name == "" {
		it.skip = "missing name"
		return it
	}
	if err := validate(); err != nil {
		it.skip = vpslink.ErrorMessage(err)
		return it
	}
	it.value = *c
	return it
}

// contactFields reads the fields of a contact; a field of the wrong type is
// an error that skips the record.
func contactFields(r *record, it *item[vpslink.Contact]) (*vpslink.Contact, error) {
	var c vpslink.Contact
	var err error
	if c.Name, err = r.str("name"); err != nil {
		return nil, err
	}
	phones, err := r.sub("phones")
	if err != nil {
		// The oldest records hold a plain string.
		if c.Phone, err = r.str("phones"); err != nil {
			return nil, err
		}
	} else {
		if c.Phone, err = phones.str("primary"); err != nil {
			return nil, fmt.Errorf("phones.%w", err)
		}
		if c.SecondaryPhone, err = phones.str("secondary"); err != nil {
			return nil, fmt.Errorf("phones.%w", err)
		}
	}
	aliases, err := r.strings("aliases")
	if err != nil {
		return nil, err
	}
	alias, err := r.strings("alias")
	if err != nil {
		return nil, err
	}
	c.Aliases = append(aliases, alias...)
	fav, _, err := r.boolean("favorite")
	if err != nil {
		return nil, err
	}
	isFav, _, err := r.boolean("is_favorite")
	if err != nil {
		return nil, err
	}
	c.IsFavorite = fav || isFav
	if c.Tags, err = r.strings("tags"); err != nil {
		return nil, err
	}
	// defaultPhone named which of phones the legacy app dialled; vpslink
	// always stores phones.primary as the contact's phone (docs/import.md).
	r.get("defaultPhone")
	if c.Timezone, err = r.str("timezone"); err != nil {
		return nil, err
	}
	if c.Notes, err = r.str("notes"); err != nil {
		return nil, err
	}
	if c.CreatedAt, err = readTime(r, it, "createdAt", "created_at"); err != nil {
		return nil, err
	}
	return &c, nil
}

// mergeContact combines two records of the same phone the way a re-import
// combines a record with the stored contact: the later name and details
// win, lists are joined, a favourite stays one.
func mergeContact(first, later *vpslink.Contact) {
	first.Name = later.Name
	first.Aliases = append(first.Aliases, later.Aliases...)
	first.Tags = append(first.Tags, later.Tags...)
	first.IsFavorite = first.IsFavorite || later.IsFavorite
	for _, f := range [][2]*string{{&first.SecondaryPhone, &later.SecondaryPhone}, {&first.Timezone, &later.Timezone}, {&first.Notes, &later.Notes}} {
		if *f[1] != "" {
			*f[0] = *f[1]
		}
	}
	if first.CreatedAt.IsZero() || (!later.CreatedAt.IsZero() && later.CreatedAt.Before(first.CreatedAt)) {
		first.CreatedAt = later.CreatedAt
	}
}
